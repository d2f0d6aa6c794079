#pragma once

#include "ui/models/chart_series.h"

#include <QChartView>
#include <QMap>

#include <cstdint>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace adclick::ui {

//! Clicks per minute on a wall-clock time axis (UTC or local). Fed whole: setData() takes a
//! ChartData (from ChartSeriesBuilder) and replaces each line's points in one call
//! (QXYSeries::replace), never per event. Zoom with the rubber
//! band (drag) or the wheel, pan with the right/middle button or the arrow keys, reset with a
//! double click or resetZoom(). While zoomed, new data does not move the axes.
class ClicksChart : public QChartView {
    Q_OBJECT
public:
    explicit ClicksChart(const QString& title, QWidget* parent = nullptr);

    //! The lines over the minutes [firstMinute, endMinute) (an empty range keeps the axis), and
    //! the placeholder text.
    void setData(const ChartData& data);
    void setUtc(bool utc);
    bool isUtc() const { return m_utc; }
    void setAxisTitle(const QString& title);
    void setTimeTitleVisible(bool visible);
    void setPlaceholder(const QString& text);

    bool isZoomed() const { return m_zoomed; }
    void resetZoom();
    //! The series shown, by name (for tests): x = epoch ms of the minute, y = clicks.
    QList<QPointF> points(const QString& name) const;
    QStringList lineNames() const;

signals:
    void zoomChanged(bool zoomed);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void applyAxes();
    void setZoomed(bool zoomed);
    //! Display x for an epoch ms value: QDateTimeAxis shows local time, so UTC is shifted.
    double displayX(int64_t epochMs) const;
    int64_t epochMs(double displayX) const;
    void updateAxisFormat();
    void placePlaceholder();
    QLineSeries* addSeries(const ChartLine& line);

    QDateTimeAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
    QMap<QString, QLineSeries*> m_series;
    QMap<QString, QList<QPointF>> m_epochPoints; //!< x in epoch ms
    QGraphicsSimpleTextItem* m_placeholder = nullptr;
    int64_t m_firstMinute = 0;
    int64_t m_endMinute = 0;
    double m_maxY = 0;
    bool m_utc = true;
    bool m_timeTitle = true;
    bool m_zoomed = false;
    bool m_panning = false;
    QPoint m_panFrom;
};

} // namespace adclick::ui
