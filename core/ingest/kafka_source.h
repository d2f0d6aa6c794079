#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adclick::core {

//! `kafka://host:port[,host:port]/topic[?group=NAME][&kind=aggregates]`
struct KafkaUri {
    std::string brokers;
    std::string topic;
    std::string group = "adclick";
    bool aggregates = false; //!< ?kind=aggregates: a cluster's aggregate topic (docs/SCALING.md)
};
inline bool isKafkaUri(std::string_view s)
{
    return s.rfind("kafka://", 0) == 0;
}
Result<KafkaUri> parseKafkaUri(std::string_view text);

//! One poll result of KafkaConsumer.
struct KafkaEvent {
    enum Kind { None, Message, PartitionEnd, Transient, Gap } kind = None;
    int32_t partition = 0;
    int64_t offset = 0;
    std::string_view value; //!< Message: valid until the next poll
    std::string error; //!< Transient / Gap: what happened
};

//! A Kafka consumer with manual assignment: the partitions' start offsets come from the store
//! (that is where exactly-once lives), never from the group. Offsets out of range are reported as a
//! data gap (auto.offset.reset=error): never a silent reset.
class KafkaConsumer {
public:
    ~KafkaConsumer();
    KafkaConsumer(const KafkaConsumer&) = delete;
    KafkaConsumer& operator=(const KafkaConsumer&) = delete;

    //! Connects and looks the topic up; clear messages for unreachable brokers, a missing topic
    //! and bad properties (passed to librdkafka as they are). `cancelled` (asked every ~100 ms)
    //! ends the wait for brokers that do not answer.
    static Result<std::unique_ptr<KafkaConsumer>> open(const KafkaUri& uri,
        const std::vector<std::pair<std::string, std::string>>& properties, int connectTimeoutMs = 10'000,
        const std::function<bool()>& cancelled = {});

    int partitionCount() const;

    //! Starts reading every partition at its offset (kOffsetBeginning for a new partition).
    //! Called again (with the current positions) when the partition count has grown.
    Status assign(const std::map<int32_t, int64_t>& startOffsets);
    static constexpr int64_t kOffsetBeginning = -2;

    KafkaEvent poll(int timeoutMs);
    //! Up to `max` events in one call, waiting up to timeoutMs for the first; their values stay
    //! valid until the next poll or pollBatch.
    void pollBatch(int timeoutMs, std::size_t max, std::vector<KafkaEvent>& out);

    //! Asks the brokers for the topic's partition count again (bounded by timeoutMs); keeps the
    //! known count when they do not answer. Returns the count.
    int refreshPartitionCount(int timeoutMs);

    //! The oldest offset still in `partition`'s log, asked from the brokers (bounded by timeoutMs).
    Result<int64_t> logStart(int32_t partition, int timeoutMs);

    //! The oldest offset and the newest + 1 of `partition`, asked from the brokers.
    Result<std::pair<int64_t, int64_t>> offsetRange(int32_t partition, int timeoutMs);

    //! The newest offset + 1 the brokers reported for `partition` with the last fetch; -1 unknown.
    int64_t highWatermark(int32_t partition) const;

    //! "connected", or "down: all N brokers are down" (N the cluster's distinct brokers) after
    //! librdkafka reported every broker down and no message has arrived since.
    const std::string& brokerState() const;
    //! Client errors librdkafka retries by itself (connection refused, timeouts, …), counted by
    //! the error callback; they never stop the consumer.
    int64_t clientErrors() const;
    const std::string& lastClientError() const;

    //! Commits `nextOffsets` (partition → next offset to read) to the group, asynchronously and
    //! only for other tools to see lag: the store's offsets are the ones that count.
    void commitToGroup(const std::map<int32_t, int64_t>& nextOffsets);

private:
    KafkaConsumer() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace adclick::core
