#include "kafka_producer.h"

#include "click_event.h"

#include <chrono>
#include <librdkafka/rdkafka.h>
#include <thread>

namespace adclick::core {

namespace {

void appendJsonString(std::string& out, std::string_view s)
{
    out.push_back('"');
    for (const char c : s) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c); // the parser lets no control byte into a field
    }
    out.push_back('"');
}

} // namespace

std::string canonicalJson(const ClickEvent& e)
{
    std::string out = "{\"ad_id\":";
    appendJsonString(out, e.adId);
    out += ",\"click_timestamp\":" + std::to_string(e.timeMs) + ",\"user_id\":";
    appendJsonString(out, e.userId);
    out += ",\"ip\":";
    appendJsonString(out, e.ip);
    out += ",\"country\":";
    appendJsonString(out, e.country);
    if (!e.clickId.empty()) {
        out += ",\"click_id\":";
        appendJsonString(out, e.clickId);
    }
    out += '}';
    return out;
}

struct KafkaProducer::Impl {
    rd_kafka_t* rk = nullptr;
    ProduceOptions options;
    LineParser parser;
    ProduceReport report;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    ~Impl()
    {
        if (rk) rd_kafka_destroy(rk);
    }
};

KafkaProducer::~KafkaProducer() = default;

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::open(const ProduceOptions& options)
{
    using R = Result<std::unique_ptr<KafkaProducer>>;
    std::unique_ptr<KafkaProducer> p(new KafkaProducer());
    p->m = std::make_unique<Impl>();
    p->m->options = options;
    p->m->parser = LineParser(options.format);
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& k, const std::string& v) -> Status {
        if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
            return Status::error("bad Kafka property " + k + "=" + v + ": " + err);
        return Status::ok();
    };
    Status st = set("bootstrap.servers", options.brokers);
    // Defaults that suit a click stream; --kafka-prop overrides any of them.
    for (const auto& [k, v] :
        std::vector<std::pair<std::string, std::string>> { { "enable.idempotence", "true" },
            { "linger.ms", "5" }, { "message.timeout.ms", "30000" }, { "log_level", "3" } })
        if (st) st = set(k, v);
    for (const auto& [k, v] : options.properties)
        if (st) st = set(k, v);
    if (!st) {
        rd_kafka_conf_destroy(conf);
        return R(st);
    }
    rd_kafka_conf_set_opaque(conf, p->m.get());
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
        auto* impl = static_cast<Impl*>(opaque);
        if (msg->err) {
            if (impl->report.failed++ == 0) impl->report.firstError = rd_kafka_err2str(msg->err);
        } else {
            ++impl->report.delivered;
        }
    });
    p->m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!p->m->rk) {
        rd_kafka_conf_destroy(conf);
        return R::error(std::string("cannot create the Kafka producer: ") + err);
    }
    // Fail early and clearly: are the brokers there, and is the topic?
    rd_kafka_topic_t* t = rd_kafka_topic_new(p->m->rk, options.topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t rc = rd_kafka_metadata(p->m->rk, 0, t, &md, options.connectTimeoutMs);
    rd_kafka_topic_destroy(t);
    if (rc != RD_KAFKA_RESP_ERR_NO_ERROR)
        return R::error("cannot reach the Kafka brokers at " + options.brokers + " within "
            + std::to_string(options.connectTimeoutMs / 1000) + " s: " + rd_kafka_err2str(rc));
    const bool missing = md->topic_cnt < 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR
        || md->topics[0].partition_cnt == 0;
    rd_kafka_metadata_destroy(md);
    if (missing) return R::error("topic '" + options.topic + "' does not exist on " + options.brokers);
    return R(std::move(p));
}

Status KafkaProducer::produceLine(std::string_view line)
{
    Impl& m = *this->m;
    ClickEvent e;
    const ParseOutcome out = m.parser.parse(line, e);
    if (out.kind == LineKind::Blank || out.kind == LineKind::Header) {
        ++m.report.skipped;
        return Status::ok();
    }
    std::string value;
    std::string_view key;
    if (out.kind == LineKind::Event) {
        value = canonicalJson(e);
        key = e.adId;
    } else {
        value = std::string(line);
    }
    if (m.options.ratePerSecond > 0) {
        // Keep to the rate on average: sleep while ahead of schedule.
        const auto due = m.start
            + std::chrono::microseconds(
                static_cast<int64_t>(double(m.report.messages) * 1e6 / m.options.ratePerSecond));
        if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
    }
    for (;;) {
        const rd_kafka_resp_err_t rc = rd_kafka_producev(m.rk, RD_KAFKA_V_TOPIC(m.options.topic.c_str()),
            RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
            RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_END);
        if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return Status::error(
                std::string("cannot produce to '") + m.options.topic + "': " + rd_kafka_err2str(rc));
        rd_kafka_poll(m.rk, 50); // the local queue is full: let deliveries drain it
    }
    ++m.report.messages;
    rd_kafka_poll(m.rk, 0);
    return Status::ok();
}

ProduceReport KafkaProducer::finish(int timeoutMs)
{
    rd_kafka_flush(m->rk, timeoutMs);
    const int64_t pending = m->report.messages - m->report.delivered - m->report.failed;
    if (pending > 0) {
        m->report.failed += pending;
        if (m->report.firstError.empty()) m->report.firstError = "not acknowledged in time";
    }
    return m->report;
}

} // namespace adclick::core
