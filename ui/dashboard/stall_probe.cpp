#include "ui/dashboard/stall_probe.h"

#include <algorithm>
#include <cmath>

namespace adclick::ui {

StallProbe::StallProbe(QObject* parent, int intervalMs)
    : QObject(parent)
    , m_intervalMs(intervalMs)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
}

void StallProbe::start()
{
    reset();
    m_clock.start();
    m_timer.start();
}

void StallProbe::stop()
{
    m_timer.stop();
}

void StallProbe::reset()
{
    m_lastNs = -1;
    m_maxStallMs = 0;
    m_ticks = 0;
    m_histogram.fill(0);
}

void StallProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    if (m_lastNs >= 0) {
        const double stall = std::max(0.0, double(now - m_lastNs) / 1e6 - m_intervalMs);
        m_maxStallMs = std::max(m_maxStallMs, stall);
        ++m_histogram[std::min<std::size_t>(m_histogram.size() - 1, static_cast<std::size_t>(stall))];
        ++m_ticks;
    }
    m_lastNs = now;
}

double StallProbe::percentileStallMs(double p) const
{
    if (m_ticks == 0) return 0;
    const auto target = static_cast<int64_t>(std::ceil(p / 100.0 * double(m_ticks)));
    int64_t seen = 0;
    for (std::size_t i = 0; i < m_histogram.size(); ++i) {
        seen += m_histogram[i];
        if (seen >= target) return double(i + 1); // upper bound of the bucket
    }
    return double(m_histogram.size());
}

} // namespace adclick::ui
