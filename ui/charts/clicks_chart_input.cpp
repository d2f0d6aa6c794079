// ClicksChart: what the user does with it (hover, zoom, pan, keys) and its colours.
#include "ui/charts/clicks_chart.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QGraphicsLineItem>
#include <QGraphicsSimpleTextItem>
#include <QKeyEvent>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QPen>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace adclick::ui {

bool ClicksChart::isDarkTheme() const
{
    return chart()->theme() == QChart::ChartThemeDark;
}

void ClicksChart::setPrintStyle()
{
    m_followPalette = false;
    applyTheme();
}

void ClicksChart::changeEvent(QEvent* event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyTheme();
}

void ClicksChart::applyTheme()
{
    // A dark window palette gets the dark chart theme; the theme resets the series' pens, so
    // the lines are styled again after it.
    const bool dark = m_followPalette && palette().color(QPalette::Window).lightness() < 128;
    const QChart::ChartTheme theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (chart()->theme() != theme) chart()->setTheme(theme);
    if (m_followPalette) chart()->setBackgroundBrush(palette().color(QPalette::Base));
    const QColor ink = dark ? QColor(230, 230, 230) : QColor(40, 40, 40);
    QPen cross(ink, 1, Qt::DashLine);
    for (QGraphicsLineItem* l : { m_crossV, m_crossH })
        l->setPen(cross);
    if (m_placeholder) m_placeholder->setBrush(dark ? QColor(170, 170, 170) : QColor(110, 110, 110));
    for (auto it = m_lines.begin(); it != m_lines.end(); ++it) {
        styleLine(*it);
        styleLegendMarker(it.key());
    }
}

void ClicksChart::styleLine(Line& line)
{
    const bool dark = isDarkTheme();
    QColor colour = line.final->color();
    if (line.rgb) {
        colour = QColor::fromRgb(QRgb(*line.rgb));
        if (dark) colour = colour.lighter(170);
    }
    QPen pen(colour, 2.0);
    line.final->setPen(pen);
    // The open minutes: dashed, lighter, with points (their counts may still grow).
    QColor light = colour;
    light.setAlphaF(0.6);
    pen.setColor(light);
    pen.setStyle(Qt::DashLine);
    line.open->setPen(pen);
    line.open->setPointsVisible(true);
    line.open->setMarkerSize(6);
    line.open->setBrush(light);
    for (QLegendMarker* m : chart()->legend()->markers(line.open))
        m->setVisible(false);
}

void ClicksChart::styleLegendMarker(const QString& name)
{
    // Hiding a series hides its legend entry too: keep it, dimmed, so that it can be clicked back.
    const Line line = m_lines.value(name);
    if (!line.final) return;
    const bool hidden = m_hidden.contains(name);
    const QColor text = isDarkTheme() ? QColor(230, 230, 230) : QColor(30, 30, 30);
    for (QLegendMarker* m : chart()->legend()->markers(line.final)) {
        m->setVisible(true);
        QColor c = text;
        c.setAlphaF(hidden ? 0.35 : 1.0);
        m->setLabelBrush(c);
        QBrush b = m->brush();
        QColor bc = line.final->color();
        bc.setAlphaF(hidden ? 0.25 : 1.0);
        b.setColor(bc);
        m->setBrush(b);
    }
    for (QLegendMarker* m : chart()->legend()->markers(line.open))
        m->setVisible(false);
}

double ClicksChart::xAtView(double viewX) const
{
    const QRectF area = chart()->plotArea();
    const double x = mapFromScene(chart()->mapToScene(area.topLeft())).x();
    if (area.width() <= 0) return m_x->min();
    return m_x->min() + (viewX - x) / area.width() * (m_x->max() - m_x->min());
}

double ClicksChart::viewXOf(double xMs) const
{
    const QRectF area = chart()->plotArea();
    const double left = mapFromScene(chart()->mapToScene(area.topLeft())).x();
    if (m_x->max() <= m_x->min()) return left;
    return left + (xMs - m_x->min()) / (m_x->max() - m_x->min()) * area.width();
}

QString ClicksChart::hoverTextAt(double xMs) const
{
    const int64_t minute = int64_t(std::llround(xMs / double(kMinuteMs)));
    QStringList out { formatMinuteWithZone(minute * kMinuteMs, m_utc) };
    const double x = double(minute * kMinuteMs);
    for (auto it = m_lines.begin(); it != m_lines.end(); ++it) {
        if (m_hidden.contains(it.key())) continue;
        const QList<QPointF>& points = it->points;
        const auto p = std::lower_bound(
            points.begin(), points.end(), x, [](const QPointF& a, double v) { return a.x() < v; });
        if (p == points.end() || p->x() != x) {
            out << tr("%1: no data").arg(it.key());
            continue;
        }
        const bool open = p - points.begin() >= it->openFrom;
        out << (open ? tr("%1: %2 (open, may still grow)") : tr("%1: %2"))
                   .arg(it.key(), QLocale().toString(qlonglong(std::llround(p->y()))));
    }
    return out.join(QLatin1Char('\n'));
}

void ClicksChart::hoverAt(const QPointF& viewPos, const QPoint& globalPos)
{
    const QPointF inChart = chart()->mapFromScene(mapToScene(viewPos.toPoint()));
    const QRectF area = chart()->plotArea();
    if (!area.contains(inChart) || m_x->max() <= m_x->min()) {
        hideHover();
        return;
    }
    const double xMs = std::round(xAtView(viewPos.x()) / double(kMinuteMs)) * double(kMinuteMs);
    const double px = area.left() + (xMs - m_x->min()) / (m_x->max() - m_x->min()) * area.width();
    m_crossV->setLine(px, area.top(), px, area.bottom());
    m_crossH->setLine(area.left(), inChart.y(), area.right(), inChart.y());
    m_crossV->setVisible(m_followPalette);
    m_crossH->setVisible(m_followPalette);
    m_hoverText = hoverTextAt(xMs);
    QToolTip::showText(globalPos, m_hoverText, this);
}

void ClicksChart::hideHover()
{
    m_crossV->setVisible(false);
    m_crossH->setVisible(false);
    m_hoverText.clear();
    QToolTip::hideText();
}

void ClicksChart::leaveEvent(QEvent* event)
{
    hideHover();
    QChartView::leaveEvent(event);
}

void ClicksChart::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) return;
    const double factor = delta > 0 ? 0.8 : 1.25;
    const double min = m_x->min(), max = m_x->max();
    const double at = std::clamp(xAtView(event->position().x()), min, max);
    const double newMin = at - (at - min) * factor, newMax = at + (max - at) * factor;
    if (newMax - newMin < 2.0 * kMinuteMs) return;
    m_x->setRange(newMin, newMax);
    userZoomed();
    event->accept();
}

void ClicksChart::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
        m_panning = true;
        m_panFrom = event->pos();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void ClicksChart::mouseMoveEvent(QMouseEvent* event)
{
    if (m_panning) {
        const QPoint d = event->pos() - m_panFrom;
        m_panFrom = event->pos();
        chart()->scroll(-d.x(), 0);
        userZoomed();
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
    if (!(event->buttons() & Qt::LeftButton)) hoverAt(event->position(), event->globalPosition().toPoint());
}

void ClicksChart::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning && (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton)) {
        m_panning = false;
        unsetCursor();
        event->accept();
        return;
    }
    const bool band = event->button() == Qt::LeftButton && rubberBand() != QChartView::NoRubberBand;
    QChartView::mouseReleaseEvent(event);
    if (band && chart()->isZoomed()) userZoomed();
}

void ClicksChart::mouseDoubleClickEvent(QMouseEvent* event)
{
    resetZoom();
    event->accept();
}

void ClicksChart::keyPressEvent(QKeyEvent* event)
{
    const qreal step = chart()->plotArea().width() / 10;
    switch (event->key()) {
    case Qt::Key_Left:
        chart()->scroll(-step, 0);
        break;
    case Qt::Key_Right:
        chart()->scroll(step, 0);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        chart()->zoom(1.25);
        break;
    case Qt::Key_Minus:
        chart()->zoom(0.8);
        break;
    case Qt::Key_Home:
    case Qt::Key_Escape:
    case Qt::Key_0:
        resetZoom();
        event->accept();
        return;
    default:
        QChartView::keyPressEvent(event);
        return;
    }
    userZoomed();
    event->accept();
}

} // namespace adclick::ui
