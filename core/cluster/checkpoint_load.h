#pragma once
// Reading partition checkpoints back from their state topic (core/cluster/checkpoint.h).

#include "core/base/status.h"
#include "core/cluster/checkpoint.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

class KafkaConsumer;

//! Reads the checkpoints a worker takes over with. One Kafka client per state topic serves every
//! partition of an assignment: a worker taking over many partitions at once (a rebalance) would
//! otherwise connect once per partition inside the rebalance callback.
class CheckpointLoader {
public:
    CheckpointLoader(std::string brokers, std::vector<std::pair<std::string, std::string>> properties);
    ~CheckpointLoader();
    CheckpointLoader(const CheckpointLoader&) = delete;
    CheckpointLoader& operator=(const CheckpointLoader&) = delete;

    //! The checkpoint of input `topic`/`partition` that `ref` points at. An error when the state
    //! partition no longer holds every chunk (retention), a chunk is damaged or missing, or the
    //! brokers do not answer: the caller then falls back to reading the partition from offset 0,
    //! or refuses it.
    Result<PartitionCheckpoint> load(const CheckpointRef& ref, const std::string& topic, int32_t partition);

private:
    Result<KafkaConsumer*> consumerFor(const std::string& stateTopic);

    std::string m_brokers;
    std::vector<std::pair<std::string, std::string>> m_properties;
    std::map<std::string, std::unique_ptr<KafkaConsumer>> m_consumers; //!< by state topic
};

} // namespace adclick::core
