#include "kafka_broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace adclick::core {

struct EmbeddedBroker::Handles {
    rd_kafka_t* rk = nullptr;
    rd_kafka_mock_cluster_t* cluster = nullptr;
    ~Handles()
    {
        if (cluster) rd_kafka_mock_cluster_destroy(cluster);
        if (rk) rd_kafka_destroy(rk);
    }
};

EmbeddedBroker::~EmbeddedBroker() = default;

Result<std::unique_ptr<EmbeddedBroker>> EmbeddedBroker::start(
    int brokers, const std::string& topic, int partitions)
{
    using R = Result<std::unique_ptr<EmbeddedBroker>>;
    if (brokers < 1 || brokers > 32) return R::error("--brokers must be between 1 and 32");
    if (partitions < 1 || partitions > 1024) return R::error("--partitions must be between 1 and 1024");
    if (topic.empty()) return R::error("--topic must not be empty");
    std::unique_ptr<EmbeddedBroker> b(new EmbeddedBroker());
    b->m_handles = std::make_unique<Handles>();
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The cluster needs a client handle for its bookkeeping; this one never connects anywhere.
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    b->m_handles->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!b->m_handles->rk) {
        rd_kafka_conf_destroy(conf);
        return R::error(std::string("cannot create the broker's client handle: ") + err);
    }
    b->m_handles->cluster = rd_kafka_mock_cluster_new(b->m_handles->rk, brokers);
    if (!b->m_handles->cluster)
        return R::error("cannot start the embedded brokers (are loopback ports available?)");
    const rd_kafka_resp_err_t rc
        = rd_kafka_mock_topic_create(b->m_handles->cluster, topic.c_str(), partitions, std::min(brokers, 3));
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return R::error("cannot create topic '" + topic + "': " + rd_kafka_err2str(rc));
    b->m_bootstraps = rd_kafka_mock_cluster_bootstraps(b->m_handles->cluster);
    return R(std::move(b));
}

} // namespace adclick::core
