#pragma once

#include "ui/charts/time_ticks.h"
#include "ui/models/chart_series.h"

#include <QChartView>
#include <QMap>
#include <QSet>

#include <cstdint>
#include <optional>

class QCategoryAxis;
class QGraphicsLineItem;
class QLineSeries;
class QValueAxis;

namespace adclick::ui {

//! Clicks per minute on a wall-clock time axis (UTC or local). Fed whole: setData() takes a
//! ChartData (from ChartSeriesBuilder) and replaces each line's points in one call
//! (QXYSeries::replace), never per event. x is the minute's epoch ms; the axis labels its ticks,
//! which sit on round minutes of the shown zone (1, 2, 5, 10, 15, 30 min, 1 h …).
//!
//! The minutes that are not final yet (ChartData::openMinute) are drawn as a dashed segment with
//! points; the tooltip calls them "open". Hovering shows a crosshair and a tooltip with the minute
//! and each line's value; a click on a legend entry hides or shows its line. Zoom with the rubber
//! band (drag) or the wheel, pan with the right/middle button or the arrow keys, reset with a
//! double click, Home/Esc or resetZoom(); userRangeChanged() lets the panel link the charts. While
//! zoomed, new data does not move the time axis. Colours follow the palette (dark theme on a dark
//! palette) and change with it.
class ClicksChart : public QChartView {
    Q_OBJECT
public:
    explicit ClicksChart(const QString& title, QWidget* parent = nullptr);

    //! The lines over the minutes [firstMinute, endMinute) (an empty range keeps the axis), and
    //! the placeholder text.
    void setData(const ChartData& data);
    const ChartData& data() const { return m_data; }
    void setUtc(bool utc);
    bool isUtc() const { return m_utc; }
    void setAxisTitle(const QString& title);
    void setTimeTitleVisible(bool visible);
    void setPlaceholder(const QString& text);

    bool isZoomed() const { return m_zoomed; }
    void resetZoom();
    //! The time axis' range, epoch ms.
    QPair<double, double> xRange() const;
    //! Shows [minMs, maxMs] as a zoom, without emitting userRangeChanged (a linked chart's zoom).
    void showXRange(double minMs, double maxMs);

    //! The series shown, by name (for tests): x = epoch ms of the minute, y = clicks.
    QList<QPointF> points(const QString& name) const;
    //! The points of the line's open (provisional) minutes.
    QList<QPointF> provisionalPoints(const QString& name) const;
    QStringList lineNames() const;
    std::optional<int64_t> openMinute() const { return m_data.openMinute; }
    const TimeTicks& ticks() const { return m_ticks; }

    //! Hides or shows a line (as a click on its legend entry does).
    void setLineVisible(const QString& name, bool visible);
    bool isLineVisible(const QString& name) const { return !m_hidden.contains(name); }

    //! The tooltip for the minute nearest to epoch ms `x`: the minute with its zone, then
    //! "line: value" per visible line ("(open)" for a provisional minute).
    QString hoverTextAt(double xMs) const;
    //! The tooltip last shown by hovering (empty after leaving the chart).
    QString hoverText() const { return m_hoverText; }
    //! The view's pixel x of epoch ms `x` (for tests and the crosshair).
    double viewXOf(double xMs) const;

    //! The chart for a report: the light theme whatever the palette, no crosshair.
    void setPrintStyle();
    //! Copies another chart's data, zone, titles, hidden lines and zoom (for a report).
    void copyViewFrom(const ClicksChart& other);
    bool isDarkTheme() const;

signals:
    void zoomChanged(bool zoomed);
    //! The user zoomed or panned this chart to [minMs, maxMs].
    void userRangeChanged(double minMs, double maxMs);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Line {
        QLineSeries* final = nullptr; //!< the final minutes, solid
        QLineSeries* open = nullptr; //!< the last final minute and the open ones, dashed
        QList<QPointF> points; //!< all of them
        qsizetype openFrom = 0; //!< index of the first open point (points.size(): none)
        std::optional<uint32_t> rgb;
    };

    void applyAxes();
    //! As many y ticks as the plot's height leaves room for (Qt Charts elides labels set closer
    //! than their height to "…").
    void fitYTicks(double plotHeight);
    void updateTicks();
    void setZoomed(bool zoomed);
    void userZoomed();
    void updateAxisFormat();
    void placePlaceholder();
    Line& lineFor(const ChartLine& line);
    void removeLine(const QString& name);
    void fillLine(Line& line, const QList<QPointF>& points);
    void applyTheme();
    void styleLine(Line& line);
    void styleLegendMarker(const QString& name);
    void hoverAt(const QPointF& viewPos, const QPoint& globalPos);
    void hideHover();
    double xAtView(double viewX) const;

    QCategoryAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
    QMap<QString, Line> m_lines;
    QSet<QString> m_hidden;
    ChartData m_data;
    TimeTicks m_ticks;
    QGraphicsSimpleTextItem* m_placeholder = nullptr;
    QGraphicsLineItem* m_crossV = nullptr;
    QGraphicsLineItem* m_crossH = nullptr;
    QString m_hoverText;
    int64_t m_firstMinute = 0;
    int64_t m_endMinute = 0;
    double m_maxY = 0;
    bool m_utc = true;
    bool m_timeTitle = true;
    bool m_zoomed = false;
    bool m_panning = false;
    bool m_followPalette = true;
    QPoint m_panFrom;
};

} // namespace adclick::ui
