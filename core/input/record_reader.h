#pragma once

#include "core/input/line_parser.h"
#include "core/input/line_splitter.h"

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! Cuts a stream into records for a LineParser: a record is one line, except that a CSV row
//! ending inside an open quoted field continues on the next lines (RFC 4180: quoted fields may
//! hold line breaks); the parser says which lines are CSV rows (LineParser::opensRecord).
//!
//! Bounded, so that a stray quote costs one reject and never the lines after it: a record holds
//! at most kMaxRecordLines physical lines and kMaxLineBytes bytes. When its quote is still open
//! then (or at the end of an archive), or a closing quote is followed by anything but a
//! separator, it was no record: its first line is returned alone (the parser rejects its open
//! quote) and the lines after it are read again as lines of their own.
//!
//! consumedOffset() is always a record boundary (the lines of a record being assembled are not
//! consumed yet), so a position stored from it never splits a record on resume.
class RecordReader {
public:
    static constexpr std::size_t kMaxRecordLines = 64;

    explicit RecordReader(std::size_t maxLineBytes = kMaxLineBytes);

    //! Forget everything and continue as if the stream started at `offset`.
    void reset(uint64_t offset = 0);

    //! Hand over the next chunk. It must stay alive until next() returned false.
    void feed(std::string_view chunk);

    //! The next complete record of what was fed, or false when more input is needed. `parser`
    //! must have parsed every record returned before (its state decides what is CSV).
    bool next(Line& record, const LineParser& parser) { return step(record, parser, false); }

    //! At the end of an archive: the records still held (a last line without '\n' is complete),
    //! one per call; false when nothing is left.
    bool finish(Line& record, const LineParser& parser) { return step(record, parser, true); }

    //! Stream offset just past the last record returned (the resume position).
    uint64_t consumedOffset() const { return m_consumed; }

private:
    struct Held {
        std::string text;
        uint64_t offset = 0;
        uint64_t endOffset = 0;
        bool tooLong = false;
    };

    bool step(Line& record, const LineParser& parser, bool atEnd);
    //! The next physical line: one to read again first, then the splitter's; at the end of an
    //! archive also the splitter's last partial line.
    bool take(Line& line, bool atEnd);
    void hold(const Line& line);
    //! The held lines were no record: returns the first alone, queues the others to read again.
    bool giveUp(Line& record);
    bool emit(Line& record, const Line& line);

    std::size_t m_max;
    LineSplitter m_splitter;
    std::deque<Held> m_again; //!< physical lines to read again after a record was given up
    std::vector<Held> m_held; //!< the physical lines of the record being assembled
    std::string m_joined; //!< their texts joined by '\n'
    Held m_taken; //!< the line take() returned from m_again
    std::string m_current; //!< text of the last record returned from held lines
    uint64_t m_consumed = 0;
    bool m_finalTaken = false; //!< the splitter's last partial line was taken
};

} // namespace adclick::core
