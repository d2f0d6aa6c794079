#pragma once

#include "status.h"

#include <memory>
#include <string>

namespace adclick::core {

//! librdkafka's mock cluster: real Kafka-protocol brokers on 127.0.0.1, kept in this process's
//! memory. An in-memory stand-in for demos and tests, not a production broker: it keeps only
//! ~5 MiB per partition, does not hide aborted transactions, and loses everything when the
//! process ends (RELIABILITY.md lists its limits). Production means a real Kafka cluster.
class EmbeddedBroker {
public:
    ~EmbeddedBroker();
    EmbeddedBroker(const EmbeddedBroker&) = delete;
    EmbeddedBroker& operator=(const EmbeddedBroker&) = delete;

    //! Starts `brokers` brokers and creates `topic` with `partitions` partitions.
    static Result<std::unique_ptr<EmbeddedBroker>> start(
        int brokers, const std::string& topic, int partitions);

    //! The bootstrap list, `127.0.0.1:port,…`.
    const std::string& bootstraps() const { return m_bootstraps; }

private:
    EmbeddedBroker() = default;
    struct Handles;
    std::unique_ptr<Handles> m_handles;
    std::string m_bootstraps;
};

} // namespace adclick::core
