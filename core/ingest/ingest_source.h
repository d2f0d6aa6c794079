#pragma once
// Private to the Ingestor's sources (ingest.cpp, ingest_follow.cpp): one file being read.

#include "core/ingest/ingest.h"
#include "core/input/input_file.h"
#include "core/input/line_parser.h"
#include "core/input/record_reader.h"
#include "core/store/store.h"

#include <memory>
#include <string>
#include <string_view>

namespace adclick::core {

struct Ingestor::Source {
    std::string path;
    std::unique_ptr<InputFile> file;
    LineParser parser;
    RecordReader splitter; //!< lines, and CSV records of several lines
    SourcePosition pos;
    std::size_t report = 0;
    bool resumable = true;
    //! The first content bytes (up to kFingerprintBytes) of the file as we read them: its
    //! fingerprint, and what a followed file must still start with (a truncation shows here).
    std::string head;
    //! Content bytes read (and checked) from this file so far.
    uint64_t readEnd = 0;
    //! Following: after every read the file must still start with `head`; `truncated` is set
    //! (and the chunk left unprocessed) when it does not.
    bool verify = false;
    bool truncated = false;
    //! A click or a CSV header was read from it in this run: until then it may be any file
    //! (a link to a secret), and its reject samples keep only kForeignSampleBytes.
    bool looksLikeClicks = false;
    //! An archived file read with IngestOptions::threads ≥ 2: parsed ahead on a worker.
    bool parseAhead = false;
};

//! The first kFingerprintBytes content bytes of `path`, read through a second handle.
Result<std::string> readHead(const std::string& path);

//! A file's head (its first kFingerprintBytes, as read) grown by `chunk`, read at offset `at`.
void extendHead(std::string& head, uint64_t at, std::string_view chunk);

//! Resuming mid-file: the parser must see again the lines that fixed its format (and the CSV
//! header) — they were counted in an earlier run.
void primeParser(LineParser& parser, std::string_view head);

} // namespace adclick::core
