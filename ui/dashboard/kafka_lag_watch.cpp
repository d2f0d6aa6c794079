#include "ui/dashboard/kafka_lag_watch.h"

#include "core/base/clock.h"
#include "core/ingest/kafka_lag_probe.h"

namespace adclick::ui {

KafkaLagWatch::KafkaLagWatch(QObject* parent)
    : QObject(parent)
{
    m_timer.setInterval(core::KafkaLagProbe::kIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &KafkaLagWatch::changed);
}

KafkaLagWatch::~KafkaLagWatch() = default;

void KafkaLagWatch::watch(const SourceSpec& spec)
{
    m_probe.reset(); // its thread ends and closes its client in the background
    m_timer.stop();
    if (spec.kind != SourceSpec::Kind::Kafka) return;
    auto uri = core::parseKafkaUri(spec.kafkaUri.toStdString());
    if (!uri) return;
    auto probe = core::KafkaLagProbe::start(*uri, spec.kafkaProperties);
    if (!probe) return;
    m_probe = std::move(*probe);
    m_topic = uri->topic;
    m_timer.start();
}

void KafkaLagWatch::apply(std::vector<core::KafkaHealth>& kafka) const
{
    if (!m_probe) return;
    const core::KafkaWatermarks w = m_probe->latest();
    const int64_t now = core::wallMs();
    for (core::KafkaHealth& h : kafka) {
        if (h.topic != m_topic) continue;
        bool anyFresh = false;
        for (core::PartitionHealth& p : h.partitions) {
            const auto i = static_cast<std::size_t>(p.partition);
            const bool read = i < w.readMs.size() && w.readMs[i] > 0;
            const bool fresh = read && now - w.readMs[i] <= core::KafkaLagProbe::kFreshMs;
            if (read) {
                p.highWatermark = std::max(p.highWatermark, w.high[i]);
                p.highWatermarkMs = w.readMs[i];
            }
            p.lagMessages = fresh ? std::max<int64_t>(0, p.highWatermark - p.position) : -1;
            // Behind, with no event time of its own (a cluster store's aggregate partition, a
            // partition nothing was read from): how far behind in time is unknown, not the stored 0.
            if (p.lagMessages != 0 && p.maxEventMs == core::kNoTime) p.lagMs = -1;
            anyFresh = anyFresh || fresh;
        }
        h.brokerState = anyFresh ? std::string("connected")
            : w.error.empty()    ? std::string("asking the brokers…")
                                 : "down: " + w.error;
        h.updatedMs = now;
    }
}

SnapshotPtr KafkaLagWatch::overlay(const SnapshotPtr& snapshot) const
{
    if (!m_probe || !snapshot || snapshot->kafka.empty()) return snapshot;
    auto copy = std::make_shared<DashboardSnapshot>(*snapshot);
    apply(copy->kafka);
    return copy;
}

} // namespace adclick::ui
