#include "ui/dashboard/csv_report.h"

#include "core/pipeline/filter_expr.h"
#include "core/query/query.h"
#include "core/query/report_writer.h"

#include <QFile>
#include <QSaveFile>

#include <algorithm>

namespace adclick::ui {

std::string topNCsv(const DashboardSnapshot& s)
{
    std::vector<core::TopReportRow> rows;
    rows.reserve(s.top.size());
    for (const TopRow& r : s.top)
        rows.push_back({ r.rank, r.adId, r.clicks, r.share, r.previous });
    return core::topReportCsv(
        rows, s.atMs, s.params.windowMinutes, s.filterCanonical, core::TopReportColumns::Dashboard);
}

core::Result<std::string> seriesCsv(const std::string& databasePath, int64_t fromMs, int64_t toMs,
    const std::vector<std::string>& ads, const std::string& filterText, int64_t* rowCount)
{
    using R = core::Result<std::string>;
    if (fromMs >= toMs) return R::error("the time range is empty: 'from' must be before 'to'");
    auto parsed = core::parseFilter(filterText);
    if (!parsed) return R(parsed.status());
    auto q = core::QueryService::open(databasePath);
    if (!q) return R(q.status());
    auto filter = (*q)->resolve(*parsed);
    if (!filter) return R(filter.status());
    std::vector<core::SeriesRow> rows;
    int64_t rangeFrom = 0, rangeTo = 0;
    if (ads.empty()) {
        auto s = (*q)->series(fromMs, toMs, std::nullopt, *filter);
        if (!s) return R(s.status());
        rows = std::move(s->rows);
        rangeFrom = s->fromMs;
        rangeTo = s->toMs;
    } else {
        for (const std::string& ad : ads) {
            auto s = (*q)->series(fromMs, toMs, ad, *filter);
            if (!s) return R(s.status());
            rows.insert(rows.end(), s->rows.begin(), s->rows.end());
            rangeFrom = s->fromMs;
            rangeTo = s->toMs;
        }
        std::sort(rows.begin(), rows.end(), [](const core::SeriesRow& a, const core::SeriesRow& b) {
            return a.minute != b.minute ? a.minute < b.minute : a.adId < b.adId;
        });
    }
    std::string out = core::minutesReportCsv(rows, rangeFrom, rangeTo, filter->canonical());
    if (rowCount) *rowCount = static_cast<int64_t>(rows.size());
    return out;
}

ReportOutcome writeReport(const ReportRequest& request)
{
    ReportOutcome outcome;
    std::string bytes;
    switch (request.kind) {
    case ReportRequest::Kind::TopN:
        if (!request.snapshot) {
            outcome.message = QObject::tr("there is no top-N table to export yet");
            return outcome;
        }
        bytes = topNCsv(*request.snapshot);
        outcome.rows = static_cast<int64_t>(request.snapshot->top.size());
        break;
    case ReportRequest::Kind::Series:
    case ReportRequest::Kind::Aggregates: {
        if (request.kind == ReportRequest::Kind::Series && request.ads.empty()) {
            outcome.message = QObject::tr("select one or more ads in the table first");
            return outcome;
        }
        auto csv
            = seriesCsv(QFile::encodeName(request.databasePath).toStdString(), request.fromMs, request.toMs,
                request.kind == ReportRequest::Kind::Series ? request.ads : std::vector<std::string>(),
                request.filter, &outcome.rows);
        if (!csv) {
            outcome.message = QString::fromStdString(csv.message());
            return outcome;
        }
        bytes = std::move(*csv);
        break;
    }
    }
    QSaveFile file(request.outPath);
    if (!file.open(QIODevice::WriteOnly)) {
        outcome.message = QObject::tr("cannot write '%1': %2").arg(request.outPath, file.errorString());
        return outcome;
    }
    if (file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !file.commit()) {
        outcome.message = QObject::tr("cannot write '%1': %2").arg(request.outPath, file.errorString());
        return outcome;
    }
    outcome.ok = true;
    outcome.message = QObject::tr("%n row(s) written to %1", nullptr, int(outcome.rows)).arg(request.outPath);
    return outcome;
}

} // namespace adclick::ui
