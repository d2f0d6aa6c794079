#include "ui/charts/clicks_chart.h"

#include <QCategoryAxis>
#include <QDateTime>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>
#include <QResizeEvent>
#include <QValueAxis>

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

constexpr int kPixelsPerTick = 70;
//! The least room (px) between two y tick labels.
constexpr double kPixelsPerYTick = 26;
//! Below this height (px) a chart shows no axis titles.
constexpr int kRoomyHeight = 230;

} // namespace

ClicksChart::ClicksChart(const QString& title, QWidget* parent)
    : QChartView(parent)
{
    auto* chart = new QChart();
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    // Small margins: three charts share a 640 px high window, and Qt Charts elides axis labels to
    // "…" once a chart is too short for them.
    chart->setMargins(QMargins(2, 0, 2, 0));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    chart->setAnimationOptions(QChart::NoAnimation);
    // A category axis labels the ticks we place (round minutes); a QDateTimeAxis spreads a tick
    // count evenly over the range (10:37, 10:42, 10:48).
    m_x = new QCategoryAxis(chart);
    m_x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_y = new QValueAxis(chart);
    m_y->setLabelFormat(QStringLiteral("%.0f"));
    m_y->setTitleText(tr("clicks / min"));
    m_y->setRange(0, 10);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    setChart(chart);
    connect(m_x, &QValueAxis::rangeChanged, this, [this] { updateTicks(); });
    connect(chart, &QChart::plotAreaChanged, this, [this](const QRectF& area) { fitYTicks(area.height()); });
    m_crossV = new QGraphicsLineItem(chart);
    m_crossH = new QGraphicsLineItem(chart);
    for (QGraphicsLineItem* l : { m_crossV, m_crossH }) {
        l->setZValue(100);
        l->setVisible(false);
    }
    setRenderHint(QPainter::Antialiasing);
    setRubberBand(QChartView::HorizontalRubberBand);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumHeight(140);
    const qint64 now = QDateTime::currentMSecsSinceEpoch() / kMinuteMs;
    m_firstMinute = now - 30;
    m_endMinute = now;
    applyTheme();
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
    // A short chart gives its height to the plot and the tick labels: the y title goes (the
    // chart's title says what is counted) and with it the time title (the range bar shows the zone).
    const bool roomy = height() >= kRoomyHeight;
    m_y->setTitleVisible(roomy);
    m_x->setTitleVisible(roomy);
    updateTicks();
    placePlaceholder();
}

void ClicksChart::setUtc(bool utc)
{
    if (utc == m_utc) return;
    m_utc = utc;
    updateAxisFormat();
    updateTicks();
}

void ClicksChart::updateAxisFormat()
{
    m_x->setTitleText(!m_timeTitle ? QString() : m_utc ? tr("time (UTC)") : tr("time (local)"));
}

void ClicksChart::updateTicks()
{
    // From the view's width, not the plot area's: new labels change the plot area, which must
    // not change the ticks again.
    const int plotWidth = width() - 90;
    TimeTicks ticks
        = roundMinuteTicks(m_x->min(), m_x->max(), std::clamp(plotWidth / kPixelsPerTick, 2, 12), m_utc);
    if (ticks.ms == m_ticks.ms && ticks.labels == m_ticks.labels) return;
    m_ticks = std::move(ticks);
    for (const QString& label : m_x->categoriesLabels())
        m_x->remove(label);
    m_x->setStartValue(m_x->min());
    for (qsizetype i = 0; i < m_ticks.ms.size(); ++i)
        m_x->append(m_ticks.labels[i], double(m_ticks.ms[i]));
}

ClicksChart::Line& ClicksChart::lineFor(const ChartLine& data)
{
    auto it = m_lines.find(data.name);
    if (it != m_lines.end()) return *it;
    Line line;
    line.rgb = data.rgb;
    line.final = new QLineSeries(chart());
    line.final->setName(data.name);
    line.open = new QLineSeries(chart());
    line.open->setName(tr("%1 (open)").arg(data.name));
    for (QLineSeries* s : { line.final, line.open }) {
        chart()->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
    }
    for (QLegendMarker* m : chart()->legend()->markers(line.final))
        connect(m, &QLegendMarker::clicked, this,
            [this, name = data.name] { setLineVisible(name, m_hidden.contains(name)); });
    it = m_lines.insert(data.name, line);
    styleLine(*it);
    return *it;
}

void ClicksChart::removeLine(const QString& name)
{
    const Line line = m_lines.take(name);
    for (QLineSeries* s : { line.final, line.open }) {
        chart()->removeSeries(s);
        delete s;
    }
}

void ClicksChart::fillLine(Line& line, const QList<QPointF>& points)
{
    line.points = points;
    line.openFrom = points.size();
    if (m_data.openMinute) {
        const double open = double(*m_data.openMinute * kMinuteMs);
        line.openFrom = std::lower_bound(points.begin(), points.end(), open, [](const QPointF& p, double x) {
            return p.x() < x;
        }) - points.begin();
    }
    line.final->replace(points.mid(0, line.openFrom));
    // The dashed part starts at the last final point so that the line stays connected.
    line.open->replace(points.mid(std::max<qsizetype>(line.openFrom - 1, 0)));
    if (line.openFrom == points.size()) line.open->clear();
}

void ClicksChart::setData(const ChartData& data)
{
    m_data = data;
    QSet<QString> names;
    m_maxY = 0;
    for (const ChartLine& l : data.lines) {
        names.insert(l.name);
        fillLine(lineFor(l), l.points);
        for (const QPointF& p : l.points)
            m_maxY = std::max(m_maxY, p.y());
    }
    for (const QString& name : m_lines.keys())
        if (!names.contains(name)) removeLine(name);
    if (data.endMinute > data.firstMinute) {
        m_firstMinute = data.firstMinute;
        m_endMinute = data.endMinute;
    }
    if (!m_zoomed) applyAxes();
    setPlaceholder(data.placeholder);
}

void ClicksChart::applyAxes()
{
    const int64_t from = m_firstMinute * kMinuteMs;
    const int64_t to = std::max(m_endMinute - 1, m_firstMinute + 1) * kMinuteMs;
    m_x->setRange(double(from), double(to));
    m_y->setRange(0, niceMax(m_maxY));
    m_y->applyNiceNumbers();
    updateTicks();
}

void ClicksChart::fitYTicks(double plotHeight)
{
    const int ticks = std::clamp(static_cast<int>(plotHeight / kPixelsPerYTick) + 1, 2, 6);
    if (ticks == m_y->tickCount()) return;
    m_y->setTickCount(ticks);
    m_y->setRange(0, niceMax(m_maxY));
    m_y->applyNiceNumbers();
}

QPair<double, double> ClicksChart::xRange() const
{
    return { m_x->min(), m_x->max() };
}

void ClicksChart::showXRange(double minMs, double maxMs)
{
    if (!(maxMs > minMs)) return;
    m_x->setRange(minMs, maxMs);
    setZoomed(true);
}

void ClicksChart::setZoomed(bool zoomed)
{
    if (zoomed == m_zoomed) return;
    m_zoomed = zoomed;
    emit zoomChanged(zoomed);
}

void ClicksChart::userZoomed()
{
    setZoomed(true);
    emit userRangeChanged(m_x->min(), m_x->max());
}

void ClicksChart::resetZoom()
{
    chart()->zoomReset();
    setZoomed(false);
    applyAxes();
}

QList<QPointF> ClicksChart::points(const QString& name) const
{
    return m_lines.value(name).points;
}

QList<QPointF> ClicksChart::provisionalPoints(const QString& name) const
{
    const Line line = m_lines.value(name);
    return line.points.mid(line.openFrom);
}

QStringList ClicksChart::lineNames() const
{
    return m_lines.keys();
}

void ClicksChart::setLineVisible(const QString& name, bool visible)
{
    if (!m_lines.contains(name)) return;
    if (visible)
        m_hidden.remove(name);
    else
        m_hidden.insert(name);
    Line& line = m_lines[name];
    line.final->setVisible(visible);
    line.open->setVisible(visible);
    styleLegendMarker(name);
}

void ClicksChart::copyViewFrom(const ClicksChart& other)
{
    chart()->setTitle(other.chart()->title());
    m_utc = other.m_utc;
    m_timeTitle = other.m_timeTitle;
    m_y->setTitleText(other.m_y->titleText());
    updateAxisFormat();
    setData(other.m_data);
    for (const QString& name : other.m_hidden)
        setLineVisible(name, false);
    if (other.m_zoomed) showXRange(other.m_x->min(), other.m_x->max());
    updateTicks();
}

} // namespace adclick::ui
