#pragma once
// Shared by the Kafka producer and consumer (core-internal: it exposes librdkafka types).

#include "core/base/status.h"

#include <functional>
#include <librdkafka/rdkafka.h>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

//! A client configuration: bootstrap servers, then our defaults, then the user's properties
//! (which override the defaults); a bad property is a clear error naming it.
Result<rd_kafka_conf_t*> makeKafkaConf(
    const std::string& brokers, const KafkaProperties& defaults, const KafkaProperties& user);

//! Asks the brokers for `topic`: its partition count, or a clear error when the brokers cannot be
//! reached within the timeout or the topic does not exist (never creating it). With
//! `brokerCount`, also the number of distinct brokers of the cluster.
//! `cancelled`, when given, is asked every ~100 ms: true ends the wait at once (an error).
Result<int> topicPartitionCount(rd_kafka_t* rk, const std::string& brokers, const std::string& topic,
    int timeoutMs, int* brokerCount = nullptr, const std::function<bool()>& cancelled = {});

//! Destroys a client on a thread of its own, without the consumer close (no group leave, no
//! final offset commit): with the brokers down librdkafka's close waits 30–45 s for requests
//! that cannot be answered, and a source switch must not. That skips nothing that counts: the
//! offsets that count are in the store, committed with the aggregates; the group's offsets are
//! only published for other tools. The process waits for these threads at exit, bounded
//! (waitForKafkaClosers).
//! `keepAlive` (the client's opaque, say) is released only after the destroy.
void closeKafkaClientInBackground(rd_kafka_t* rk, std::shared_ptr<void> keepAlive = {});
//! Counts a background task that uses librdkafka (a closer, a lag probe): begin before it
//! starts, end when it is done.
void beginKafkaBackgroundTask();
void endKafkaBackgroundTask();
//! Waits up to `timeoutMs` for the background tasks; false when some are still running.
bool waitForKafkaClosers(int timeoutMs);

//! librdkafka's "N/M brokers are down" counts its connections (the bootstrap addresses and the
//! brokers learnt from metadata, one broker often twice): the text to show instead, "all K
//! brokers are down", K the cluster's distinct brokers (`known`, or when 0 the distinct
//! addresses of the bootstrap list `brokers`).
std::string allBrokersDownText(const std::string& brokers, int known);

} // namespace adclick::core
