#include "core/ingest/kafka_common.h"

namespace adclick::core {

Result<rd_kafka_conf_t*> makeKafkaConf(
    const std::string& brokers, const KafkaProperties& defaults, const KafkaProperties& user)
{
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    auto set = [&](const std::string& k, const std::string& v) {
        return rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK;
    };
    std::string failed;
    if (!set("bootstrap.servers", brokers)) failed = "bootstrap.servers=" + brokers;
    for (const auto* list : { &defaults, &user })
        for (const auto& [k, v] : *list)
            if (failed.empty() && !set(k, v)) failed = k + "=" + v;
    if (!failed.empty()) {
        rd_kafka_conf_destroy(conf);
        return Result<rd_kafka_conf_t*>::error("bad Kafka property " + failed + ": " + err);
    }
    return conf;
}

Result<int> topicPartitionCount(
    rd_kafka_t* rk, const std::string& brokers, const std::string& topic, int timeoutMs)
{
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t rc = rd_kafka_metadata(rk, 0, t, &md, timeoutMs);
    rd_kafka_topic_destroy(t);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Result<int>::error("cannot reach the Kafka brokers at " + brokers + " within "
            + std::to_string(timeoutMs / 1000) + " s: " + rd_kafka_err2str(rc));
    const bool missing = md->topic_cnt < 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR
        || md->topics[0].partition_cnt == 0;
    const int partitions = missing ? 0 : md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    if (missing) return Result<int>::error("topic '" + topic + "' does not exist on " + brokers);
    return partitions;
}

} // namespace adclick::core
