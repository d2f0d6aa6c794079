#pragma once

#include "core/base/status.h"
#include "core/store/kafka_health.h"
#include "core/store/store.h"

#include <cstdint>
#include <string>
#include <vector>

// Reads of the store's tables shared by the writer (on open), `adclick stats` and the readers.
// Each runs inside the caller's transaction, if any.

namespace adclick::core {

namespace sql {
class Connection;
}

struct RejectedLine {
    std::string source;
    int64_t offset = 0;
    std::string reason;
    std::string line;
};

//! The settings, watermark and counters of `s` (the meta and counters tables).
Status readEngineState(const sql::Connection& conn, StoredState& s);

//! The stored source positions, by id.
Result<std::vector<SourcePosition>> readSources(const sql::Connection& conn);
//! Adds the stored parser states to `sources` (the writer's connection: the table may be missing
//! in a database of an older version that only a reader opened).
Status readParserStates(const sql::Connection& conn, std::vector<SourcePosition>& sources);

//! The first `limit` stored reject samples (the engine keeps the first 1000).
Result<std::vector<RejectedLine>> readRejects(const sql::Connection& conn, int limit);

//! The stored Kafka health (tables kafka_sources, kafka_partitions).
Status readKafkaHealth(const sql::Connection& conn, std::vector<KafkaHealth>& out);

//! A cluster store's chains (sources rows `cluster:TOPIC/P`) by topic and partition; none in any
//! other database.
Result<std::vector<ClusterChain>> readClusterChains(const sql::Connection& conn);

} // namespace adclick::core
