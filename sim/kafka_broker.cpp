#include "sim/kafka_broker.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <charconv>
#include <cstring>
#include <sstream>
#include <vector>

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
    b->m_topic = topic;
    b->m_brokers = brokers;
    b->m_partitions = partitions;
    return R(std::move(b));
}

Status EmbeddedBroker::createTopic(const std::string& topic, int partitions)
{
    const rd_kafka_resp_err_t rc
        = rd_kafka_mock_topic_create(m_handles->cluster, topic.c_str(), partitions, std::min(m_brokers, 3));
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Status::error("cannot create topic '" + topic + "': " + rd_kafka_err2str(rc));
    return Status::ok();
}

namespace {

std::vector<std::string> words(std::string_view text)
{
    std::istringstream in { std::string(text) };
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

bool toInt(const std::string& text, int& out)
{
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && p == end;
}

//! Kafka protocol API keys of the requests a consumer and producer make.
int apiKey(const std::string& name)
{
    static const std::pair<const char*, int> kKeys[]
        = { { "produce", 0 }, { "fetch", 1 }, { "list_offsets", 2 }, { "metadata", 3 },
              { "offset_commit", 8 }, { "offset_fetch", 9 }, { "find_coordinator", 10 } };
    for (const auto& [n, k] : kKeys)
        if (name == n) return k;
    return -1;
}

//! A broker error code by its Kafka name (NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT, …).
bool errorByName(const std::string& name, rd_kafka_resp_err_t& out)
{
    const rd_kafka_err_desc* descs = nullptr;
    size_t n = 0;
    rd_kafka_get_err_descs(&descs, &n);
    for (size_t i = 0; i < n; ++i)
        if (descs[i].name && descs[i].code > 0 && name == descs[i].name) {
            out = descs[i].code;
            return true;
        }
    return false;
}

} // namespace

Status EmbeddedBroker::control(std::string_view command)
{
    const std::vector<std::string> w = words(command);
    rd_kafka_mock_cluster_t* mc = m_handles->cluster;
    auto broker
        = [&](const std::string& text, int& id) { return toInt(text, id) && id >= 1 && id <= m_brokers; };
    auto result = [&](rd_kafka_resp_err_t rc) {
        return rc == RD_KAFKA_RESP_ERR_NO_ERROR
            ? Status::ok()
            : Status::error("'" + std::string(command) + "' failed: " + rd_kafka_err2str(rc));
    };
    int id = 0, value = 0;
    const std::string range = " (brokers are 1.." + std::to_string(m_brokers) + ")";
    if (w.size() == 2 && (w[0] == "down" || w[0] == "up")) {
        if (!broker(w[1], id)) return Status::error("no broker '" + w[1] + "'" + range);
        return result(
            w[0] == "down" ? rd_kafka_mock_broker_set_down(mc, id) : rd_kafka_mock_broker_set_up(mc, id));
    }
    if (w.size() == 3 && w[0] == "rtt") {
        if (!broker(w[1], id)) return Status::error("no broker '" + w[1] + "'" + range);
        if (!toInt(w[2], value) || value < 0)
            return Status::error("rtt needs milliseconds, not '" + w[2] + "'");
        return result(rd_kafka_mock_broker_set_rtt(mc, id, value));
    }
    if (w.size() == 3 && w[0] == "leader") {
        if (!toInt(w[1], value) || value < 0 || value >= m_partitions)
            return Status::error("no partition '" + w[1] + "' (0.." + std::to_string(m_partitions - 1) + ")");
        if (!broker(w[2], id)) return Status::error("no broker '" + w[2] + "'" + range);
        return result(rd_kafka_mock_partition_set_leader(mc, m_topic.c_str(), value, id));
    }
    if (w.size() == 4 && w[0] == "errors") {
        const int api = apiKey(w[1]);
        if (api < 0) return Status::error("unknown request type '" + w[1] + "'");
        if (!toInt(w[2], value) || value < 1)
            return Status::error("errors needs a count, not '" + w[2] + "'");
        rd_kafka_resp_err_t err {};
        if (!errorByName(w[3], err)) return Status::error("unknown Kafka error '" + w[3] + "'");
        const std::vector<rd_kafka_resp_err_t> errs(static_cast<std::size_t>(value), err);
        rd_kafka_mock_push_request_errors_array(mc, static_cast<int16_t>(api), errs.size(), errs.data());
        return Status::ok();
    }
    return Status::error("unknown broker command '" + std::string(command)
        + "': use down B, up B, rtt B MS, leader P B, errors API N ERROR");
}

} // namespace adclick::core
