#include "ingest_verdict.h"

#include "core/ingest/run_verdict.h"

#include <cstdio>

namespace adclick::app {

namespace {

//! What to do about a notice, in the CLI's terms.
std::string suggestion(const core::RunNotice& n)
{
    using Kind = core::RunNotice::Kind;
    switch (n.kind) {
    case Kind::AllRejected:
        return n.source.empty() || n.source == "-"
            ? " `adclick sniff FILE` shows how a file's first lines are read."
            : " `adclick sniff " + n.source + "` shows how its first lines are read.";
    case Kind::ManyLate:
        return " Use --order any to count every click of a file in its own minute whatever the line order"
               " (or a new database with a larger --lateness; `adclick sniff FILE` tells which one).";
    case Kind::Empty:
    case Kind::NoClickLines:
        break;
    }
    return {};
}

} // namespace

int reportVerdict(const core::IngestResult& result, const core::IngestOptions& options, bool interrupted)
{
    const auto notices = core::judgeRun(result, options, interrupted);
    for (const core::RunNotice& n : notices)
        std::fprintf(stderr, "adclick: %s: %s%s\n",
            n.level == core::RunNotice::Level::Error ? "error" : "warning", n.text.c_str(),
            suggestion(n).c_str());
    return core::hasError(notices) ? 1 : 0;
}

} // namespace adclick::app
