#include "core/query/report_writer.h"

#include "core/base/click_event.h"
#include "core/base/text_writers.h"
#include "core/base/timestamp.h"

#include <cstdio>

namespace adclick::core {

std::string minutesReportCsv(
    std::span<const SeriesRow> rows, int64_t fromMs, int64_t toMs, std::string_view filterCanonical)
{
    // The parameters end every row.
    const std::string tail = "," + csvField(formatIsoUtc(fromMs)) + "," + csvField(formatIsoUtc(toMs)) + ","
        + csvField(filterCanonical) + "\n";
    std::string out = "minute_utc,ad_id,clicks,range_from,range_to,filter\n";
    for (const SeriesRow& r : rows) {
        appendCsvField(out, formatIsoUtc(r.minute * kMinuteMs));
        out += ',';
        appendCsvField(out, r.adId);
        out += ',' + std::to_string(r.clicks) + tail;
    }
    return out;
}

std::string topReportCsv(std::span<const TopReportRow> rows, std::optional<int64_t> atMs,
    int64_t windowMinutes, std::string_view filterCanonical, TopReportColumns columns)
{
    const bool dashboard = columns == TopReportColumns::Dashboard;
    const std::string tail = "," + (atMs ? csvField(formatIsoUtc(*atMs)) : std::string()) + ","
        + std::to_string(windowMinutes) + "," + csvField(filterCanonical);
    std::string out = dashboard ? "rank,ad_id,clicks,at,window_minutes,filter,share,previous_window_clicks\n"
                                : "rank,ad_id,clicks,at,window_minutes,filter\n";
    for (const TopReportRow& r : rows) {
        out += std::to_string(r.rank) + ',';
        appendCsvField(out, r.adId);
        out += ',' + std::to_string(r.clicks) + tail;
        if (dashboard) {
            char share[32];
            std::snprintf(share, sizeof share, "%.6f", r.share);
            out += ',' + std::string(share) + ',' + std::to_string(r.previousClicks);
        }
        out += '\n';
    }
    return out;
}

} // namespace adclick::core
