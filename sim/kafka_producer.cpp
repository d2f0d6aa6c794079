#include "sim/kafka_producer.h"

#include "core/base/click_event.h"
#include "core/base/text_writers.h"
#include "core/base/timestamp.h"
#include "core/ingest/kafka_common.h"

#include <chrono>
#include <librdkafka/rdkafka.h>
#include <thread>

namespace adclick::core {

std::string canonicalJson(const ClickEvent& e)
{
    std::string out = "{\"ad_id\":";
    appendJsonString(out, e.adId);
    // Epoch ms, except where `auto` would read the number as seconds (1970-01-12 .. 1973-03-03):
    // there the ISO text says the same instant without doubt.
    const bool secondsRange = e.timeMs >= 1'000'000'000 && e.timeMs < 100'000'000'000;
    out += ",\"click_timestamp\":"
        + (secondsRange ? "\"" + formatIsoUtc(e.timeMs) + "\"" : std::to_string(e.timeMs));
    // A field the source has not (empty) is left out: the consumer stores it as absent too.
    auto optional = [&out](const char* key, std::string_view value) {
        if (value.empty()) return;
        out += key;
        appendJsonString(out, value);
    };
    optional(",\"user_id\":", e.userId);
    optional(",\"ip\":", e.ip);
    optional(",\"country\":", e.country);
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
    p->m_impl = std::make_unique<Impl>();
    p->m_impl->options = options;
    p->m_impl->parser = LineParser(options.parser);
    // Defaults that suit a click stream; --kafka-prop overrides any of them.
    auto made = makeKafkaConf(options.brokers,
        { { "enable.idempotence", "true" }, { "linger.ms", "5" }, { "message.timeout.ms", "30000" },
            { "log_level", "3" },
            // Sending to a misspelt topic must fail, not create it (checked again in open()).
            { "allow.auto.create.topics", "false" } },
        options.properties);
    if (!made) return R(made.status());
    rd_kafka_conf_t* conf = *made;
    rd_kafka_conf_set_opaque(conf, p->m_impl.get());
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
        auto* impl = static_cast<Impl*>(opaque);
        if (msg->err) {
            if (impl->report.failed++ == 0) impl->report.firstError = rd_kafka_err2str(msg->err);
        } else {
            ++impl->report.delivered;
        }
    });
    char err[512];
    p->m_impl->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!p->m_impl->rk) {
        rd_kafka_conf_destroy(conf);
        return R::error(std::string("cannot create the Kafka producer: ") + err);
    }
    // Fail early and clearly: are the brokers there, and is the topic?
    if (auto n = topicPartitionCount(p->m_impl->rk, options.brokers, options.topic, options.connectTimeoutMs);
        !n)
        return R(n.status());
    return R(std::move(p));
}

Status KafkaProducer::produceLine(std::string_view line)
{
    return produceRecord(line, false);
}

const LineParser& KafkaProducer::parser() const
{
    return m_impl->parser;
}

Status KafkaProducer::produceRecord(std::string_view line, bool multiLine)
{
    Impl& impl = *m_impl;
    ClickEvent e;
    const ParseOutcome out = multiLine ? impl.parser.parseRecord(line, e) : impl.parser.parse(line, e);
    if (out.kind == LineKind::Blank || out.kind == LineKind::Header) {
        ++impl.report.skipped;
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
    if (impl.options.ratePerSecond > 0) {
        // Keep to the rate on average: sleep while ahead of schedule.
        const auto due = impl.start
            + std::chrono::microseconds(
                static_cast<int64_t>(double(impl.report.messages) * 1e6 / impl.options.ratePerSecond));
        if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
    }
    for (;;) {
        const rd_kafka_resp_err_t rc
            = rd_kafka_producev(impl.rk, RD_KAFKA_V_TOPIC(impl.options.topic.c_str()),
                RD_KAFKA_V_KEY(key.empty() ? nullptr : key.data(), key.size()),
                RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_END);
        if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) break;
        if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return Status::error(
                std::string("cannot produce to '") + impl.options.topic + "': " + rd_kafka_err2str(rc));
        rd_kafka_poll(impl.rk, 50); // the local queue is full: let deliveries drain it
    }
    ++impl.report.messages;
    rd_kafka_poll(impl.rk, 0);
    return Status::ok();
}

ProduceReport KafkaProducer::poll(int timeoutMs)
{
    rd_kafka_poll(m_impl->rk, timeoutMs);
    return m_impl->report;
}

ProduceReport KafkaProducer::finish(int timeoutMs)
{
    rd_kafka_flush(m_impl->rk, timeoutMs);
    const int64_t pending = m_impl->report.messages - m_impl->report.delivered - m_impl->report.failed;
    if (pending > 0) {
        m_impl->report.failed += pending;
        if (m_impl->report.firstError.empty()) m_impl->report.firstError = "not acknowledged in time";
    }
    return m_impl->report;
}

} // namespace adclick::core
