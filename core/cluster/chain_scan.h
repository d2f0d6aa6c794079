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

//! For each input partition in `inputs`: the end of the chain of units for (inputTopic, p) found
//! in the aggregate topic `output` (partition p % outputPartitions), 0 when it has none. Reads those
//! aggregate partitions from their beginning to their current end. An aggregate partition whose
//! log no longer starts at 0 is an error: units were lost, the chain's end cannot be known.
Result<std::map<int32_t, uint64_t>> scanChainEnds(const KafkaUri& output,
    const std::vector<std::pair<std::string, std::string>>& properties, const std::string& inputTopic,
    const std::vector<int32_t>& inputs, int outputPartitions);

} // namespace adclick::core
