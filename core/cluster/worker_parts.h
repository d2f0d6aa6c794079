#pragma once
// The cluster worker's parts (core/cluster/worker.h), shared by worker.cpp (the consumer group,
// counting, units) and worker_checkpoints.cpp (writing, committing and reading checkpoints).
// Internal to core/cluster.

#include "core/cluster/checkpoint.h"
#include "core/cluster/worker.h"
#include "core/ingest/kafka_source.h"
#include "core/input/line_parser.h"
#include "core/pipeline/engine.h"

#include <librdkafka/rdkafka.h>

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace adclick::core::worker_parts {

constexpr int kRequestMs = 10'000;
constexpr std::size_t kLongMessageSample = 256;
constexpr std::size_t kCheckpointChunkBytes = 256 * 1024;
constexpr int64_t kCheckpointRefreshIntervals
    = 60; //!< an unchanged partition's checkpoint is rewritten this often

//! One input partition this worker owns. Its engine is restored from the partition's checkpoint
//! (or made new when it has none) and brought up to date by reading the partition again from the
//! checkpoint's offset (or 0), "silent" until `publishFrom`, the end of the units already
//! published for it: its state then equals that of whichever worker published before
//! (docs/SCALING.md, "Recovery").
struct Owned {
    int32_t partition = 0;
    std::string source; //!< "kafka:TOPIC/P", as a one-process ingest names it in reject samples
    std::unique_ptr<Engine> engine;
    int stream = 0;
    LineParser parser;
    uint64_t next = 0; //!< the next input offset to count
    uint64_t unitFrom = 0; //!< where the open unit starts
    uint64_t publishFrom = 0; //!< units up to here exist already
    uint64_t startOffset = 0; //!< where reading starts: its checkpoint's offset, or 0
    uint64_t checkpointAt = 0; //!< the offset of the newest checkpoint written or restored
    int64_t lastCheckpointMs = 0;
    std::map<uint32_t, std::string> ads; //!< the engine's interned ad ids
    int64_t lastUnitMs = 0;
    bool started = false; //!< startOffset was read since the assignment
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
    void delivered(const rd_kafka_message_t* msg);
    static void onCommitted(
        rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*, void* self);
    Status openProducer();
    Status openConsumer();
    void rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);
    Status assign(rd_kafka_topic_partition_list_t* parts);
    //! A partition's checkpoint as its committed offset's metadata points at it.
    struct Committed {
        PartitionCheckpoint state;
        int64_t aggregateFrom = 0; //!< CheckpointRef::aggregateFrom
    };
    //! The committed checkpoint of each partition in `parts` that has a readable one.
    std::map<int32_t, Committed> committedCheckpoints(const rd_kafka_topic_partition_list_t* parts);
    Status takeOver(int32_t partition, const PartitionCheckpoint* checkpoint, uint64_t chainEnd);
    Status revoke(const rd_kafka_topic_partition_list_t* parts);
    Status onMessage(const rd_kafka_message_t* msg);
    void count(Owned& part, std::string_view value, uint64_t offset);
    //! The engine's new ad ids into `part.ads`, then the batch is dropped (it was published or is a replay).
    static void dropBatch(Owned& part);
    //! Publishes the open unit; then writes a checkpoint when one is due and `mayCheckpoint`.
    Status publish(Owned& part, bool mayCheckpoint = true);
    Status produce(const std::string& topic, int32_t partition, const std::string& key,
        const std::string& bytes, void* opaque);
    bool checkpointDue(const Owned& part) const;
    Status writeCheckpoint(Owned& part);
    //! Commits the checkpoints whose chunks and units are delivered (docs/SCALING.md, "Checkpoints").
    void commitCheckpoints(bool wait);
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
    rd_kafka_queue_t* m_commits = nullptr; //!< the results of checkpoint commits not waited for
    int m_outPartitions = 0;
    int m_inPartitions = 0;
    int m_statePartitions = 0;
    bool m_cooperative = false;
    std::map<int32_t, Owned> m_owned;
    Status m_fatal; //!< set by callbacks; the run stops with it
    std::mutex m_deliveryMutex; //!< onDelivery runs on the thread that polls the producer: ours, but be safe
    std::string m_deliveryError;
    //! A unit's delivery report says up to which input offset its partition's units are in the log.
    struct UnitTicket {
        int32_t partition = 0;
        uint64_t to = 0;
    };
    std::map<int32_t, uint64_t> m_unitsDeliveredTo;
    //! A checkpoint being written: complete once its chunks and the units up to its offset are
    //! delivered (a committed checkpoint must never point past what the store can reach).
    struct PendingCheckpoint {
        int32_t partition = 0;
        CheckpointRef ref;
        uint64_t reports = 0; //!< delivery reports of its chunks, failed ones included
        bool failed = false;
    };
    std::list<PendingCheckpoint> m_pending; //!< stable addresses: the chunks' delivery opaques
    std::mt19937_64 m_nonces { std::random_device {}() };
    WorkerReport m_report;
};

} // namespace adclick::core::worker_parts
