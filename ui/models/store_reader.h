#pragma once

#include "dashboard_types.h"

#include "core/raw_format.h"
#include "core/stats.h"
#include "core/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace adclick::ui {

//! A late or duplicate event read back from the raw segments.
struct UnusualEvent {
    core::RawStatus status = core::RawStatus::Duplicate;
    int64_t timeMs = 0;
    std::string adId, country, userId, ip, clickId;
};

//! Read-only queries for the health views that core::QueryService does not offer (yet): the
//! per-minute accepted/duplicate/late totals (table minute_stats), the stored reject samples, the
//! engine state and the late/duplicate raw events. One connection (read-only, WAL), one thread.
//! Core wish: QueryService::minuteStats / rejects / rawEvents(status) would make this class go.
class StoreReader {
public:
    ~StoreReader();
    StoreReader(const StoreReader&) = delete;
    StoreReader& operator=(const StoreReader&) = delete;

    static core::Result<std::unique_ptr<StoreReader>> open(const std::string& dbPath);

    //! Counters, watermark and newest event time (one read transaction).
    core::Result<core::StoredState> engineState();
    //! [first, end) epoch minutes holding events (0, 0 when none).
    core::Result<std::pair<int64_t, int64_t>> dataMinutes();
    core::Result<std::vector<MinuteStat>> minuteStats(int64_t firstMinute, int64_t endMinute);
    //! The first `limit` stored reject samples (the core keeps the first 1000).
    core::Result<std::vector<core::RejectedLine>> rejects(int limit);
    bool hasKafkaSources();
    //! The newest `limit` late and duplicate events with event time in [fromMs, toMs).
    core::Result<std::vector<UnusualEvent>> unusualEvents(int64_t fromMs, int64_t toMs, std::size_t limit);

private:
    StoreReader() = default;
    std::string m_path;
    sqlite3* m_db = nullptr;
};

} // namespace adclick::ui
