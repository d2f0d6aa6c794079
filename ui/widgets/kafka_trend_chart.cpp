#include "ui/widgets/kafka_trend_chart.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace adclick::ui {

namespace {

const QColor kRateColor(0x2e, 0x86, 0xc1);
const QColor kLagColor(0xca, 0x6f, 0x1e);

} // namespace

KafkaTrendChart::KafkaTrendChart(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("kafkaTrend"));
    setToolTip(tr("Events/s (blue) and Kafka lag in messages (orange) over the last 10 minutes; grey: "
                  "lag unknown (brokers not answering)"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void KafkaTrendChart::add(const Sample& sample)
{
    // One sample per second of wall time: the newest of that second.
    if (!m_samples.empty() && sample.wallMs / 1000 == m_samples.back().wallMs / 1000)
        m_samples.back() = sample;
    else
        m_samples.push_back(sample);
    while (!m_samples.empty() && m_samples.back().wallMs - m_samples.front().wallMs > kSpanMs)
        m_samples.pop_front();
    update();
}

void KafkaTrendChart::clear()
{
    m_samples.clear();
    update();
}

void KafkaTrendChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF frame = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setPen(palette().color(QPalette::Mid));
    p.setBrush(palette().color(QPalette::Base));
    p.drawRect(frame);
    if (m_samples.empty()) return;
    double maxRate = 1;
    int64_t maxLag = 1;
    for (const Sample& s : m_samples) {
        maxRate = std::max(maxRate, s.rate);
        maxLag = std::max(maxLag, s.lag);
    }
    const QLocale l;
    const Sample& last = m_samples.back();
    const QString rateText
        = tr("%1 ev/s (max %2)").arg(l.toString(qlonglong(last.rate)), l.toString(qlonglong(maxRate)));
    const QString lagText
        = tr("%1 (max %2)")
              .arg(last.lag < 0 ? tr("lag ?") : tr("lag %1").arg(l.toString(qlonglong(last.lag))),
                  l.toString(qlonglong(maxLag)));
    // In a narrow dock the two labels would overlap: the lag goes on a line of its own.
    const int text = fontMetrics().height();
    const bool twoLines
        = fontMetrics().horizontalAdvance(rateText) + fontMetrics().horizontalAdvance(lagText) + 16
        > frame.width();
    const QRectF plot = frame.adjusted(4, text * (twoLines ? 2 : 1) + 4, -4, -4);
    if (plot.height() < 8) return;
    const int64_t t1 = m_samples.back().wallMs, t0 = t1 - kSpanMs;
    const auto x = [&](int64_t t) { return plot.left() + plot.width() * double(t - t0) / double(kSpanMs); };
    const auto y = [&](double v, double max) { return plot.bottom() - plot.height() * v / max; };
    // Unknown lag: a grey band over the time it was not known.
    QColor unknown = palette().color(QPalette::Mid);
    unknown.setAlpha(70);
    for (std::size_t i = 0; i < m_samples.size(); ++i)
        if (m_samples[i].lag < 0) {
            const int64_t end = i + 1 < m_samples.size() ? m_samples[i + 1].wallMs : t1 + 1000;
            p.fillRect(
                QRectF(QPointF(x(m_samples[i].wallMs), plot.top()), QPointF(x(end), plot.bottom())), unknown);
        }
    QPainterPath rate, lag;
    bool lagOpen = false;
    for (const Sample& s : m_samples) {
        const QPointF r(x(s.wallMs), y(s.rate, maxRate));
        rate.elementCount() == 0 ? rate.moveTo(r) : rate.lineTo(r);
        if (s.lag < 0) {
            lagOpen = false;
            continue;
        }
        const QPointF point(x(s.wallMs), y(double(s.lag), double(maxLag)));
        lagOpen ? lag.lineTo(point) : lag.moveTo(point);
        lagOpen = true;
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(kRateColor, 1.5));
    p.drawPath(rate);
    p.setPen(QPen(kLagColor, 1.5));
    p.drawPath(lag);
    p.setPen(kRateColor);
    p.drawText(QPointF(frame.left() + 4, frame.top() + text), rateText);
    p.setPen(kLagColor);
    p.drawText(QRectF(frame.left(), frame.top() + 1 + (twoLines ? text : 0), frame.width() - 4, text),
        Qt::AlignRight, lagText);
}

} // namespace adclick::ui
