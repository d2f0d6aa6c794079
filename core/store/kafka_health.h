#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! One partition of a Kafka source, as the consumer sees it.
struct PartitionHealth {
    int32_t partition = 0;
    int64_t position = 0; //!< next offset to read (what the store holds after the next commit)
    int64_t highWatermark = -1; //!< offset after the newest message on the broker; -1 unknown
    //! highWatermark − position; −1 unknown: the high watermark was not read in the last few
    //! seconds (brokers down, not read yet). Never 0 for unknown.
    int64_t lagMessages = -1;
    //! Event-time lag: newest event time of any partition − newest of this one, while it has
    //! unread messages; 0 when caught up; −1 unknown: its lag in messages is unknown, or it is
    //! behind with no event time of its own (nothing read from it yet; a cluster store's aggregate
    //! partition, whose units carry event times per input partition, see ClusterChain).
    int64_t lagMs = 0;
    int64_t maxEventMs = INT64_MIN; //!< newest event time read from it (kNoTime: none)
    bool idle = false; //!< read to its end and quiet for --idle: not holding the watermark
    //! Wall time highWatermark was read from the brokers (0: not known; not stored: a health read
    //! back from the database is as old as its updatedMs).
    int64_t highWatermarkMs = 0;
};

//! Health of one Kafka source: written with every commit (table kafka_health) and handed to
//! IngestProgress, so `adclick stats` and the GUI show the same state.
struct KafkaHealth {
    std::string source; //!< kafka://brokers/topic
    std::string topic;
    std::string group; //!< the consumer group (offsets are published to it; not stored)
    //! "connected", or "down: <librdkafka's reason>" while no broker answers.
    std::string brokerState = "connected";
    int64_t rebalances = 0; //!< assignment changes (a grown partition count counts as one)
    //! Data-gap alarm: offsets we had not read were removed by retention (never skipped silently).
    std::string gap;
    int64_t transientErrors = 0; //!< retried errors since the start of the run
    std::string lastError; //!< the last of them
    int64_t updatedMs = 0; //!< wall time of this report
    std::vector<PartitionHealth> partitions;

    //! The sum over the partitions; −1 when any partition's lag is unknown (or there are none).
    int64_t lagMessages() const
    {
        int64_t sum = 0;
        for (const PartitionHealth& p : partitions) {
            if (p.lagMessages < 0) return -1;
            sum += p.lagMessages;
        }
        return partitions.empty() ? -1 : sum;
    }
    //! The oldest read of a high watermark among the partitions (0: some never read).
    int64_t lagReadMs() const
    {
        int64_t oldest = partitions.empty() ? 0 : INT64_MAX;
        for (const PartitionHealth& p : partitions)
            oldest = std::min(oldest, p.highWatermarkMs);
        return oldest;
    }
};

//! The sources rows of a cluster store's chains are `cluster:TOPIC/P` (docs/SCALING.md).
inline constexpr std::string_view kClusterChainPrefix = "cluster:";

//! One input partition of a cluster store: how far its chain of units was applied. Read from its
//! sources row, so `adclick stats` and the GUI show what the database holds.
struct ClusterChain {
    std::string topic; //!< the input (click) topic
    int32_t partition = 0;
    int64_t appliedTo = 0; //!< the input offset up to which the partition's units were applied
    int64_t maxEventMs = INT64_MIN; //!< the partition's largest event time (INT64_MIN: none yet)
    bool operator==(const ClusterChain&) const = default;
};

} // namespace adclick::core
