#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace adclick::core {

//! One partition of a Kafka source, as the consumer sees it.
struct PartitionHealth {
    int32_t partition = 0;
    int64_t position = 0; //!< next offset to read (what the store holds after the next commit)
    int64_t highWatermark = -1; //!< offset after the newest message on the broker; -1 unknown
    int64_t lagMessages = 0; //!< highWatermark − position (0 when unknown)
    //! Event-time lag: newest event time of any partition − newest of this one, while it has
    //! unread messages; 0 when caught up.
    int64_t lagMs = 0;
    int64_t maxEventMs = INT64_MIN; //!< newest event time read from it (kNoTime: none)
    bool idle = false; //!< read to its end and quiet for --idle: not holding the watermark
};

//! Health of one Kafka source: written with every commit (table kafka_health) and handed to
//! IngestProgress, so `adclick stats` and the GUI show the same state.
struct KafkaHealth {
    std::string source; //!< kafka://brokers/topic
    std::string topic;
    //! "connected", or "down: <librdkafka's reason>" while no broker answers.
    std::string brokerState = "connected";
    int64_t rebalances = 0; //!< assignment changes (a grown partition count counts as one)
    //! Data-gap alarm: offsets we had not read were removed by retention (never skipped silently).
    std::string gap;
    int64_t transientErrors = 0; //!< retried errors since the start of the run
    std::string lastError; //!< the last of them
    int64_t updatedMs = 0; //!< wall time of this report
    std::vector<PartitionHealth> partitions;

    int64_t lagMessages() const
    {
        int64_t sum = 0;
        for (const PartitionHealth& p : partitions)
            sum += p.lagMessages;
        return sum;
    }
};

} // namespace adclick::core
