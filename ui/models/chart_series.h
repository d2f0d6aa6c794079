#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QList>
#include <QPointF>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace adclick::ui {

//! One line of a chart: a point per minute, x = epoch ms of the minute, y = the count.
struct ChartLine {
    QString name;
    QList<QPointF> points;
    std::optional<uint32_t> rgb; //!< 0xRRGGBB; none: the theme's next colour
};

//! What one chart shows: its lines over the minutes [firstMinute, endMinute), and the text shown
//! over it when there is nothing to draw (empty: none).
struct ChartData {
    int64_t firstMinute = 0, endMinute = 0;
    std::vector<ChartLine> lines;
    QString placeholder;
};

//! Turns a snapshot into the dashboard's three charts: the charted ads per minute, all
//! (filtered) clicks per minute, and the late and duplicate events per minute (all clicks).
//! Pure functions of the snapshot, no widgets.
class ChartSeriesBuilder {
public:
    static ChartData adChart(const DashboardSnapshot& s);
    static ChartData totalChart(const DashboardSnapshot& s);
    static ChartData qualityChart(const DashboardSnapshot& s);

    //! One point per value, minute firstMinute + i for values[i].
    static QList<QPointF> points(int64_t firstMinute, const std::vector<int64_t>& values);

    static constexpr uint32_t kTotalRgb = 0x21618c;
    static constexpr uint32_t kLateRgb = 0xe67e22;
    static constexpr uint32_t kDuplicatesRgb = 0x8e44ad;
};

} // namespace adclick::ui
