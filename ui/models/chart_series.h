#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QDateTime>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace adclick::ui {

//! One line of a chart: a point per minute, x = epoch ms of the minute, y = the count. Only the
//! minutes that hold data (the store's first to newest minute) have points: before the data
//! begins nothing is drawn, while a minute inside it without clicks is a real 0.
struct ChartLine {
    QString name;
    QList<QPointF> points;
    std::optional<uint32_t> rgb; //!< 0xRRGGBB; none: the theme's next colour
};

//! What one chart shows: its lines over the minutes [firstMinute, endMinute), and the text shown
//! over it when there is nothing to draw (empty: none). Minutes from openMinute on are not final
//! yet (the watermark has not passed their end): their counts may still grow, so they are drawn
//! as provisional.
struct ChartData {
    int64_t firstMinute = 0, endMinute = 0;
    std::vector<ChartLine> lines;
    QString placeholder;
    std::optional<int64_t> openMinute; //!< none: every minute shown is final
};

//! The title block of a chart or dashboard report: the title, then "Source: …", "Range: … (zone)",
//! "Filter: …" and "Generated: …" lines. `now` is the generation time.
QStringList reportTitleLines(const DashboardSnapshot& s, bool utc, const QDateTime& now);
//! The report's table: the top N of the snapshot's window, a header line then one line per ad
//! (rank, ad, clicks, share); empty when there is no top N.
QStringList reportTopLines(const DashboardSnapshot& s, bool utc);
//! A minute (or any instant) as the charts and reports write it, with its zone: "2026-12-03 10:41 UTC"
//! or "2026-12-03 11:41 CET (+01:00)".
QString formatMinuteWithZone(int64_t epochMs, bool utc, bool withSeconds = false);

//! Turns a snapshot into the dashboard's three charts: the charted ads per minute, all
//! (filtered) clicks per minute, and the late and duplicate events per minute (all clicks).
//! Pure functions of the snapshot, no widgets.
class ChartSeriesBuilder {
public:
    static ChartData adChart(const DashboardSnapshot& s);
    static ChartData totalChart(const DashboardSnapshot& s);
    static ChartData qualityChart(const DashboardSnapshot& s);

    //! One point per value, minute firstMinute + i for values[i], keeping only the minutes in
    //! [dataFirst, dataEnd) (the minutes of the store that hold events).
    static QList<QPointF> points(
        int64_t firstMinute, const std::vector<int64_t>& values, int64_t dataFirst, int64_t dataEnd);
    //! The first minute that is not final for the snapshot's watermark (none: no data).
    static std::optional<int64_t> openMinute(const DashboardSnapshot& s);

    static constexpr uint32_t kTotalRgb = 0x21618c;
    static constexpr uint32_t kLateRgb = 0xe67e22;
    static constexpr uint32_t kDuplicatesRgb = 0x8e44ad;
};

} // namespace adclick::ui
