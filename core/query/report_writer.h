#pragma once

#include "core/query/query.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace adclick::core {

// The CSV reports of `adclick export` and of the GUI, written here once so their files are
// byte-equal. Every file starts with a header row, and every row repeats what the report was made
// with (the effective range or window, the filter in canonical form), so a report can be
// reproduced on the command line.

//! Clicks per minute and ad: minute_utc,ad_id,clicks,range_from,range_to,filter — over the
//! effective range [fromMs, toMs).
std::string minutesReportCsv(
    std::span<const SeriesRow> rows, int64_t fromMs, int64_t toMs, std::string_view filterCanonical);

struct TopReportRow {
    int64_t rank = 0; //!< 1-based
    std::string_view adId;
    int64_t clicks = 0;
    // TopReportColumns::Dashboard only:
    double share = 0; //!< of every click in the window
    int64_t previousClicks = 0; //!< in the window before
};

enum class TopReportColumns {
    Export, //!< rank,ad_id,clicks,at,window_minutes,filter
    Dashboard //!< the same, then share,previous_window_clicks
};

//! The top ads over the panes [atMs − windowMinutes, atMs); `at` is empty without atMs.
std::string topReportCsv(std::span<const TopReportRow> rows, std::optional<int64_t> atMs,
    int64_t windowMinutes, std::string_view filterCanonical, TopReportColumns columns);

} // namespace adclick::core
