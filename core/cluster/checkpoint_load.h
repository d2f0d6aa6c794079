#pragma once
// Reading a partition checkpoint back from its state topic (core/cluster/checkpoint.h).

#include "core/base/status.h"
#include "core/cluster/checkpoint.h"

#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

//! The checkpoint of input `topic`/`partition` that `ref` points at, read from the state topic on
//! `brokers`. An error when the state partition no longer holds every chunk (retention), a chunk
//! is damaged or missing, or the brokers do not answer: the caller then falls back to reading the
//! partition from offset 0, or refuses it.
Result<PartitionCheckpoint> loadCheckpoint(const std::string& brokers,
    const std::vector<std::pair<std::string, std::string>>& properties, const CheckpointRef& ref,
    const std::string& topic, int32_t partition);

} // namespace adclick::core
