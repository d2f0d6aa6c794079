#pragma once
// What an ingest run that ended says about its input, beyond the counters: a source whose lines
// were all rejected (an error: exit 1), an empty source, and late clicks of an archive read in an
// order the lateness does not cover. The CLI prints these; the GUI shows them as a notice.

#include "core/ingest/ingest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace adclick::core {

struct RunNotice {
    enum class Level : uint8_t { Warning, Error };
    enum class Kind : uint8_t {
        AllRejected, //!< error: every line of the source (or run) was rejected
        Empty, //!< warning: a source without a single byte
        NoClickLines, //!< warning: a source of blank lines and headers only
        ManyLate //!< warning: more than 1 % of an archive's clicks were late
    };
    Level level = Level::Warning;
    Kind kind = Kind::AllRejected;
    std::string source; //!< the source it is about; empty for the whole run
    //! What happened, in sentences without a trailing newline; what to do about it is the front
    //! end's to add (the CLI names options, the GUI its dialogs): see the kinds.
    std::string text;
    int64_t count = 0, total = 0; //!< AllRejected: rejected of lines; ManyLate: late of clicks
};

//! The notices of a run, errors first (docs/semantics.md, "When the input looks wrong"). Each
//! command-line source is judged as a whole (a folder: all its files together):
//!  - Error: a source that gave lines, every one of them rejected (the top reasons and a hint);
//!    when no source is, but every line of the run was (Kafka, a followed file's rotations), the run.
//!  - Warning: a file of a folder whose lines were all rejected (the folder gave clicks).
//!  - Warning: a source that was not resumed and gave no line (empty, or only blank lines and
//!    headers); not while following (an empty file is waiting for data), nor when the run was
//!    `interrupted`.
//!  - Warning: an archive run (no --follow, no Kafka, not orderAny) in which more than 1 % of the
//!    clicks (accepted + duplicates + late) were late.
std::vector<RunNotice> judgeRun(
    const IngestResult& result, const IngestOptions& options, bool interrupted = false);

//! True when one of the notices is an error.
bool hasError(const std::vector<RunNotice>& notices);

//! "too_many_fields 100000, bad_csv_header 1": the `n` most frequent reasons, largest first.
std::string topRejectReasons(const Counters& counters, std::size_t n = 3);

//! A sentence on what the most frequent reject reason of `counters` usually means.
std::string rejectHint(const Counters& counters);

} // namespace adclick::core
