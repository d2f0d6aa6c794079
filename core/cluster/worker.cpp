// The cluster worker: consumer group → one engine per owned partition → units on the aggregate topic.
#include "core/cluster/worker.h"

#include "core/base/clock.h"
#include "core/cluster/chain_scan.h"
#include "core/ingest/cluster_unit.h"
#include "core/ingest/kafka_common.h"
#include "core/ingest/kafka_source.h"
#include "core/input/line_parser.h"
#include "core/input/line_splitter.h"
#include "core/pipeline/engine.h"

#include <map>
#include <memory>
#include <mutex>

namespace adclick::core {

namespace {

constexpr int kRequestMs = 10'000;
constexpr std::size_t kLongMessageSample = 256;

//! One input partition this worker owns. Its engine is rebuilt by reading the partition again
//! from offset 0 ("silent" until `publishFrom`, the end of the units already published for it),
//! so its state equals that of whichever worker published before (docs/SCALING.md, "Recovery").
struct Owned {
    int32_t partition = 0;
    std::string source; //!< "kafka:TOPIC/P", as a one-process ingest names it in reject samples
    std::unique_ptr<Engine> engine;
    int stream = 0;
    LineParser parser;
    uint64_t next = 0; //!< the next input offset to count
    uint64_t unitFrom = 0; //!< where the open unit starts
    uint64_t publishFrom = 0; //!< units up to here exist already
    std::map<uint32_t, std::string> ads; //!< the engine's interned ad ids
    int64_t lastUnitMs = 0;
    bool started = false; //!< offset 0 was read since the assignment
    bool live() const { return next >= publishFrom; }
};

class Worker {
public:
    Worker(const WorkerOptions& o, const std::function<void(const std::string&)>& note)
        : m_opt(o)
        , m_note(note)
    { }
    ~Worker();
    Status open();
    Status run(const std::stop_token& stop);
    WorkerReport report() const { return m_report; }

private:
    static void onRebalance(
        rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* self);
    static void onDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* self);
    Status openProducer();
    Status openConsumer();
    void rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
    Status assign(rd_kafka_topic_partition_list_t* parts);
    Status revoke(const rd_kafka_topic_partition_list_t* parts);
    Status onMessage(const rd_kafka_message_t* msg);
    void count(Owned& part, std::string_view value, uint64_t offset);
    //! The engine's new ad ids into `part.ads`, then the batch is dropped (it was published or is a replay).
    static void dropBatch(Owned& part);
    Status publish(Owned& part);
    Status publishDue(bool all);
    Status flush();
    void note(const std::string& line)
    {
        if (m_note) m_note(line);
    }

    WorkerOptions m_opt;
    std::function<void(const std::string&)> m_note;
    KafkaUri m_in, m_out;
    rd_kafka_t* m_consumer = nullptr;
    rd_kafka_t* m_producer = nullptr;
    int m_outPartitions = 0;
    int m_inPartitions = 0;
    bool m_cooperative = false;
    std::map<int32_t, Owned> m_owned;
    Status m_fatal; //!< set by callbacks; the run stops with it
    std::mutex m_deliveryMutex; //!< onDelivery runs on the thread that polls the producer: ours, but be safe
    std::string m_deliveryError;
    WorkerReport m_report;
};

Worker::~Worker()
{
    if (m_consumer) rd_kafka_destroy(m_consumer);
    if (m_producer) rd_kafka_destroy(m_producer);
}

Status Worker::open()
{
    auto in = parseKafkaUri(m_opt.input);
    if (!in) return in.status();
    auto out = parseKafkaUri(m_opt.output);
    if (!out) return out.status();
    m_in = *in;
    m_out = *out;
    if (auto st = openProducer(); !st) return st;
    auto count = topicPartitionCount(m_producer, m_out.brokers, m_out.topic, kRequestMs);
    if (!count) return Status::error("the aggregate topic: " + count.status().message());
    m_outPartitions = *count;
    auto inCount = topicPartitionCount(m_producer, m_in.brokers, m_in.topic, kRequestMs);
    if (!inCount) return inCount.status();
    m_inPartitions = *inCount;
    return openConsumer();
}

Status Worker::openProducer()
{
    // At least once, in order: no idempotence (the mock loses acknowledged batches with it, see
    // RELIABILITY.md), one request in flight, retried without end. A duplicate is harmless: the
    // store applies each unit's range once.
    const KafkaProperties defaults { { "acks", "all" }, { "enable.idempotence", "false" },
        { "max.in.flight.requests.per.connection", "1" }, { "message.send.max.retries", "2147483647" },
        { "message.timeout.ms", "0" }, { "linger.ms", "5" }, { "message.max.bytes", "8000000" } };
    auto conf = makeKafkaConf(m_out.brokers, defaults, m_opt.kafkaProperties);
    if (!conf) return conf.status();
    rd_kafka_conf_set_opaque(*conf, this);
    rd_kafka_conf_set_dr_msg_cb(*conf, &Worker::onDelivery);
    char err[512];
    m_producer = rd_kafka_new(RD_KAFKA_PRODUCER, *conf, err, sizeof err);
    if (!m_producer) return Status::error(std::string("kafka producer: ") + err);
    return Status::ok();
}

Status Worker::openConsumer()
{
    // Eager rebalancing (roundrobin): librdkafka 2.0.2's cooperative-sticky assignor asserts when a
    // consumer closes before its first assignment (fixed in 2.1.0); --kafka-prop
    // partition.assignment.strategy=cooperative-sticky selects it where it works (rebalance()
    // handles both protocols).
    const KafkaProperties defaults { { "group.id", m_opt.group }, { "enable.auto.commit", "false" },
        { "enable.auto.offset.store", "false" }, { "auto.offset.reset", "error" },
        { "enable.partition.eof", "true" }, { "partition.assignment.strategy", "roundrobin" },
        { "session.timeout.ms", "10000" } };
    auto conf = makeKafkaConf(m_in.brokers, defaults, m_opt.kafkaProperties);
    if (!conf) return conf.status();
    rd_kafka_conf_set_opaque(*conf, this);
    rd_kafka_conf_set_rebalance_cb(*conf, &Worker::onRebalance);
    char err[512];
    m_consumer = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, err, sizeof err);
    if (!m_consumer) return Status::error(std::string("kafka consumer: ") + err);
    rd_kafka_poll_set_consumer(m_consumer);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, m_in.topic.c_str(), RD_KAFKA_PARTITION_UA);
    const rd_kafka_resp_err_t e = rd_kafka_subscribe(m_consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) return Status::error(std::string("kafka subscribe: ") + rd_kafka_err2str(e));
    return Status::ok();
}

void Worker::onDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* self)
{
    if (!msg->err) return;
    auto* w = static_cast<Worker*>(self);
    std::lock_guard lock(w->m_deliveryMutex);
    if (w->m_deliveryError.empty())
        w->m_deliveryError = std::string("a unit could not be delivered: ") + rd_kafka_err2str(msg->err);
}

void Worker::onRebalance(
    rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* self)
{
    static_cast<Worker*>(self)->rebalance(err, parts);
}

void Worker::rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts)
{
    m_cooperative = std::string_view(rd_kafka_rebalance_protocol(m_consumer)) == "COOPERATIVE";
    m_report.protocol = m_cooperative ? "COOPERATIVE" : "EAGER";
    const bool assigning = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    Status st = assigning ? assign(parts) : revoke(parts);
    if (!st && m_fatal) m_fatal = st;
    rd_kafka_error_t* e = nullptr;
    if (m_cooperative)
        e = assigning ? rd_kafka_incremental_assign(m_consumer, parts)
                      : rd_kafka_incremental_unassign(m_consumer, parts);
    else
        rd_kafka_assign(m_consumer, assigning ? parts : nullptr);
    if (e) {
        if (m_fatal) m_fatal = Status::error(std::string("kafka assign: ") + rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    }
}

Status Worker::assign(rd_kafka_topic_partition_list_t* parts)
{
    std::vector<int32_t> taken;
    // Every partition is read from its start (see Owned), also when a check below fails (the
    // run then stops with that error, see run()).
    for (int i = 0; i < parts->cnt; ++i)
        parts->elems[i].offset = 0;
    for (int i = 0; i < parts->cnt; ++i) {
        rd_kafka_topic_partition_t& tp = parts->elems[i];
        int64_t low = 0, high = 0;
        const auto e
            = rd_kafka_query_watermark_offsets(m_producer, tp.topic, tp.partition, &low, &high, kRequestMs);
        if (e)
            return Status::error(
                std::string("kafka: the offsets of ") + tp.topic + ": " + rd_kafka_err2str(e));
        if (low > 0)
            return Status::error("kafka:" + m_in.topic + "/" + std::to_string(tp.partition)
                + " no longer starts at 0 " + "(log start " + std::to_string(low)
                + "): its counts cannot be rebuilt by reading it again");
        taken.push_back(tp.partition);
    }
    auto ends = scanChainEnds(m_out, m_opt.kafkaProperties, m_in.topic, taken, m_outPartitions);
    if (!ends) return ends.status();
    for (int32_t p : taken) {
        Owned& part = m_owned[p];
        part = Owned();
        part.partition = p;
        part.source = "kafka:" + m_in.topic + "/" + std::to_string(p);
        part.engine = std::make_unique<Engine>(m_opt.config);
        part.stream = part.engine->addStream(kNoTime);
        part.parser = LineParser(m_opt.parser);
        part.publishFrom = (*ends)[p];
        part.lastUnitMs = steadyMs();
        note("assigned " + part.source
            + (part.publishFrom ? ": rebuilding its state from offset 0 to "
                        + std::to_string(part.publishFrom) + ", where its published units end"
                                : ""));
    }
    ++m_report.assignments;
    if (!m_report.firstAssignedMs) m_report.firstAssignedMs = wallMs();
    return Status::ok();
}

Status Worker::revoke(const rd_kafka_topic_partition_list_t* parts)
{
    // Everything counted is published and delivered before the partition goes: the next owner
    // finds where its units end by reading the aggregate topic.
    for (int i = 0; i < parts->cnt; ++i) {
        auto it = m_owned.find(parts->elems[i].partition);
        if (it == m_owned.end()) continue;
        if (it->second.live() && it->second.next > it->second.unitFrom)
            if (auto st = publish(it->second); !st) return st;
    }
    if (auto st = flush(); !st) return st;
    for (int i = 0; i < parts->cnt; ++i)
        if (m_owned.erase(parts->elems[i].partition))
            note("revoked kafka:" + m_in.topic + "/" + std::to_string(parts->elems[i].partition));
    ++m_report.revocations;
    return Status::ok();
}

Status Worker::flush()
{
    while (rd_kafka_outq_len(m_producer) > 0) {
        rd_kafka_flush(m_producer, 1000);
        std::lock_guard lock(m_deliveryMutex);
        if (!m_deliveryError.empty()) return Status::error(m_deliveryError);
    }
    std::lock_guard lock(m_deliveryMutex);
    return m_deliveryError.empty() ? Status::ok() : Status::error(m_deliveryError);
}

void Worker::count(Owned& part, std::string_view value, uint64_t offset)
{
    // As Ingestor::KafkaRun::parseMessage: the same verdicts for the same messages.
    Engine& engine = *part.engine;
    if (!value.empty() && value.back() == '\n') value.remove_suffix(1);
    if (value.size() > kMaxLineBytes) {
        engine.onReject(RejectReason::LineTooLong, part.source, offset, value.substr(0, kLongMessageSample));
        return;
    }
    ClickEvent event;
    const ParseOutcome out = part.parser.parse(value, event);
    if (out.kind == LineKind::Event) {
        if (engine.rejectsAsFuture(event.timeMs, part.stream)) {
            engine.onReject(RejectReason::Future, part.source, offset, value);
            return;
        }
        engine.onEvent(event, engine.identityOf(event), part.stream);
    } else if (out.kind == LineKind::Rejected) {
        engine.onReject(out.reason, part.source, offset, value);
    }
}

void Worker::dropBatch(Owned& part)
{
    for (auto& [id, name] : part.engine->batch().newAds)
        part.ads[id] = name;
    part.engine->batchCommitted();
}

Status Worker::onMessage(const rd_kafka_message_t* msg)
{
    if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        auto it = m_owned.find(msg->partition);
        if (it != m_owned.end() && it->second.live() && it->second.next > it->second.unitFrom)
            return publish(it->second);
        return Status::ok();
    }
    if (msg->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || msg->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE)
        return Status::error("kafka: data gap in " + m_in.topic + ": " + rd_kafka_message_errstr(msg));
    if (msg->err) {
        note(std::string("kafka: ") + rd_kafka_message_errstr(msg) + " (retrying)");
        return Status::ok();
    }
    auto it = m_owned.find(msg->partition);
    if (it == m_owned.end()) return Status::ok(); // fetched before a revocation
    Owned& part = it->second;
    const auto offset = static_cast<uint64_t>(msg->offset);
    if (offset < part.next) return Status::ok();
    // A partition is read from offset 0 after every assignment; a message fetched for an earlier
    // assignment may still come first (librdkafka issue 1359): only offset 0 starts it.
    if (!part.started && offset != 0) return Status::ok();
    part.started = true;
    const bool replay = !part.live();
    part.engine->setFutureBound(wallMs() + m_opt.maxFutureMs);
    count(part, std::string_view(static_cast<const char*>(msg->payload), msg->len), offset);
    part.next = offset + 1;
    if (replay) {
        ++m_report.replayed;
        // Replayed messages only rebuild the state: their units exist. The batch is dropped at the
        // chain's end (the next unit starts exactly there) and every unitEvents to bound memory.
        if (part.live() || part.engine->batch().events() >= static_cast<int64_t>(m_opt.unitEvents))
            dropBatch(part);
        if (part.live()) {
            part.unitFrom = part.next;
            note("kafka:" + m_in.topic + "/" + std::to_string(part.partition) + " rebuilt; publishing from "
                + std::to_string(part.next));
        }
        return Status::ok();
    }
    ++m_report.messages;
    if (part.next - part.unitFrom >= m_opt.unitEvents) return publish(part);
    return Status::ok();
}

Status Worker::publish(Owned& part)
{
    for (auto& [id, name] : part.engine->batch().newAds)
        part.ads[id] = name;
    const Batch& batch = part.engine->batch();
    Unit unit;
    unit.topic = m_in.topic;
    unit.partition = part.partition;
    unit.partitions = m_inPartitions;
    unit.from = part.unitFrom;
    unit.to = part.next;
    unit.maxEventMs = part.engine->streamMaxEventMs(part.stream);
    unit.config = m_opt.config;
    unit.counters = batch.counters;
    unit.minutes.assign(batch.minutes.begin(), batch.minutes.end());
    for (const auto& [key, delta] : batch.panes.sortedItems())
        if (key.filterId == 0)
            unit.cells.push_back({ key.minute, part.ads[key.ad], key.country, delta.clicks, delta.late });
    unit.rejects = batch.rejects;
    const std::string bytes = encodeUnit(unit);
    const std::string key = unitKey(unit.topic, unit.partition);
    for (;;) {
        const rd_kafka_resp_err_t e = rd_kafka_producev(m_producer, RD_KAFKA_V_TOPIC(m_out.topic.c_str()),
            RD_KAFKA_V_PARTITION(part.partition % m_outPartitions), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY(key.data(), key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(bytes.data()), bytes.size()), RD_KAFKA_V_END);
        if (!e) break;
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return Status::error(std::string("kafka produce: ") + rd_kafka_err2str(e));
        rd_kafka_poll(m_producer, 100);
    }
    part.engine->batchCommitted();
    part.unitFrom = part.next;
    part.lastUnitMs = steadyMs();
    ++m_report.units;
    m_report.lastUnitMs = wallMs();
    return Status::ok();
}

Status Worker::publishDue(bool all)
{
    const int64_t now = steadyMs();
    for (auto& [p, part] : m_owned)
        if (part.live() && part.next > part.unitFrom
            && (all || now - part.lastUnitMs >= m_opt.unitIntervalMs))
            if (auto st = publish(part); !st) return st;
    return Status::ok();
}

Status Worker::run(const std::stop_token& stop)
{
    while (!stop.stop_requested()) {
        rd_kafka_message_t* msg = rd_kafka_consumer_poll(m_consumer, 100);
        if (msg) {
            Status st = onMessage(msg);
            rd_kafka_message_destroy(msg);
            if (!st) return m_fatal ? st : m_fatal; // the root cause first
        }
        if (!m_fatal) return m_fatal;
        if (auto st = publishDue(false); !st) return st;
        rd_kafka_poll(m_producer, 0);
        std::lock_guard lock(m_deliveryMutex);
        if (!m_deliveryError.empty()) return Status::error(m_deliveryError);
    }
    if (auto st = publishDue(true); !st) return st;
    if (auto st = flush(); !st) return st;
    rd_kafka_consumer_close(m_consumer); // leaves the group: the revocation hands the partitions on
    return m_fatal ? flush() : m_fatal;
}

} // namespace

Result<WorkerReport> runWorker(
    const WorkerOptions& options, std::stop_token stop, const std::function<void(const std::string&)>& onNote)
{
    Worker worker(options, onNote);
    if (auto st = worker.open(); !st) return Result<WorkerReport>(st);
    if (auto st = worker.run(stop); !st) return Result<WorkerReport>(st);
    return worker.report();
}

} // namespace adclick::core
