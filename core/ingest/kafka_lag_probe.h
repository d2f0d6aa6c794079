#pragma once

#include "core/base/status.h"
#include "core/ingest/kafka_source.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

//! The newest high watermarks a KafkaLagProbe read, per partition.
struct KafkaWatermarks {
    std::vector<int64_t> high; //!< offset after the newest message; -1 never read
    std::vector<int64_t> readMs; //!< wall time it was read (0: never)
    int brokers = 0; //!< distinct brokers in the last metadata (0: not known)
    std::string error; //!< why the last round failed ("" when it did not)
};

//! Asks the brokers for the topic's high watermarks about every `intervalMs`, on a thread and a
//! client of its own (no group, no fetching): lag is then known while the consumer is stopped
//! (a paused source) and is known to be stale when the brokers do not answer, instead of the
//! consumer's cached figures, which stay as they were when the brokers went away.
//! Destruction never waits: the thread ends and closes its client in the background.
class KafkaLagProbe {
public:
    static constexpr int kIntervalMs = 1000;
    //! A read older than this is stale: the lag is unknown.
    static constexpr int64_t kFreshMs = 5000;

    ~KafkaLagProbe();
    KafkaLagProbe(const KafkaLagProbe&) = delete;
    KafkaLagProbe& operator=(const KafkaLagProbe&) = delete;

    static Result<std::unique_ptr<KafkaLagProbe>> start(const KafkaUri& uri,
        const std::vector<std::pair<std::string, std::string>>& properties, int intervalMs = kIntervalMs);

    KafkaWatermarks latest() const;

    struct Shared;

private:
    KafkaLagProbe() = default;
    std::shared_ptr<Shared> m_shared;
};

} // namespace adclick::core
