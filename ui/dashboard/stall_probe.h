#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <array>
#include <cstdint>

namespace adclick::ui {

//! Measures how long the GUI thread's event loop is blocked: a 10 ms timer notes the gap
//! between its ticks; a gap beyond the interval is a stall. Lives in the thread it measures.
class StallProbe : public QObject {
    Q_OBJECT
public:
    explicit StallProbe(QObject* parent = nullptr, int intervalMs = 10);

    void start();
    void stop();
    void reset();

    //! The longest stall since reset(), in ms (gap between ticks minus the interval).
    double maxStallMs() const { return m_maxStallMs; }
    //! The 99th percentile of the gaps minus the interval (1 ms buckets), in ms.
    double percentileStallMs(double p) const;
    int64_t ticks() const { return m_ticks; }

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_intervalMs;
    qint64 m_lastNs = -1;
    double m_maxStallMs = 0;
    int64_t m_ticks = 0;
    std::array<int64_t, 1001> m_histogram {}; //!< stall in whole ms, the last bucket ≥ 1000 ms
};

} // namespace adclick::ui
