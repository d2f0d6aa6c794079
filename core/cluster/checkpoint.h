#pragma once
// A cluster worker's checkpoint of one input partition (docs/SCALING.md, "Checkpoints"): the
// partition's engine state after its offsets [0, offset). The worker writes it as chunks to a
// state topic, then makes it current by committing `offset` to its consumer group with a
// reference to the chunks as the offset's metadata. Whoever takes the partition over restores it
// and reads the partition again only from `offset`, not from 0, so the partition's log may lose
// its start to retention. The state at an offset is a function of the partition's messages before
// it (docs/semantics.md, "Partitions"), so any complete checkpoint is right, whoever wrote it.

#include "core/base/hash128.h"
#include "core/base/status.h"
#include "core/pipeline/batch.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adclick::core {

class Engine;
class LineParser;

//! A dedup key with the event time it was kept with.
struct CheckpointKey {
    Hash128 identity;
    int64_t timeMs = 0;
};

struct PartitionCheckpoint {
    std::string topic; //!< the input topic
    int32_t partition = 0;
    uint64_t offset = 0; //!< the state after this partition's messages [0, offset)
    EngineConfig config; //!< what it was counted with: a worker with other settings refuses it
    int64_t maxEventMs = kNoTime; //!< the partition's largest event time (its watermark follows)
    int64_t rejectSamples = 0; //!< reject samples published so far (at most Engine::kMaxRejectSamples)
    Counters totals;
    std::string parserState; //!< LineParser::state(): a CSV header carried to the next message
    std::vector<CheckpointKey> keys; //!< the dedup keys at or after the partition's dedup cutoff
};

//! The engine state of `stream` (a worker's engine has one stream per partition) after a unit
//! was published, i.e. with an empty batch.
PartitionCheckpoint captureCheckpoint(const Engine& engine, int stream, const LineParser& parser,
    const std::string& topic, int32_t partition, uint64_t offset);
//! Makes a new engine (built with checkpoint.config, no event seen) and parser continue as the ones
//! captured; returns the partition's stream in `engine`.
int restoreCheckpoint(const PartitionCheckpoint& checkpoint, Engine& engine, LineParser& parser);

//! Where a complete checkpoint is: the metadata of the offset committed to the group.
struct CheckpointRef {
    std::string stateTopic;
    int32_t statePartition = 0;
    int64_t first = 0, last = 0; //!< offsets of its first and last chunk in the state partition
    uint64_t chunks = 0;
    uint64_t nonce = 0; //!< tells this checkpoint's chunks from those of any other
    uint64_t offset = 0; //!< the input offset it is the state at (also the committed offset)
    //! Units from `offset` on are at or after this offset of the aggregate partition: where the
    //! chain scan starts (core/cluster/chain_scan.h).
    int64_t aggregateFrom = 0;
};
std::string formatCheckpointRef(const CheckpointRef& ref);
//! nullopt for metadata that is not a checkpoint reference (none, or another tool's).
std::optional<CheckpointRef> parseCheckpointRef(std::string_view metadata);

//! The checkpoint as state-topic messages of about `chunkBytes` each (at least one).
std::vector<std::string> encodeCheckpoint(
    const PartitionCheckpoint& checkpoint, uint64_t nonce, std::size_t chunkBytes);

//! Collects the chunks of the checkpoint `ref` points at from the state partition's messages;
//! messages of other checkpoints (other partitions, other nonces) are skipped.
class CheckpointAssembler {
public:
    CheckpointAssembler(CheckpointRef ref, std::string topic, int32_t partition);
    //! An error for a chunk of this checkpoint that is damaged.
    Status add(std::string_view message);
    bool complete() const { return m_received == m_ref.chunks; }
    //! The checkpoint, once complete().
    Result<PartitionCheckpoint> take();

private:
    CheckpointRef m_ref;
    PartitionCheckpoint m_checkpoint;
    std::vector<bool> m_have;
    uint64_t m_received = 0;
};

} // namespace adclick::core
