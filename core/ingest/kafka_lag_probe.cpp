#include "core/ingest/kafka_lag_probe.h"

#include "core/base/clock.h"
#include "core/ingest/kafka_common.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace adclick::core {

struct KafkaLagProbe::Shared {
    KafkaUri uri;
    int intervalMs = 0;
    rd_kafka_t* rk = nullptr;
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false; //!< guarded by mutex
    KafkaWatermarks latest; //!< guarded by mutex

    bool stopped()
    {
        std::lock_guard lock(mutex);
        return stop;
    }
    //! One round: the partition count, then each partition's high watermark.
    void round();
    void run();
};

void KafkaLagProbe::Shared::round()
{
    int brokers = 0;
    auto count
        = topicPartitionCount(rk, uri.brokers, uri.topic, 1000, &brokers, [this] { return stopped(); });
    std::string error = count ? std::string() : count.message();
    std::vector<std::pair<int64_t, int64_t>> read; // (high, wall ms) per partition; (−1, 0) not read
    for (int32_t p = 0; count && p < *count && !stopped(); ++p) {
        int64_t low = -1, high = -1;
        const rd_kafka_resp_err_t rc
            = rd_kafka_query_watermark_offsets(rk, uri.topic.c_str(), p, &low, &high, 1000);
        if (rc == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0)
            read.emplace_back(high, wallMs());
        else {
            read.emplace_back(-1, 0);
            error = "cannot read the high watermark of " + uri.topic + "/" + std::to_string(p) + ": "
                + rd_kafka_err2str(rc);
        }
    }
    std::lock_guard lock(mutex);
    KafkaWatermarks& w = latest;
    if (brokers > 0) w.brokers = brokers;
    w.error = error;
    if (read.size() > w.high.size()) {
        w.high.resize(read.size(), -1);
        w.readMs.resize(read.size(), 0);
    }
    for (std::size_t p = 0; p < read.size(); ++p)
        if (read[p].second > 0) {
            w.high[p] = read[p].first;
            w.readMs[p] = read[p].second;
        }
}

void KafkaLagProbe::Shared::run()
{
    while (!stopped()) {
        round();
        std::unique_lock lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(intervalMs), [this] { return stop; });
    }
    rd_kafka_destroy(rk);
    rk = nullptr;
}

Result<std::unique_ptr<KafkaLagProbe>> KafkaLagProbe::start(
    const KafkaUri& uri, const std::vector<std::pair<std::string, std::string>>& properties, int intervalMs)
{
    using R = Result<std::unique_ptr<KafkaLagProbe>>;
    // No group and no fetching: metadata and ListOffsets only. Never creates a topic.
    auto made = makeKafkaConf(
        uri.brokers, { { "allow.auto.create.topics", "false" }, { "log_level", "2" } }, properties);
    if (!made) return R(made.status());
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, *made, err, sizeof err);
    if (!rk) {
        rd_kafka_conf_destroy(*made);
        return R::error(std::string("cannot create the Kafka lag probe: ") + err);
    }
    std::unique_ptr<KafkaLagProbe> probe(new KafkaLagProbe());
    probe->m_shared = std::make_shared<Shared>();
    probe->m_shared->uri = uri;
    probe->m_shared->intervalMs = intervalMs;
    probe->m_shared->rk = rk;
    beginKafkaBackgroundTask();
    std::thread([shared = probe->m_shared] {
        shared->run();
        endKafkaBackgroundTask();
    }).detach();
    return R(std::move(probe));
}

KafkaLagProbe::~KafkaLagProbe()
{
    if (!m_shared) return;
    std::lock_guard lock(m_shared->mutex);
    m_shared->stop = true;
    m_shared->wake.notify_all();
}

KafkaWatermarks KafkaLagProbe::latest() const
{
    std::lock_guard lock(m_shared->mutex);
    return m_shared->latest;
}

} // namespace adclick::core
