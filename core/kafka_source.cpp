#include "kafka_source.h"

#include <librdkafka/rdkafka.h>

namespace adclick::core {

Result<KafkaUri> parseKafkaUri(std::string_view text)
{
    using R = Result<KafkaUri>;
    if (!isKafkaUri(text)) return R::error("not a kafka:// address: '" + std::string(text) + "'");
    std::string_view rest = text.substr(8);
    KafkaUri uri;
    const auto q = rest.find('?');
    if (q != std::string_view::npos) {
        std::string_view query = rest.substr(q + 1);
        rest = rest.substr(0, q);
        if (query.rfind("group=", 0) != 0 || query.size() == 6)
            return R::error(
                "kafka address: the only option is ?group=NAME, not '" + std::string(query) + "'");
        uri.group = std::string(query.substr(6));
    }
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size())
        return R::error(
            "kafka address needs kafka://host:port[,host:port]/topic, not '" + std::string(text) + "'");
    uri.brokers = std::string(rest.substr(0, slash));
    uri.topic = std::string(rest.substr(slash + 1));
    if (uri.topic.find('/') != std::string::npos)
        return R::error("kafka address: bad topic '" + uri.topic + "'");
    return uri;
}

struct KafkaConsumer::Impl {
    rd_kafka_t* rk = nullptr;
    rd_kafka_message_t* msg = nullptr;
    KafkaUri uri;
    int partitions = 0;
    ~Impl()
    {
        if (msg) rd_kafka_message_destroy(msg);
        if (rk) {
            rd_kafka_consumer_close(rk);
            rd_kafka_destroy(rk);
        }
    }
};

KafkaConsumer::~KafkaConsumer() = default;

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::open(const KafkaUri& uri,
    const std::vector<std::pair<std::string, std::string>>& properties, int connectTimeoutMs)
{
    using R = Result<std::unique_ptr<KafkaConsumer>>;
    std::unique_ptr<KafkaConsumer> c(new KafkaConsumer());
    c->m = std::make_unique<Impl>();
    c->m->uri = uri;
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& k, const std::string& v) -> Status {
        if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
            return Status::error("bad Kafka property " + k + "=" + v + ": " + err);
        return Status::ok();
    };
    Status st = set("bootstrap.servers", uri.brokers);
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>> { { "group.id", uri.group },
             { "enable.auto.commit", "false" }, { "enable.auto.offset.store", "false" },
             { "enable.partition.eof", "true" }, { "auto.offset.reset", "error" }, { "log_level", "3" } })
        if (st) st = set(k, v);
    for (const auto& [k, v] : properties)
        if (st) st = set(k, v);
    if (!st) {
        rd_kafka_conf_destroy(conf);
        return R(st);
    }
    c->m->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!c->m->rk) {
        rd_kafka_conf_destroy(conf);
        return R::error(std::string("cannot create the Kafka consumer: ") + err);
    }
    rd_kafka_poll_set_consumer(c->m->rk);
    rd_kafka_topic_t* t = rd_kafka_topic_new(c->m->rk, uri.topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t rc = rd_kafka_metadata(c->m->rk, 0, t, &md, connectTimeoutMs);
    rd_kafka_topic_destroy(t);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return R::error("cannot reach the Kafka brokers at " + uri.brokers + " within "
            + std::to_string(connectTimeoutMs / 1000) + " s: " + rd_kafka_err2str(rc));
    const bool missing = md->topic_cnt < 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR
        || md->topics[0].partition_cnt == 0;
    c->m->partitions = missing ? 0 : md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    if (missing) return R::error("topic '" + uri.topic + "' does not exist on " + uri.brokers);
    return R(std::move(c));
}

int KafkaConsumer::partitionCount() const
{
    return m->partitions;
}

Status KafkaConsumer::assign(const std::map<int32_t, int64_t>& startOffsets)
{
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(m->partitions);
    for (int32_t p = 0; p < m->partitions; ++p) {
        const auto it = startOffsets.find(p);
        rd_kafka_topic_partition_list_add(list, m->uri.topic.c_str(), p)->offset
            = it == startOffsets.end() ? RD_KAFKA_OFFSET_BEGINNING : it->second;
    }
    const rd_kafka_resp_err_t rc = rd_kafka_assign(m->rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return Status::error(
            std::string("cannot assign the partitions of '") + m->uri.topic + "': " + rd_kafka_err2str(rc));
    return Status::ok();
}

KafkaEvent KafkaConsumer::poll(int timeoutMs)
{
    if (m->msg) {
        rd_kafka_message_destroy(m->msg);
        m->msg = nullptr;
    }
    KafkaEvent ev;
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(m->rk, timeoutMs);
    if (!msg) return ev;
    m->msg = msg;
    ev.partition = msg->partition;
    ev.offset = msg->offset;
    switch (msg->err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
        ev.kind = KafkaEvent::Message;
        ev.value = std::string_view(static_cast<const char*>(msg->payload), msg->len);
        break;
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
        ev.kind = KafkaEvent::PartitionEnd;
        break;
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
        ev.kind = KafkaEvent::Gap;
        ev.error = "data gap in " + m->uri.topic + "/" + std::to_string(msg->partition)
            + ": the offset to continue from is no longer in the log (retention removed unread messages): "
            + rd_kafka_message_errstr(msg);
        break;
    default:
        ev.kind = KafkaEvent::Transient;
        ev.error = rd_kafka_message_errstr(msg);
        break;
    }
    return ev;
}

} // namespace adclick::core
