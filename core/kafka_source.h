#pragma once

#include "status.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adclick::core {

//! `kafka://host:port[,host:port]/topic[?group=NAME]`
struct KafkaUri {
    std::string brokers;
    std::string topic;
    std::string group = "adclick";
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
    //! and bad properties (passed to librdkafka as they are).
    static Result<std::unique_ptr<KafkaConsumer>> open(const KafkaUri& uri,
        const std::vector<std::pair<std::string, std::string>>& properties, int connectTimeoutMs = 10'000);

    int partitionCount() const;

    //! Starts reading every partition at its offset (kOffsetBeginning for a new partition).
    Status assign(const std::map<int32_t, int64_t>& startOffsets);
    static constexpr int64_t kOffsetBeginning = -2;

    KafkaEvent poll(int timeoutMs);

private:
    KafkaConsumer() = default;
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace adclick::core
