#pragma once

#include "core/base/status.h"
#include "core/pipeline/filter_expr.h"
#include "core/store/connection.h"
#include "core/store/raw_reader.h"
#include "core/store/saved_filters.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

struct AdCount {
    std::string adId;
    int64_t clicks = 0;
    bool operator==(const AdCount&) const = default;
};

//! Top ads over the panes [atMs − windowMinutes, atMs).
struct PopularResult {
    std::optional<int64_t> atMs; //!< the window's end; nullopt when no --at and no watermark yet
    int64_t windowMinutes = 0;
    std::vector<AdCount> top; //!< clicks descending, ties by ad_id ascending (byte order)
};

//! popular's top with what a dashboard shows beside it: the window just before it (the same
//! length, ending where this one starts).
struct PopularComparison {
    PopularResult current;
    std::vector<int64_t> previous; //!< per row of current.top: its clicks in the window before
    int64_t total = 0; //!< clicks of every ad in the window (not only the top)
    int64_t previousTotal = 0; //!< the same in the window before
};

struct SeriesRow {
    int64_t minute = 0; //!< epoch minutes
    std::string adId;
    int64_t clicks = 0;
    bool operator==(const SeriesRow&) const = default;
};

//! Per-minute clicks over [fromMs, toMs) (whole minutes); only minutes and ads with clicks.
struct Series {
    int64_t fromMs = 0, toMs = 0;
    std::vector<SeriesRow> rows; //!< by minute, then ad_id (byte order)
};

struct CountryCount {
    std::string country;
    int64_t clicks = 0;
    bool operator==(const CountryCount&) const = default;
};

struct SavedFilterInfo {
    int64_t id = 0;
    std::string name, expr, state; //!< state: savedFilterStateName's text ("pending", "ready", …)
    int64_t createdMs = 0;
};

//! How a filter is answered: from the aggregates of one filter_id (plus a country condition)
//! for whole minutes, otherwise by scanning raw events.
struct QueryPlan {
    Filter filter; //!< resolved: no saved references
    bool fromAggregates = false;
    int64_t filterId = 0;
    std::string countrySql; //!< extra condition on agg.country; empty for none
};

//! Read-only queries on an AdClick database (one SQLite connection, opened read-only, WAL: it
//! never blocks the writer). Every call reads in one transaction, so the aggregates and the
//! committed raw events it combines describe the same prefix of the input even while an ingest
//! runs. Use one instance from one thread at a time (a GUI worker thread owns it); only
//! interrupt() may be called from another thread.
//!
//! Exactness: whole minutes come from the aggregates when the filter allows (no filter, country
//! conditions, or a ready saved filter — by reference or by equal conditions — optionally with
//! extra country conditions); everything else (ip/user_id conditions, partial edge minutes) is
//! counted from the raw events with status A or U. So every answer equals a count over the raw
//! events.
class QueryService {
public:
    ~QueryService();
    QueryService(const QueryService&) = delete;
    QueryService& operator=(const QueryService&) = delete;

    //! Errors: "database 'F' does not exist", "'F' is not an AdClick database (…)", schema mismatch.
    static Result<std::unique_ptr<QueryService>> open(const std::string& dbPath);

    const std::string& path() const { return m_path; }

    //! Replaces `@name` references by the saved filters' conditions; an unknown name is an error.
    Result<Filter> resolve(const Filter& filter);
    //! How `filter` would be answered (exposed for tests and diagnostics).
    Result<QueryPlan> plan(const Filter& filter);

    //! Clicks of `adId` with event time in [fromMs, toMs) (any alignment: exact). An ad the
    //! database has never seen counts 0. fromMs < toMs.
    Result<int64_t> count(std::string_view adId, int64_t fromMs, int64_t toMs, const Filter& filter);

    //! The `n` ads with the most clicks over the panes [T − windowMinutes, T). T = `atMs` rounded
    //! down to the minute, or by default the end of the newest final pane,
    //! floor(watermark_ms / 1 min) · 1 min. Ads without clicks are not listed. n, windowMinutes > 0.
    Result<PopularResult> popular(
        int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter);

    //! popular(n, windowMinutes, atMs, filter) with each listed ad's clicks in the window before
    //! and both windows' totals, from one read transaction. Where the rollups answer the filter
    //! (no ip/user_id condition, no extra country condition), that reads the top ads' rows and a
    //! dozen bucket totals (schema version 7); otherwise it counts every ad of both windows.
    Result<PopularComparison> popularWithPrevious(
        int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter);

    //! Per-minute clicks over [fromMs, toMs) widened to whole minutes (from rounded down, to up),
    //! for one ad or all.
    Result<Series> series(
        int64_t fromMs, int64_t toMs, std::optional<std::string> adId, const Filter& filter);

    //! Clicks per country in [fromMs, toMs) (exact, like count), clicks descending then country;
    //! for one ad or all.
    Result<std::vector<CountryCount>> countries(
        int64_t fromMs, int64_t toMs, std::optional<std::string> adId, const Filter& filter);

    //! meta.watermark_ms; nullopt before the first event.
    Result<std::optional<int64_t>> watermark();
    Result<std::vector<SavedFilterInfo>> savedFilters();

    //! Makes the call running now return an "interrupted" error soon. Any thread.
    void interrupt();

private:
    //! [first, end) narrowed to the minutes that have aggregates of `filterId`.
    std::pair<int64_t, int64_t> clampMinutes(int64_t filterId, int64_t first, int64_t end);
    QueryService() = default;
    //! Starts the read transaction of one call (and forgets an earlier interrupt).
    sql::ReadTransaction beginRead();
    Result<Filter> resolveWith(const Filter& filter, const std::vector<SavedFilterRow>& saved);
    Result<QueryPlan> planLocked(const Filter& filter);
    Result<std::optional<int64_t>> adKey(std::string_view adId);
    //! Which ads a per-ad call covers: all (no id), one key, or none (an ad never seen).
    struct AdScope {
        std::optional<int64_t> key; //!< unset: every ad
        bool unknown = false; //!< the ad was never seen: the answer is empty
    };
    Result<AdScope> adScope(const std::optional<std::string>& adId);
    Result<std::optional<int64_t>> watermarkLocked();
    //! popular() inside the caller's read transaction.
    Result<PopularResult> popularLocked(
        int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter);
    //! popularWithPrevious() from the rollups and their totals; nullopt when they cannot answer.
    Result<std::optional<PopularComparison>> comparisonFromRollups(
        int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter);
    //! Counted raw events in `ranges` that pass the plan's filter (and are of `adId` if set), handed
    //! to `fn` one at a time but in any order and possibly from a helper thread of the reader.
    Status scanRaw(const std::vector<TimeRange>& ranges, const Filter& filter,
        std::optional<std::string_view> adId, const RawReader::Callback& fn);
    Status interrupted() const;

    std::string m_path;
    sql::Connection m_conn;
    std::unique_ptr<RawReader> m_raw;
    std::atomic<bool> m_interrupt { false };
};

} // namespace adclick::core
