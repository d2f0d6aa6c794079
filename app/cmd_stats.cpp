#include "cli_args.h"
#include "commands.h"
#include "json_out.h"

#include "core/store/stats.h"

#include <cstdio>

namespace adclick::app {

namespace {

const char* kHelp
    = "usage: adclick stats --db F [--samples N]\n\n"
      "Prints the database's counters (every non-blank input line is exactly one of accepted,\n"
      "duplicates, late, rejected), the watermark, the settings, the sources with their positions,\n"
      "the health of Kafka sources as of their last commit (broker state, rebalances, data-gap\n"
      "alarm, per-partition position, high watermark and lag in messages and event-time seconds),\n"
      "and the first N rejected lines (default 20) with their source and byte offset.\n";

} // namespace

int cmdStats(Args& args)
{
    if (printHelp(args, kHelp)) return 0;
    const auto db = args.value("db");
    std::optional<int64_t> samples;
    if (!integerOption(args, "samples", 0, 10'000, samples)) return 2;
    if (const int rc = rejectUnknown(args, "stats")) return rc;
    if (!db) return fail("stats needs --db FILE", 2);
    auto report = core::readStats(*db, static_cast<int>(samples.value_or(20)));
    if (!report) return fail(report.message());
    std::fputs(core::statsAnswerJson(*report).c_str(), stdout);
    return 0;
}

} // namespace adclick::app
