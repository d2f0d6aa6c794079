#pragma once

#include "core/base/status.h"

#include <memory>
#include <string>
#include <string_view>

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

    //! Another topic (a cluster's aggregate topic, say) with `partitions` partitions.
    Status createTopic(const std::string& topic, int partitions);

    //! The bootstrap list, `127.0.0.1:port,…`.
    const std::string& bootstraps() const { return m_bootstraps; }

    //! Fault injection for chaos tests and demos (the mock cluster's own controls), one command:
    //!   down B | up B           take broker B (1..n) off the network / back (it keeps leadership)
    //!   rtt B MS                add MS milliseconds of round-trip time to broker B
    //!   leader P B              move the leadership of partition P of the topic to broker B
    //!   errors API N ERROR      fail the next N requests of API (produce, fetch, list_offsets,
    //!                           metadata, offset_commit, offset_fetch, find_coordinator) with
    //!                           ERROR, a Kafka error name such as NOT_LEADER_FOR_PARTITION
    //! A clear error for anything else.
    Status control(std::string_view command);

private:
    EmbeddedBroker() = default;
    struct Handles;
    std::unique_ptr<Handles> m_handles;
    std::string m_bootstraps;
    std::string m_topic;
    int m_brokers = 0;
    int m_partitions = 0;
};

} // namespace adclick::core
