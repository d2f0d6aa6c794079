#pragma once

#include "ui/dashboard/dashboard_types.h"

#include "core/base/status.h"

#include <QString>

#include <string>
#include <string_view>
#include <vector>

namespace adclick::ui {

//! CSV reports, written by core/query/report_writer.h like `adclick export`'s, so the files are
//! byte-equal. Every file starts with a header row, and every row records what it was made with
//! (range or window, and the filter in canonical form with saved filters expanded), in the
//! columns of `adclick export`, so a report can be reproduced on the command line:
//!   top-N:      rank,ad_id,clicks,at,window_minutes,filter,share,previous_window_clicks
//!               (= `adclick export --top --count N --window M --at T`, plus two columns)
//!   series:     minute_utc,ad_id,clicks,range_from,range_to,filter
//!               (= `adclick export --minutes --from F --to T [--ad ID]`, for the selected ads)
//!   aggregates: the same columns for every ad (= `adclick export --minutes --from F --to T`)
struct ReportRequest {
    enum class Kind { TopN, Series, Aggregates };
    Kind kind = Kind::TopN;
    QString databasePath;
    QString outPath;
    SnapshotPtr snapshot; //!< TopN: the table as shown
    std::string filter; //!< Series/Aggregates: core filter expression
    int64_t fromMs = 0, toMs = 0;
    std::vector<std::string> ads; //!< Series
};

struct ReportOutcome {
    bool ok = false;
    QString message; //!< the error, or a summary
    int64_t rows = 0;
};

//! The top-N rows of a snapshot as CSV.
std::string topNCsv(const DashboardSnapshot& snapshot);
//! Per-minute clicks over [fromMs, toMs) for `ads` (all ads when empty), queried now.
core::Result<std::string> seriesCsv(const std::string& databasePath, int64_t fromMs, int64_t toMs,
    const std::vector<std::string>& ads, const std::string& filter, int64_t* rows = nullptr);

//! Makes the report and writes it whole or not at all (QSaveFile). Blocking: any thread.
ReportOutcome writeReport(const ReportRequest& request);

} // namespace adclick::ui
