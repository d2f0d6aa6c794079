#include "ui/charts/clicks_chart.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsSimpleTextItem>
#include <QKeyEvent>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPen>
#include <QResizeEvent>
#include <QTimeZone>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace adclick::ui {

namespace {

double niceMax(double max)
{
    if (max <= 0) return 10;
    const double padded = max * 1.08;
    const double magnitude = std::pow(10.0, std::floor(std::log10(padded)));
    for (const double step : { 1.0, 2.0, 2.5, 5.0, 10.0 })
        if (step * magnitude >= padded) return step * magnitude;
    return 10 * magnitude;
}

} // namespace

ClicksChart::ClicksChart(const QString& title, QWidget* parent)
    : QChartView(parent)
{
    auto* chart = new QChart();
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    m_x = new QDateTimeAxis(chart);
    m_x->setTickCount(7);
    m_y = new QValueAxis(chart);
    m_y->setLabelFormat(QStringLiteral("%.0f"));
    m_y->setTitleText(tr("clicks / min"));
    m_y->setRange(0, 10);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::HorizontalRubberBand);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumHeight(140);
    const qint64 now = QDateTime::currentMSecsSinceEpoch() / kMinuteMs * kMinuteMs;
    m_firstMinute = now / kMinuteMs - 30;
    m_endMinute = now / kMinuteMs;
    updateAxisFormat();
    applyAxes();
}

void ClicksChart::setTimeTitleVisible(bool visible)
{
    m_timeTitle = visible;
    updateAxisFormat();
}

void ClicksChart::setAxisTitle(const QString& title)
{
    m_y->setTitleText(title);
}

void ClicksChart::setPlaceholder(const QString& text)
{
    if (!m_placeholder) {
        m_placeholder = new QGraphicsSimpleTextItem(chart());
        m_placeholder->setBrush(palette().color(QPalette::PlaceholderText));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.2);
        m_placeholder->setFont(f);
    }
    if (m_placeholder->text() != text) m_placeholder->setText(text);
    m_placeholder->setVisible(!text.isEmpty());
    placePlaceholder();
}

void ClicksChart::placePlaceholder()
{
    if (!m_placeholder) return;
    const QRectF area = chart()->plotArea();
    const QRectF box = m_placeholder->boundingRect();
    m_placeholder->setPos(area.center() - QPointF(box.width() / 2, box.height() / 2));
}

void ClicksChart::resizeEvent(QResizeEvent* event)
{
    QChartView::resizeEvent(event);
    m_x->setTickCount(std::clamp(width() / 110, 2, 10));
    placePlaceholder();
}

double ClicksChart::displayX(int64_t epochMs) const
{
    if (!m_utc) return double(epochMs);
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(epochMs);
    return double(epochMs - int64_t(t.offsetFromUtc()) * 1000);
}

int64_t ClicksChart::epochMs(double x) const
{
    if (!m_utc) return int64_t(x);
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(int64_t(x));
    return int64_t(x) + int64_t(t.offsetFromUtc()) * 1000;
}

void ClicksChart::setUtc(bool utc)
{
    if (utc == m_utc) return;
    QPair<int64_t, int64_t> visible { epochMs(double(m_x->min().toMSecsSinceEpoch())),
        epochMs(double(m_x->max().toMSecsSinceEpoch())) };
    m_utc = utc;
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        QList<QPointF> shown = m_epochPoints.value(it.key());
        for (QPointF& p : shown)
            p.setX(displayX(int64_t(p.x())));
        it.value()->replace(shown);
    }
    updateAxisFormat();
    if (m_zoomed)
        m_x->setRange(QDateTime::fromMSecsSinceEpoch(int64_t(displayX(visible.first))),
            QDateTime::fromMSecsSinceEpoch(int64_t(displayX(visible.second))));
    else
        applyAxes();
}

void ClicksChart::updateAxisFormat()
{
    const int64_t span = (m_endMinute - m_firstMinute) * kMinuteMs;
    m_x->setFormat(span > 20 * 3600 * 1000 ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("HH:mm"));
    m_x->setTitleText(!m_timeTitle ? QString() : m_utc ? tr("time (UTC)") : tr("time (local)"));
}

QLineSeries* ClicksChart::addSeries(const ChartLine& line)
{
    auto* s = new QLineSeries(chart());
    s->setName(line.name);
    chart()->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_y);
    QPen pen = s->pen();
    if (line.rgb) pen.setColor(QColor::fromRgb(QRgb(*line.rgb)));
    pen.setWidthF(2.0);
    s->setPen(pen);
    connect(s, &QLineSeries::hovered, this, [this, s](const QPointF& p, bool state) {
        if (!state) return;
        const int64_t ms = epochMs(p.x()) / kMinuteMs * kMinuteMs;
        const QDateTime t
            = QDateTime::fromMSecsSinceEpoch(ms, m_utc ? QTimeZone::utc() : QTimeZone::systemTimeZone());
        QToolTip::showText(QCursor::pos(),
            tr("%1\n%2: %3")
                .arg(t.toString(QStringLiteral("yyyy-MM-dd HH:mm")), s->name())
                .arg(std::llround(p.y())),
            this);
    });
    return s;
}

void ClicksChart::setData(const ChartData& data)
{
    QSet<QString> names;
    m_maxY = 0;
    for (const ChartLine& line : data.lines) {
        names.insert(line.name);
        QLineSeries*& s = m_series[line.name];
        if (!s) s = addSeries(line);
        QList<QPointF> shown;
        shown.reserve(line.points.size());
        for (const QPointF& p : line.points) {
            shown.append(QPointF(displayX(int64_t(p.x())), p.y()));
            m_maxY = std::max(m_maxY, p.y());
        }
        m_epochPoints[line.name] = line.points;
        s->replace(shown);
    }
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (names.contains(it.key())) {
            ++it;
            continue;
        }
        chart()->removeSeries(it.value());
        delete it.value();
        m_epochPoints.remove(it.key());
        it = m_series.erase(it);
    }
    if (data.endMinute > data.firstMinute) {
        m_firstMinute = data.firstMinute;
        m_endMinute = data.endMinute;
    }
    updateAxisFormat();
    if (!m_zoomed) applyAxes();
    setPlaceholder(data.placeholder);
}

void ClicksChart::applyAxes()
{
    const int64_t from = m_firstMinute * kMinuteMs;
    const int64_t to = std::max(m_endMinute - 1, m_firstMinute + 1) * kMinuteMs;
    m_x->setRange(QDateTime::fromMSecsSinceEpoch(int64_t(displayX(from))),
        QDateTime::fromMSecsSinceEpoch(int64_t(displayX(to))));
    m_y->setRange(0, niceMax(m_maxY));
    m_y->applyNiceNumbers();
}

void ClicksChart::setZoomed(bool zoomed)
{
    if (zoomed == m_zoomed) return;
    m_zoomed = zoomed;
    emit zoomChanged(zoomed);
}

void ClicksChart::resetZoom()
{
    chart()->zoomReset();
    setZoomed(false);
    applyAxes();
}

QList<QPointF> ClicksChart::points(const QString& name) const
{
    return m_epochPoints.value(name);
}

QStringList ClicksChart::lineNames() const
{
    return m_series.keys();
}

void ClicksChart::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) return;
    const double factor = delta > 0 ? 0.8 : 1.25;
    const QRectF area = chart()->plotArea();
    const double min = double(m_x->min().toMSecsSinceEpoch()), max = double(m_x->max().toMSecsSinceEpoch());
    const double at = area.width() > 0
        ? min + (max - min) * std::clamp((event->position().x() - area.left()) / area.width(), 0.0, 1.0)
        : (min + max) / 2;
    const double newMin = at - (at - min) * factor, newMax = at + (max - at) * factor;
    if (newMax - newMin < 2.0 * kMinuteMs) return;
    m_x->setRange(
        QDateTime::fromMSecsSinceEpoch(int64_t(newMin)), QDateTime::fromMSecsSinceEpoch(int64_t(newMax)));
    setZoomed(true);
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
        setZoomed(true);
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
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
    if (band && chart()->isZoomed()) setZoomed(true);
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
        setZoomed(true);
        break;
    case Qt::Key_Right:
        chart()->scroll(step, 0);
        setZoomed(true);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        chart()->zoom(1.25);
        setZoomed(true);
        break;
    case Qt::Key_Minus:
        chart()->zoom(0.8);
        setZoomed(true);
        break;
    case Qt::Key_Home:
    case Qt::Key_Escape:
    case Qt::Key_0:
        resetZoom();
        break;
    default:
        QChartView::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace adclick::ui
