#include "cli_args.h"
#include "commands.h"
#include "json_out.h"

#include "core/input/sniffer.h"

#include <cstdio>

namespace adclick::app {

namespace {

const char* kHelp = R"(usage: adclick sniff [options] FILE

Reads the head of a click log the way `adclick ingest` would, without ingesting it, and prints
as JSON: the detected format and delimiter, the CSV header and the column each field is read
from, the time format and range, how far the lines are out of time order, a verdict for each of
the first lines (accepted, late, header, blank, or the reject reason) and notes on what looks
wrong. FILE may be a .gz or .zst file, or a directory (its first file in reading order).
"time" says how the stamps are read: the --time-format and --time-zone in use, the detected
format (iso, epoch-s|ms|us|ns by magnitude, or strftime) with its pattern, whether the zone
applies (stamps without a zone of their own), and for stamps rejected as bad_timestamp the
strftime patterns that would read them (two when day-first and month-first cannot be told apart:
none is chosen for you).

--format X       auto (default) | book | csv | jsonl, as for ingest
--map F=COL      where field F is read from, as for ingest (repeatable)
--delimiter C    the CSV field separator, as for ingest: ',' (default) | ';' | '|' | tab
--time-format F  auto (default) | iso | epoch-s | epoch-ms | epoch-us | epoch-ns | a strftime
                 pattern, as for ingest
--time-zone Z    the zone of times written without one: UTC (default), ±hh:mm or Area/City
--lateness S     the lateness the order figures are judged against (default 60 s)
--lines N        how many of the first lines to show with their verdicts (default 20)
--max-lines N    how many lines to read at most (default 100000; at most 16 MiB are read)
Exit codes: 0 the file was read (whatever it holds), 1 it cannot be read, 2 usage.
)";

constexpr int64_t kMaxShownLines = 100'000;
constexpr int64_t kMaxSniffLines = 100'000'000;

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string seconds(int64_t ms)
{
    return number(double(ms) / 1000.0);
}

std::string stringArray(const std::vector<std::string>& items)
{
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? "," : "") + jsonString(items[i]);
    return out + "]";
}

//! Where each field is read from: CSV columns, the book's positions, or JSON keys.
std::string mappingJson(const core::SniffResult& r, const core::ColumnMap& map)
{
    static const char* kFields[] = { "ad_id", "click_timestamp", "user_id", "ip", "country", "click_id" };
    std::string out = "{";
    for (std::size_t i = 0; i < std::size(kFields); ++i) {
        out += (i ? "," : "") + jsonString(kFields[i]) + ":";
        if (r.format == core::LineFormat::Csv && i < r.mapping.size()) {
            const core::SniffColumn& m = r.mapping[i];
            out += m.column < 0 ? std::string("null")
                                : "{\"column\":" + std::to_string(m.column)
                    + ",\"name\":" + (m.name.empty() ? std::string("null") : jsonString(m.name)) + "}";
        } else if (r.format == core::LineFormat::Jsonl) {
            // A mapped key, none (`--map F=`), or found by its name or a synonym.
            const auto& mapped = map[static_cast<core::ClickField>(i)];
            out += !mapped        ? std::string("{\"key\":\"by name\"}")
                : mapped->empty() ? std::string("null")
                                  : "{\"key\":" + jsonString(*mapped) + "}";
        } else {
            out += "{\"position\":" + std::to_string(i) + "}";
        }
    }
    return out + "}";
}

std::string verdictsJson(const core::SniffResult& r)
{
    std::string reasons;
    for (std::size_t i = 0; i < core::kRejectReasonCount; ++i)
        if (r.rejectedBy[i] > 0)
            reasons += (reasons.empty() ? "" : ",")
                + jsonString(core::rejectReasonName(static_cast<core::RejectReason>(i))) + ":"
                + std::to_string(r.rejectedBy[i]);
    return "{\"accepted\":" + std::to_string(r.events) + ",\"rejected\":" + std::to_string(r.rejected)
        + ",\"blank\":" + std::to_string(r.blank) + ",\"headers\":" + std::to_string(r.headers)
        + ",\"rejected_by_reason\":{" + reasons + "}}";
}

std::string timeAndOrderJson(const core::SniffResult& r)
{
    const auto textOrNull
        = [](const std::string& s) { return s.empty() ? std::string("null") : jsonString(s); };
    std::string out = ",\n\"time\":{\"time_format\":" + jsonString(r.timeOption) + ",\"time_zone\":"
        + jsonString(r.timeZone) + ",\"format\":" + textOrNull(r.timeFormat) + ",\"pattern\":"
        + textOrNull(r.timePattern) + ",\"zone_applies\":" + (r.zoneApplies ? "true" : "false");
    if (r.events > 0)
        out += ",\"first\":" + timeJson(r.firstTimeMs) + ",\"last\":" + timeJson(r.lastTimeMs)
            + ",\"min\":" + timeJson(r.minTimeMs) + ",\"max\":" + timeJson(r.maxTimeMs);
    else
        out += ",\"first\":null,\"last\":null,\"min\":null,\"max\":null";
    out += ",\"suggested_time_formats\":" + stringArray(r.suggestedTimeFormats)
        + ",\"day_month_order_unknown\":" + (r.suggestedTimeFormats.size() == 2 ? "true" : "false") + "}";
    out += ",\n\"order\":{\"events\":" + std::to_string(r.events) + ",\"behind\":" + std::to_string(r.behind)
        + ",\"behind_fraction\":" + number(r.behindFraction())
        + ",\"max_step_back_s\":" + seconds(r.maxStepBackMs) + ",\"lateness_s\":" + seconds(r.latenessMs)
        + ",\"late\":" + std::to_string(r.lateAtLateness) + ",\"late_fraction\":" + number(r.lateFraction())
        + ",\"lateness_for_all_on_time_s\":" + seconds(r.latenessForAllOnTimeMs)
        + ",\"suggested_order\":" + (r.suggestsAnyOrder() ? "\"any\"" : "\"time\"") + "}";
    return out;
}

std::string sniffJson(const core::SniffResult& r, const core::ColumnMap& map)
{
    std::string out = "{\"file\":" + jsonString(r.path) + ",\"bytes_read\":" + std::to_string(r.bytesRead)
        + ",\"lines_read\":" + std::to_string(r.records)
        + ",\"whole_file\":" + (r.wholeFile ? "true" : "false") + ",\"empty\":" + (r.empty ? "true" : "false")
        + ",\"binary\":" + (r.binary ? "true" : "false");
    out += ",\n\"format\":"
        + (r.format == core::LineFormat::Auto ? std::string("null")
                                              : jsonString(core::lineFormatName(r.format)))
        + ",\"events_by_format\":{\"book\":" + std::to_string(r.eventsByFormat[1]) + ",\"csv\":"
        + std::to_string(r.eventsByFormat[2]) + ",\"jsonl\":" + std::to_string(r.eventsByFormat[3]) + "}"
        + ",\"delimiter\":" + jsonString(std::string(1, r.delimiter));
    out += ",\n\"header\":"
        + (r.headerLine == 0 ? std::string("null")
                             : "{\"line\":" + std::to_string(r.headerLine) + ",\"text\":"
                    + jsonString(r.header) + ",\"columns\":" + stringArray(r.headerColumns) + "}");
    out += ",\n\"mapping\":" + (r.events == 0 ? std::string("null") : mappingJson(r, map))
        + ",\"ignored_columns\":" + stringArray(r.ignoredColumns) + ",\"first_line_columns\":"
        + stringArray(r.firstLineColumns) + ",\"json_keys\":" + stringArray(r.jsonKeys);
    out += ",\n\"verdicts\":" + verdictsJson(r) + timeAndOrderJson(r) + ",\n\"lines\":[";
    for (std::size_t i = 0; i < r.sample.size(); ++i) {
        const core::SniffLine& l = r.sample[i];
        out += (i ? ",\n  " : "\n  ") + std::string("{\"line\":") + std::to_string(l.number)
            + ",\"verdict\":" + jsonString(core::sniffVerdictName(l))
            + (l.kind == core::LineKind::Event ? ",\"time\":" + timeJson(l.timeMs) : std::string())
            + ",\"text\":" + jsonString(l.text) + "}";
    }
    return out + "],\n\"notes\":" + stringArray(r.notes) + "}\n";
}

} // namespace

int cmdSniff(Args& args)
{
    if (printHelp(args, kHelp)) return 0;
    core::SniffOptions o;
    if (const int rc = parserOptions(args, o.parser)) return rc;
    std::optional<int64_t> lateness, lines, maxLines;
    if (!durationOption(args, "lateness", lateness) || !integerOption(args, "lines", 0, kMaxShownLines, lines)
        || !integerOption(args, "max-lines", 1, kMaxSniffLines, maxLines))
        return 2;
    if (lateness) o.latenessMs = *lateness;
    if (lines) o.sampleLines = static_cast<std::size_t>(*lines);
    if (maxLines) o.maxLines = static_cast<std::size_t>(*maxLines);
    const auto files = args.positionals();
    if (const int rc = rejectUnknown(args, "sniff")) return rc;
    if (files.size() != 1) return fail("sniff needs exactly one FILE (see adclick sniff --help)", 2);
    auto result = core::sniffFile(files.front(), o);
    if (!result) return fail(result.message());
    std::fputs(sniffJson(*result, o.parser.map).c_str(), stdout);
    return 0;
}

} // namespace adclick::app
