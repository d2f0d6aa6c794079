// The cluster worker's checkpoints (docs/SCALING.md, "Checkpoints"): written after a unit, made
// current by a commit to the group once complete, read back when a partition is taken over.
#include "core/base/clock.h"
#include "core/base/failpoint.h"
#include "core/cluster/checkpoint_load.h"
#include "core/cluster/worker_parts.h"
#include "core/ingest/cluster_unit.h"

#include <cstring>

namespace adclick::core::worker_parts {

void Worker::onCommitted(
    rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* offsets, void* self)
{
    auto* w = static_cast<Worker*>(self);
    for (int i = 0; offsets && i < offsets->cnt; ++i) {
        const rd_kafka_topic_partition_t& tp = offsets->elems[i];
        const std::string what = "checkpoint of kafka:" + w->m_in.topic + "/" + std::to_string(tp.partition)
            + " at offset " + std::to_string(tp.offset);
        // Not fatal: the previous checkpoint stays current (and a new one follows).
        if (err || tp.err) {
            w->note(what + " not committed: " + rd_kafka_err2str(err ? err : tp.err));
            continue;
        }
        w->note(what + " committed");
        ++w->m_report.checkpoints;
    }
}

std::map<int32_t, Worker::Committed> Worker::committedCheckpoints(
    const rd_kafka_topic_partition_list_t* parts)
{
    std::map<int32_t, Committed> out;
    CheckpointLoader loader(m_out.brokers, m_opt.kafkaProperties); // one client for the whole assignment
    rd_kafka_topic_partition_list_t* committed = rd_kafka_topic_partition_list_copy(parts);
    const rd_kafka_resp_err_t e = rd_kafka_committed(m_consumer, committed, kRequestMs);
    for (int i = 0; !e && i < committed->cnt; ++i) {
        const rd_kafka_topic_partition_t& tp = committed->elems[i];
        const std::string source = "kafka:" + m_in.topic + "/" + std::to_string(tp.partition);
        auto ref = tp.metadata
            ? parseCheckpointRef(std::string_view(static_cast<const char*>(tp.metadata), tp.metadata_size))
            : std::nullopt;
        if (tp.err || !ref) continue;
        auto cp = loader.load(*ref, m_in.topic, tp.partition);
        if (cp && cp->config != m_opt.config)
            cp = Result<PartitionCheckpoint>::error("it was counted with other settings");
        if (!cp) {
            // Not fatal: reading the partition from offset 0 gives the same state, if it still starts there.
            note("the checkpoint of " + source + " at offset " + std::to_string(ref->offset)
                + " cannot be used: " + cp.status().message());
            continue;
        }
        out.emplace(tp.partition, Committed { std::move(*cp), ref->aggregateFrom });
    }
    if (e) note(std::string("kafka: the group's committed offsets (checkpoints): ") + rd_kafka_err2str(e));
    rd_kafka_topic_partition_list_destroy(committed);
    return out;
}

bool Worker::checkpointDue(const Owned& part) const
{
    // An idle partition's checkpoint is written again now and then, so that the state topic's
    // retention never removes the only copy (docs/SCALING.md, "Checkpoints").
    const int64_t age = steadyMs() - part.lastCheckpointMs;
    return !m_opt.checkpointTopic.empty() && age >= m_opt.checkpointIntervalMs
        && (part.next > part.checkpointAt || age >= kCheckpointRefreshIntervals * m_opt.checkpointIntervalMs);
}

Status Worker::writeCheckpoint(Owned& part)
{
    // Units from here on land at or after the aggregate partition's current end: where the next
    // owner's chain scan can start instead of at 0.
    int64_t low = 0, high = 0;
    const auto e = rd_kafka_query_watermark_offsets(
        m_producer, m_out.topic.c_str(), part.partition % m_outPartitions, &low, &high, kRequestMs);
    part.lastCheckpointMs = steadyMs();
    if (e) {
        note("checkpoint of " + part.source
            + " put off: the aggregate topic's offsets: " + rd_kafka_err2str(e));
        return Status::ok();
    }
    const PartitionCheckpoint state
        = captureCheckpoint(*part.engine, part.stream, part.parser, m_in.topic, part.partition, part.next);
    PendingCheckpoint& pending = m_pending.emplace_back();
    pending.partition = part.partition;
    pending.ref.stateTopic = m_opt.checkpointTopic;
    pending.ref.statePartition = part.partition % m_statePartitions;
    pending.ref.first = INT64_MAX;
    pending.ref.last = -1;
    pending.ref.nonce = m_nonces();
    pending.ref.offset = part.next;
    pending.ref.aggregateFrom = high;
    const std::vector<std::string> chunks = encodeCheckpoint(state, pending.ref.nonce, kCheckpointChunkBytes);
    pending.ref.chunks = chunks.size();
    const std::string key = unitKey(m_in.topic, part.partition);
    for (const std::string& chunk : chunks)
        if (auto st = produce(m_opt.checkpointTopic, pending.ref.statePartition, key, chunk, &pending); !st)
            return st;
    part.checkpointAt = part.next;
    return Status::ok();
}

void Worker::commitCheckpoints(bool wait)
{
    std::lock_guard lock(m_deliveryMutex);
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        PendingCheckpoint& c = *it;
        // Every chunk's report must be in before the entry goes: it is their delivery opaque.
        const bool unitsIn = m_unitsDeliveredTo[c.partition] >= c.ref.offset;
        if (c.reports < c.ref.chunks || (!c.failed && !(unitsIn && m_deliveryError.empty()))) {
            ++it;
            continue;
        }
        if (!c.failed) {
            // The offset is the checkpoint's: the group's lag (as Kafka's tools show it) is what a
            // worker taking the partition over would read again.
            rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
            rd_kafka_topic_partition_t* tp
                = rd_kafka_topic_partition_list_add(offsets, m_in.topic.c_str(), c.partition);
            tp->offset = static_cast<int64_t>(c.ref.offset);
            const std::string metadata = formatCheckpointRef(c.ref);
            tp->metadata = strdup(metadata.c_str());
            tp->metadata_size = metadata.size();
            failpoint("worker.checkpoint_commit"); // its chunks are in the state topic, unreferenced
            // Without a queue the call waits and serves onCommitted itself.
            rd_kafka_commit_queue(
                m_consumer, offsets, wait ? nullptr : m_commits, &Worker::onCommitted, this);
            rd_kafka_topic_partition_list_destroy(offsets);
        }
        it = m_pending.erase(it);
    }
}

} // namespace adclick::core::worker_parts
