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

std::string statsJson(const core::StatsReport& r)
{
    std::string out = "{" + engineStateJsonFields(r.counters, r.watermarkMs, r.maxEventMs)
        + ",\"settings\":{\"lateness_s\":" + std::to_string(r.settings.latenessMs / 1000) + ",\"late\":\""
        + (r.settings.late == core::LatePolicy::Update ? "update" : "drop")
        + "\",\"dedup_horizon_s\":" + std::to_string(r.settings.dedupHorizonMs / 1000)
        + "},\"ads\":" + std::to_string(r.ads) + ",\"aggregate_rows\":" + std::to_string(r.aggRows)
        + ",\"raw\":{\"segments\":" + std::to_string(r.raw.count) + ",\"bytes\":"
        + std::to_string(r.raw.bytes) + ",\"events\":" + std::to_string(r.raw.events) + "},\"sources\":[";
    for (std::size_t i = 0; i < r.sources.size(); ++i)
        out += (i ? "," : "") + std::string("{\"uri\":") + jsonString(r.sources[i].uri)
            + ",\"offset\":" + std::to_string(r.sources[i].offset) + "}";
    out += "],\"kafka\":" + kafkaHealthListJson(r.kafka) + ",\"rejected_samples\":[";
    for (std::size_t i = 0; i < r.rejectSamples.size(); ++i) {
        const auto& s = r.rejectSamples[i];
        out += (i ? "," : "") + std::string("{\"source\":") + jsonString(s.source)
            + ",\"offset\":" + std::to_string(s.offset) + ",\"reason\":" + jsonString(s.reason)
            + ",\"line\":" + jsonString(s.line) + "}";
    }
    return out + "]}\n";
}

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
    std::fputs(statsJson(*report).c_str(), stdout);
    return 0;
}

} // namespace adclick::app
