#include "ui/models/chart_series.h"

#include "ui/models/status_text.h"

#include <QObject>

namespace adclick::ui {

namespace {

ChartData frame(const DashboardSnapshot& s)
{
    ChartData d;
    d.firstMinute = s.firstMinute;
    d.endMinute = s.endMinute;
    if (s.noData) d.placeholder = noDataText(s, true);
    return d;
}

} // namespace

QList<QPointF> ChartSeriesBuilder::points(int64_t firstMinute, const std::vector<int64_t>& values)
{
    QList<QPointF> out;
    out.reserve(qsizetype(values.size()));
    for (std::size_t i = 0; i < values.size(); ++i)
        out.append(QPointF(double((firstMinute + int64_t(i)) * kMinuteMs), double(values[i])));
    return out;
}

ChartData ChartSeriesBuilder::adChart(const DashboardSnapshot& s)
{
    ChartData d = frame(s);
    for (const DenseSeries& series : s.adSeries)
        d.lines.push_back({ QString::fromStdString(series.name), points(s.firstMinute, series.values), {} });
    if (!s.noData && s.params.selectedAds.empty())
        d.placeholder = QObject::tr("Select ads in the table to chart them");
    return d;
}

ChartData ChartSeriesBuilder::totalChart(const DashboardSnapshot& s)
{
    ChartData d = frame(s);
    if (!s.total.values.empty())
        d.lines.push_back({ QObject::tr("all clicks"), points(s.firstMinute, s.total.values), kTotalRgb });
    return d;
}

ChartData ChartSeriesBuilder::qualityChart(const DashboardSnapshot& s)
{
    ChartData d = frame(s);
    // Over the total's minutes: minute_stats has a row only for minutes with events.
    const std::size_t width = s.total.values.size();
    if (width == 0) return d;
    std::vector<int64_t> late(width, 0), duplicates(width, 0);
    for (const MinuteStat& m : s.minuteStats) {
        if (m.minute < s.firstMinute || m.minute >= s.firstMinute + int64_t(width)) continue;
        late[std::size_t(m.minute - s.firstMinute)] = m.late;
        duplicates[std::size_t(m.minute - s.firstMinute)] = m.duplicates;
    }
    d.lines.push_back({ QObject::tr("late"), points(s.firstMinute, late), kLateRgb });
    d.lines.push_back({ QObject::tr("duplicates"), points(s.firstMinute, duplicates), kDuplicatesRgb });
    return d;
}

} // namespace adclick::ui
