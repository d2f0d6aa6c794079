// The cluster worker: consumer group → one engine per owned partition → units on the aggregate topic.
#include "core/cluster/worker.h"

#include "core/base/clock.h"
#include "core/cluster/chain_scan.h"
#include "core/cluster/worker_parts.h"
#include "core/ingest/cluster_unit.h"
#include "core/ingest/kafka_common.h"
#include "core/input/line_splitter.h"

namespace adclick::core {

namespace worker_parts {

Worker::~Worker()
{
    if (m_commits) rd_kafka_queue_destroy(m_commits);
    // librdkafka before 2.3 aborts in rd_kafka_destroy (cooperative-sticky assignor state, issue
    // 4312) when the consumer never had an assignment. The process ends right after a worker
    // stops, so such a consumer is left to the exit instead.
    if (m_consumer && m_report.assignments > 0) rd_kafka_destroy(m_consumer);
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
    if (m_opt.checkpointTopic == m_out.topic || m_opt.checkpointTopic == m_in.topic)
        return Status::error("--checkpoints needs a topic of its own, not the "
            + std::string(m_opt.checkpointTopic == m_in.topic ? "click" : "aggregate") + " topic");
    if (!m_opt.checkpointTopic.empty()) {
        auto state = topicPartitionCount(m_producer, m_out.brokers, m_opt.checkpointTopic, kRequestMs);
        if (!state) return Status::error("the checkpoint topic: " + state.status().message());
        m_statePartitions = *state;
    }
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
    // Cooperative rebalancing (cooperative-sticky): only the partitions that change owner move,
    // the others keep counting. rebalance() handles the eager protocols too (--kafka-prop
    // partition.assignment.strategy=roundrobin).
    const KafkaProperties defaults { { "group.id", m_opt.group }, { "enable.auto.commit", "false" },
        { "enable.auto.offset.store", "false" }, { "auto.offset.reset", "error" },
        { "enable.partition.eof", "true" }, { "partition.assignment.strategy", "cooperative-sticky" },
        { "session.timeout.ms", "10000" } };
    auto conf = makeKafkaConf(m_in.brokers, defaults, m_opt.kafkaProperties);
    if (!conf) return conf.status();
    rd_kafka_conf_set_opaque(*conf, this);
    rd_kafka_conf_set_rebalance_cb(*conf, &Worker::onRebalance);
    char err[512];
    m_consumer = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, err, sizeof err);
    if (!m_consumer) return Status::error(std::string("kafka consumer: ") + err);
    rd_kafka_poll_set_consumer(m_consumer);
    m_commits = rd_kafka_queue_new(m_consumer);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, m_in.topic.c_str(), RD_KAFKA_PARTITION_UA);
    const rd_kafka_resp_err_t e = rd_kafka_subscribe(m_consumer, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) return Status::error(std::string("kafka subscribe: ") + rd_kafka_err2str(e));
    return Status::ok();
}

void Worker::onDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* self)
{
    static_cast<Worker*>(self)->delivered(msg);
}

void Worker::delivered(const rd_kafka_message_t* msg)
{
    std::lock_guard lock(m_deliveryMutex);
    if (std::string_view(rd_kafka_topic_name(msg->rkt)) != m_out.topic) {
        // A checkpoint chunk: a lost one only leaves the previous checkpoint current.
        auto* pending = static_cast<PendingCheckpoint*>(msg->_private);
        ++pending->reports;
        if (msg->err) {
            pending->failed = true;
            note("checkpoint of kafka:" + m_in.topic + "/" + std::to_string(pending->partition)
                + " not written: " + rd_kafka_err2str(msg->err));
            return;
        }
        pending->ref.first = std::min(pending->ref.first, msg->offset);
        pending->ref.last = std::max(pending->ref.last, msg->offset);
        return;
    }
    std::unique_ptr<UnitTicket> ticket(static_cast<UnitTicket*>(msg->_private));
    if (msg->err) {
        if (m_deliveryError.empty())
            m_deliveryError = std::string("a unit could not be delivered: ") + rd_kafka_err2str(msg->err);
        return;
    }
    uint64_t& to = m_unitsDeliveredTo[ticket->partition];
    to = std::max(to, ticket->to);
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
    const std::map<int32_t, Committed> checkpoints = committedCheckpoints(parts);
    std::map<int32_t, ChainStart> starts;
    // Every partition is read from its checkpoint's offset or from its start, also when a check
    // below fails (the run then stops with that error, see run()).
    for (int i = 0; i < parts->cnt; ++i) {
        auto cp = checkpoints.find(parts->elems[i].partition);
        parts->elems[i].offset = cp == checkpoints.end() ? 0 : static_cast<int64_t>(cp->second.state.offset);
    }
    for (int i = 0; i < parts->cnt; ++i) {
        rd_kafka_topic_partition_t& tp = parts->elems[i];
        int64_t low = 0, high = 0;
        const auto e
            = rd_kafka_query_watermark_offsets(m_producer, tp.topic, tp.partition, &low, &high, kRequestMs);
        if (e)
            return Status::error(
                std::string("kafka: the offsets of ") + tp.topic + ": " + rd_kafka_err2str(e));
        if (low > tp.offset)
            return Status::error("kafka:" + m_in.topic + "/" + std::to_string(tp.partition)
                + " no longer starts at " + std::to_string(tp.offset) + " (log start " + std::to_string(low)
                + "): its counts cannot be rebuilt by reading it again"
                + (tp.offset ? " from its newest checkpoint"
                             : ", and it has no checkpoint (see --checkpoints)"));
        auto cp = checkpoints.find(tp.partition);
        starts[tp.partition] = cp == checkpoints.end()
            ? ChainStart {}
            : ChainStart { cp->second.state.offset, cp->second.aggregateFrom };
    }
    auto ends = scanChainEnds(m_out, m_opt.kafkaProperties, m_in.topic, starts, m_outPartitions);
    if (!ends) return ends.status();
    for (const auto& entry : starts) {
        const int32_t p = entry.first;
        auto cp = checkpoints.find(p);
        if (auto st = takeOver(p, cp == checkpoints.end() ? nullptr : &cp->second.state, (*ends)[p]); !st)
            return st;
    }
    ++m_report.assignments;
    if (!m_report.firstAssignedMs) m_report.firstAssignedMs = wallMs();
    return Status::ok();
}

Status Worker::takeOver(int32_t p, const PartitionCheckpoint* checkpoint, uint64_t chainEnd)
{
    Owned& part = m_owned[p];
    part = Owned();
    part.partition = p;
    part.source = "kafka:" + m_in.topic + "/" + std::to_string(p);
    part.engine = std::make_unique<Engine>(m_opt.config);
    part.parser = LineParser(m_opt.parser);
    if (checkpoint) {
        part.stream = restoreCheckpoint(*checkpoint, *part.engine, part.parser);
        part.startOffset = part.next = part.unitFrom = part.checkpointAt = checkpoint->offset;
        ++m_report.restored;
    } else {
        part.stream = part.engine->addStream(kNoTime);
    }
    part.publishFrom = chainEnd;
    part.lastUnitMs = part.lastCheckpointMs = steadyMs();
    {
        std::lock_guard lock(m_deliveryMutex);
        uint64_t& to = m_unitsDeliveredTo[p];
        to = std::max(to, chainEnd);
    }
    std::string how;
    if (checkpoint) how = ": restored from its checkpoint at offset " + std::to_string(part.startOffset);
    if (part.publishFrom > part.startOffset)
        how += (checkpoint ? ", rebuilding its state from there" : ": rebuilding its state from offset 0")
            + std::string(" to ") + std::to_string(part.publishFrom) + ", where its published units end";
    note("assigned " + part.source + how);
    return Status::ok();
}

Status Worker::revoke(const rd_kafka_topic_partition_list_t* parts)
{
    // Everything counted is published and delivered before the partition goes: the next owner
    // finds where its units end by reading the aggregate topic. With checkpoints, it also finds
    // the state there, so it need not read the partition again.
    for (int i = 0; i < parts->cnt; ++i) {
        auto it = m_owned.find(parts->elems[i].partition);
        if (it == m_owned.end() || !it->second.live()) continue;
        if (it->second.next > it->second.unitFrom)
            if (auto st = publish(it->second, false); !st) return st;
        if (!m_opt.checkpointTopic.empty() && it->second.next > it->second.checkpointAt)
            if (auto st = writeCheckpoint(it->second); !st) return st;
    }
    if (auto st = flush(); !st) return st;
    commitCheckpoints(true);
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
    // A partition is read from its start offset after every assignment; a message fetched for an
    // earlier assignment may still come first (librdkafka issue 1359): only that offset starts it.
    if (!part.started && offset != part.startOffset) return Status::ok();
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

Status Worker::publish(Owned& part, bool mayCheckpoint)
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
    auto ticket = std::make_unique<UnitTicket>(UnitTicket { part.partition, unit.to });
    if (auto st = produce(m_out.topic, part.partition % m_outPartitions, unitKey(unit.topic, unit.partition),
            encodeUnit(unit), ticket.get());
        !st)
        return st;
    ticket.release(); // the delivery report frees it
    part.engine->batchCommitted();
    part.unitFrom = part.next;
    part.lastUnitMs = steadyMs();
    ++m_report.units;
    m_report.lastUnitMs = wallMs();
    return mayCheckpoint && checkpointDue(part) ? writeCheckpoint(part) : Status::ok();
}

Status Worker::produce(const std::string& topic, int32_t partition, const std::string& key,
    const std::string& bytes, void* opaque)
{
    for (;;) {
        const rd_kafka_resp_err_t e
            = rd_kafka_producev(m_producer, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key.data(), key.size()),
                RD_KAFKA_V_VALUE(const_cast<char*>(bytes.data()), bytes.size()), RD_KAFKA_V_OPAQUE(opaque),
                RD_KAFKA_V_END);
        if (!e) return Status::ok();
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return Status::error(std::string("kafka produce: ") + rd_kafka_err2str(e));
        rd_kafka_poll(m_producer, 100);
    }
}

Status Worker::publishDue(bool all)
{
    const int64_t now = steadyMs();
    for (auto& [p, part] : m_owned) {
        if (!part.live()) continue;
        if (part.next > part.unitFrom && (all || now - part.lastUnitMs >= m_opt.unitIntervalMs)) {
            if (auto st = publish(part); !st) return st;
        } else if (part.next == part.unitFrom && checkpointDue(part)) {
            // Idle since its last unit: its newest state is still worth a checkpoint.
            if (auto st = writeCheckpoint(part); !st) return st;
        }
    }
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
        commitCheckpoints(false);
        rd_kafka_queue_poll_callback(m_commits, 0);
        rd_kafka_poll(m_producer, 0);
        std::lock_guard lock(m_deliveryMutex);
        if (!m_deliveryError.empty()) return Status::error(m_deliveryError);
    }
    if (auto st = publishDue(true); !st) return st;
    if (auto st = flush(); !st) return st;
    rd_kafka_consumer_close(m_consumer); // leaves the group: the revocation hands the partitions on
    return m_fatal ? flush() : m_fatal;
}

} // namespace worker_parts

Result<WorkerReport> runWorker(
    const WorkerOptions& options, std::stop_token stop, const std::function<void(const std::string&)>& onNote)
{
    worker_parts::Worker worker(options, onNote);
    if (auto st = worker.open(); !st) return Result<WorkerReport>(st);
    if (auto st = worker.run(stop); !st) return Result<WorkerReport>(st);
    return worker.report();
}

} // namespace adclick::core
