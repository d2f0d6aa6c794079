#pragma once

#include "core/base/status.h"
#include "core/pipeline/batch.h"
#include "core/store/kafka_health.h"
#include "core/store/store.h"
#include "core/store/store_reads.h"

#include <string>
#include <vector>

namespace adclick::core {

struct SegmentSummary {
    int64_t count = 0, bytes = 0, events = 0;
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
    std::vector<ClusterChain> chains; //!< a cluster store's input partitions (none elsewhere)
};

Result<StatsReport> readStats(const std::string& dbPath, int rejectSampleLimit = 20);

} // namespace adclick::core
