#pragma once

#include "core/pipeline/engine.h"
#include "core/store/kafka_health.h"
#include "core/base/status.h"
#include "core/store/store.h"

#include <string>
#include <vector>

namespace adclick::core {

struct SegmentSummary {
    int64_t count = 0, bytes = 0, events = 0;
};

struct RejectedLine {
    std::string source;
    int64_t offset = 0;
    std::string reason;
    std::string line;
};

//! Everything `adclick stats` reports, read with a read-only connection.
struct StatsReport {
    EngineConfig settings;
    Counters counters;
    int64_t maxEventMs = kNoTime;
    int64_t watermarkMs = kNoTime;
    int64_t ads = 0;
    int64_t aggRows = 0;
    SegmentSummary raw;
    std::vector<SourcePosition> sources;
    std::vector<RejectedLine> rejectSamples; //!< the first ones, up to the requested limit
    std::vector<KafkaHealth> kafka; //!< as of the last commit of each Kafka source
};

//! The stored Kafka health (tables kafka_sources, kafka_partitions), in the caller's transaction.
Status readKafkaHealth(sqlite3* db, std::vector<KafkaHealth>& out);

Result<StatsReport> readStats(const std::string& dbPath, int rejectSampleLimit = 20);

//! Opens an existing database read-only, with a clear message when it is missing or not ours.
Result<sqlite3*> openReadOnly(const std::string& dbPath);

} // namespace adclick::core
