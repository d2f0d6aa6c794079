#pragma once

#include "core/base/status.h"
#include "core/pipeline/raw_format.h"
#include "core/store/connection.h"
#include "core/store/store.h"
#include "core/store/store_reads.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adclick::core {

//! Accepted, duplicate and late events of one event-time minute (all clicks, no filter).
struct MinuteStat {
    int64_t minute = 0;
    int64_t accepted = 0, duplicates = 0, late = 0;
    bool operator==(const MinuteStat&) const = default;
};

//! A late or duplicate event read back from the raw segments.
struct UnusualEvent {
    RawStatus status = RawStatus::Duplicate;
    int64_t timeMs = 0;
    std::string adId, country, userId, ip, clickId;
};

//! Read-only queries for health views (the GUI's), next to QueryService's click queries: the
//! per-minute accepted/duplicate/late totals (table minute_stats), the stored reject samples, the
//! engine state and the late/duplicate raw events. One connection (read-only, WAL), one thread.
class StoreReader {
public:
    ~StoreReader();
    StoreReader(const StoreReader&) = delete;
    StoreReader& operator=(const StoreReader&) = delete;

    static Result<std::unique_ptr<StoreReader>> open(const std::string& dbPath);

    //! Counters, watermark and newest event time (one read transaction).
    Result<StoredState> engineState();
    //! [first, end) epoch minutes holding events (0, 0 when none).
    Result<std::pair<int64_t, int64_t>> dataMinutes();
    //! The first epoch minute with a counted click (of all clicks), or none: minutes before it
    //! hold only late (dropped) or duplicate events.
    Result<std::optional<int64_t>> firstClickMinute();
    Result<std::vector<MinuteStat>> minuteStats(int64_t firstMinute, int64_t endMinute);
    //! The first `limit` stored reject samples (the core keeps the first 1000).
    Result<std::vector<RejectedLine>> rejects(int limit);
    bool hasKafkaSources();
    //! A cluster store's input partitions and how far each was applied (none elsewhere).
    Result<std::vector<ClusterChain>> clusterChains();
    //! The `limit` late and duplicate events with the largest event times in [fromMs, toMs), in
    //! event-time order (equal times in storage order).
    Result<std::vector<UnusualEvent>> unusualEvents(int64_t fromMs, int64_t toMs, std::size_t limit);

private:
    StoreReader() = default;
    std::string m_path;
    sql::Connection m_conn;
};

} // namespace adclick::core
