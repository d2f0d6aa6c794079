#pragma once

#include <QWidget>

#include <cstdint>
#include <deque>

namespace adclick::ui {

//! Kafka lag and events/s over the last minutes, in the health panel: a small two-line chart
//! (events/s blue, lag in messages orange, each on its own scale). Where the lag was not known
//! the chart shows a grey band, never a 0.
class KafkaTrendChart : public QWidget {
    Q_OBJECT
public:
    struct Sample {
        int64_t wallMs = 0;
        double rate = 0; //!< events/s
        int64_t lag = -1; //!< messages; −1 unknown
    };
    static constexpr int64_t kSpanMs = 10 * 60'000;

    explicit KafkaTrendChart(QWidget* parent = nullptr);

    //! Adds a sample (at most one a second: a later one within the second replaces it) and drops
    //! those older than kSpanMs.
    void add(const Sample& sample);
    void clear();
    const std::deque<Sample>& samples() const { return m_samples; }

    QSize sizeHint() const override { return { 260, 96 }; }
    QSize minimumSizeHint() const override { return { 120, 72 }; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::deque<Sample> m_samples;
};

} // namespace adclick::ui
