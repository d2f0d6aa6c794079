#pragma once
// `ingest --threads N` (N ≥ 2) for an archived file: a worker thread reads the file, cuts it
// into records and parses them ahead; the Ingestor hands the parsed lines to its one engine in
// input order (ingest.cpp, Ingestor::processBlock). Only where the parsing happens moves: every
// decision that depends on more than the line itself (future, dedup, commits, positions) is still
// taken on the Ingestor's thread in input order, so the result is that of one thread exactly.

#include "core/base/click_event.h"
#include "core/base/hash128.h"
#include "core/base/status.h"
#include "core/input/line_parser.h"
#include "core/input/line_splitter.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace adclick::core {

class InputFile;
class RecordReader;

//! A line as the parser read it: what Ingestor::takeLine needs to count it.
struct ParsedLine {
    ClickEvent event; //!< LineKind::Event: the click (views valid as long as the line's text)
    Hash128 identity {}; //!< LineKind::Event, parsed ahead: clickIdentity of the event
    //! An event's whole line (a future reject stores it); a reject's sample.
    std::string_view text;
    std::string_view problem; //!< headerError: what the header lacks (LineParser::headerProblem)
    uint64_t offset = 0; //!< stream offset of the line's first byte
    uint64_t consumed = 0; //!< the resume position just past it
    ParseOutcome outcome;
    //! A rejected header that is a source's first: the run stops with `problem`.
    bool headerError = false;
    //! The parser's state() changed with this line (a CSV header): parsed ahead, the new state is
    //! the next of ParsedBlock::states.
    bool stateChanged = false;
};

//! How much of a rejected line a reject sample keeps while its source has not yet shown a single
//! click (nor a CSV header): enough to recognise the kind of line, too little for a whole record.
constexpr std::size_t kForeignSampleBytes = 32;

//! Parses one record of a source as Ingestor::processLine does; `looksLikeClicks` is the
//! source's flag (updated), `fresh`: the source was not resumed (its first header matters).
void parseRecord(LineParser& parser, bool& looksLikeClicks, bool fresh, const Line& line, ParsedLine& out);

//! Copies of the texts that do not live in a block's read buffer (a line that began in the
//! previous chunk, unescaped values): stable until reset().
class TextArena {
public:
    std::string_view keep(std::string_view s);
    void reset();

private:
    static constexpr std::size_t kPage = 256 * 1024;
    std::vector<std::unique_ptr<char[]>> m_pages;
    std::size_t m_page = 0; //!< page being filled
    std::size_t m_used = 0; //!< bytes used in it
    std::vector<std::unique_ptr<char[]>> m_big; //!< texts longer than a page
};

//! One read of the file, parsed.
struct ParsedBlock {
    std::string bytes; //!< the read buffer; `size` bytes of it were read
    std::size_t size = 0;
    uint64_t fileOffset = 0; //!< InputFile::offset() after the read
    uint64_t consumed = 0; //!< the splitter's resume position after the block
    std::vector<ParsedLine> lines;
    std::vector<std::string> states; //!< parser states after the stateChanged lines, in order
    TextArena arena;
    //! The end of the file: `lines` are the records held at its end (RecordReader::finish).
    bool last = false;
    Status status; //!< a read error: nothing else in the block is valid
};

//! The worker: reads `file` in blocks, cuts them with `splitter` and parses them with its own
//! copy of the source's parser. A few blocks are in flight; the worker waits for one to be
//! released when all are in use. The destructor stops and joins the worker; the splitter is the
//! worker's until then.
class ParseAhead {
public:
    ParseAhead(InputFile& file, RecordReader& splitter, const LineParser& parser, bool looksLikeClicks,
        bool fresh, std::size_t bufferBytes);
    ~ParseAhead();
    ParseAhead(const ParseAhead&) = delete;
    ParseAhead& operator=(const ParseAhead&) = delete;

    //! The next block in file order (waits for it); hand it back with release().
    ParsedBlock& next();
    void release(ParsedBlock& block);

private:
    //! One being counted, one being parsed: the worker parses about four times faster than the
    //! engine counts, so a third block would only cost memory (each is ~12 MB for 4 MiB reads).
    static constexpr std::size_t kBlocks = 2;
    void work(std::stop_token stop);
    void fill(ParsedBlock& block);

    InputFile& m_file;
    RecordReader& m_splitter;
    LineParser m_parser;
    bool m_looksLikeClicks;
    bool m_fresh;
    std::string m_scratch; //!< clickIdentity's
    std::vector<std::unique_ptr<ParsedBlock>> m_blocks;
    std::mutex m_mutex;
    std::condition_variable_any m_changed;
    std::deque<ParsedBlock*> m_free;
    std::deque<ParsedBlock*> m_ready;
    std::jthread m_thread; //!< last: started once everything above exists
};

} // namespace adclick::core
