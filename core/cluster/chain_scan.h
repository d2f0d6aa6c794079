#pragma once
// Where a partition's published units end: what a worker that takes the partition over must
// know before it publishes (docs/SCALING.md, "Recovery").

#include "core/base/status.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

struct KafkaUri;

//! Where the scan of one input partition's chain starts: at input offset `end` (0, or a
//! checkpoint's offset), whose next units are at or after `aggregateFrom` in the aggregate partition.
struct ChainStart {
    uint64_t end = 0;
    int64_t aggregateFrom = 0;
};

//! For each input partition p in `inputs`: the end of the chain of units for (inputTopic, p) found
//! in the aggregate topic `output` (partition p % outputPartitions), followed from its start.
//! Reads those aggregate partitions from the lowest aggregateFrom of their inputs to their current
//! end. An aggregate partition whose log no longer starts there is an error: units were lost, the
//! chain's end cannot be known.
Result<std::map<int32_t, uint64_t>> scanChainEnds(const KafkaUri& output,
    const std::vector<std::pair<std::string, std::string>>& properties, const std::string& inputTopic,
    const std::map<int32_t, ChainStart>& inputs, int outputPartitions);

} // namespace adclick::core
