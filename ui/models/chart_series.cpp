#include "ui/models/chart_series.h"

#include "ui/models/status_text.h"

#include <QLocale>
#include <QObject>
#include <QTimeZone>

#include <algorithm>

namespace adclick::ui {

namespace {

int64_t floorDiv(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

//! The minutes that hold data, [first, end); {0, 0} when the snapshot does not say (then nothing is
//! cut away).
std::pair<int64_t, int64_t> dataMinutes(const DashboardSnapshot& s)
{
    if (s.dataEndMinute <= s.dataFirstMinute) return { 0, 0 };
    int64_t end = s.dataEndMinute;
    // The newest event's minute holds data even if the minute rows were read a moment earlier.
    if (s.maxEventMs != kNoTime) end = std::max(end, floorDiv(s.maxEventMs, kMinuteMs) + 1);
    return { s.dataFirstMinute, end };
}

ChartData frame(const DashboardSnapshot& s)
{
    ChartData d;
    d.firstMinute = s.firstMinute;
    d.endMinute = s.endMinute;
    d.openMinute = ChartSeriesBuilder::openMinute(s);
    if (s.noData) d.placeholder = noDataText(s, true);
    return d;
}

QList<QPointF> pointsOf(const DashboardSnapshot& s, const std::vector<int64_t>& values)
{
    const auto [first, end] = dataMinutes(s);
    return ChartSeriesBuilder::points(s.firstMinute, values, first, end);
}

//! The clicks charts start at the first minute with a counted click: the minutes before it hold
//! only late (dropped) or duplicate events, and a 0 drawn there reads as "no traffic" before the
//! traffic began.
QList<QPointF> clickPointsOf(const DashboardSnapshot& s, const std::vector<int64_t>& values)
{
    const auto [first, end] = dataMinutes(s);
    if (end <= first || !s.firstClickMinute)
        return ChartSeriesBuilder::points(s.firstMinute, values, first, end);
    return ChartSeriesBuilder::points(s.firstMinute, values, std::max(first, *s.firstClickMinute), end);
}

} // namespace

QString formatMinuteWithZone(int64_t epochMs, bool utc, bool withSeconds)
{
    const QString format
        = withSeconds ? QStringLiteral("yyyy-MM-dd HH:mm:ss") : QStringLiteral("yyyy-MM-dd HH:mm");
    if (utc)
        return QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::utc()).toString(format)
            + QStringLiteral(" UTC");
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochMs, QTimeZone::systemTimeZone());
    const int off = t.offsetFromUtc();
    const QString offset = QStringLiteral("%1%2:%3")
                               .arg(off < 0 ? QLatin1Char('-') : QLatin1Char('+'))
                               .arg(std::abs(off) / 3600, 2, 10, QLatin1Char('0'))
                               .arg(std::abs(off) % 3600 / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 %2 (%3)").arg(t.toString(format), t.timeZoneAbbreviation(), offset);
}

QStringList reportTitleLines(const DashboardSnapshot& s, bool utc, const QDateTime& now)
{
    QStringList lines { QObject::tr("AdClick Monitor — clicks per minute") };
    QString source = s.ingest.source.isEmpty() ? QObject::tr("(none)") : s.ingest.source;
    if (!s.databasePath.isEmpty()) source += QObject::tr(" · database %1").arg(s.databasePath);
    lines << QObject::tr("Source: %1").arg(source);
    if (s.endMinute > s.firstMinute)
        lines << QObject::tr("Range: %1 – %2")
                     .arg(formatMinuteWithZone(s.firstMinute * kMinuteMs, utc),
                         formatMinuteWithZone(s.endMinute * kMinuteMs, utc));
    else
        lines << QObject::tr("Range: no data yet");
    const QString filter = !s.filterCanonical.empty() ? QString::fromStdString(s.filterCanonical)
        : !s.params.filter.empty()                    ? QString::fromStdString(s.params.filter)
                                                      : QObject::tr("none (all clicks)");
    lines << QObject::tr("Filter: %1").arg(filter);
    lines << QObject::tr("Generated: %1").arg(formatMinuteWithZone(now.toMSecsSinceEpoch(), utc, true));
    return lines;
}

QStringList reportTopLines(const DashboardSnapshot& s, bool utc)
{
    if (s.top.empty() || !s.atMs) return {};
    const int64_t from = *s.atMs - int64_t(s.params.windowMinutes) * kMinuteMs;
    QStringList out { QObject::tr("Top %1 ads over %2 – %3")
                          .arg(s.top.size())
                          .arg(formatMinuteWithZone(from, utc), formatMinuteWithZone(*s.atMs, utc)) };
    const QLocale l;
    out << QStringLiteral("%1  %2  %3  %4")
               .arg(QObject::tr("rank"), 4)
               .arg(QObject::tr("ad"), -24)
               .arg(QObject::tr("clicks"), 12)
               .arg(QObject::tr("share"), 7);
    for (const TopRow& r : s.top)
        out << QStringLiteral("%1  %2  %3  %4 %")
                   .arg(r.rank, 4)
                   .arg(QString::fromStdString(r.adId), -24)
                   .arg(l.toString(qlonglong(r.clicks)), 12)
                   .arg(l.toString(r.share * 100, 'f', 1), 5);
    return out;
}

QList<QPointF> ChartSeriesBuilder::points(
    int64_t firstMinute, const std::vector<int64_t>& values, int64_t dataFirst, int64_t dataEnd)
{
    QList<QPointF> out;
    out.reserve(qsizetype(values.size()));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int64_t minute = firstMinute + int64_t(i);
        if (dataEnd > dataFirst && (minute < dataFirst || minute >= dataEnd)) continue;
        out.append(QPointF(double(minute * kMinuteMs), double(values[i])));
    }
    return out;
}

std::optional<int64_t> ChartSeriesBuilder::openMinute(const DashboardSnapshot& s)
{
    if (s.noData || s.maxEventMs == kNoTime) return std::nullopt;
    // A pane is final when W ≥ its end (docs/semantics.md, "Window"): the first open one is W's.
    if (s.watermarkMs == kNoTime)
        return s.dataEndMinute > s.dataFirstMinute ? s.dataFirstMinute : s.firstMinute;
    return floorDiv(s.watermarkMs, kMinuteMs);
}

ChartData ChartSeriesBuilder::adChart(const DashboardSnapshot& s)
{
    ChartData d = frame(s);
    for (const DenseSeries& series : s.adSeries)
        d.lines.push_back({ QString::fromStdString(series.name), clickPointsOf(s, series.values), {} });
    if (!s.noData && s.params.selectedAds.empty())
        d.placeholder = QObject::tr("Select ads in the table to chart them");
    return d;
}

ChartData ChartSeriesBuilder::totalChart(const DashboardSnapshot& s)
{
    ChartData d = frame(s);
    if (!s.total.values.empty())
        d.lines.push_back({ QObject::tr("all clicks"), clickPointsOf(s, s.total.values), kTotalRgb });
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
    d.lines.push_back({ QObject::tr("late"), pointsOf(s, late), kLateRgb });
    d.lines.push_back({ QObject::tr("duplicates"), pointsOf(s, duplicates), kDuplicatesRgb });
    return d;
}

} // namespace adclick::ui
