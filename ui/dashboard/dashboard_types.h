#pragma once
// Values that travel between the GUI thread and the workers. Everything here is copied or
// shared as std::shared_ptr<const …>: once published, nothing is modified.

#include "core/ingest/ingest.h"
#include "core/pipeline/engine.h"
#include "core/query/query.h"
#include "core/store/kafka_health.h"
#include "core/store/stats.h"
#include "core/store/store_reader.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adclick::ui {

//! The filter panel's state: a value turned into a core filter expression (the workers parse it).
struct FilterState {
    QStringList countries; //!< checked countries; empty = every country
    QString ip; //!< exact address or CIDR
    QString userId;
    QString saved; //!< name of a saved filter (`@name`)

    bool isEmpty() const
    {
        return countries.isEmpty() && ip.isEmpty() && userId.isEmpty() && saved.isEmpty();
    }
    //! `@saved and country in (…) and ip=… and user_id="…"`; empty for no filter.
    QString expression(bool withCountries = true) const;
    bool operator==(const FilterState&) const = default;
};

//! `text` is what the filter's ip condition takes: an address (1.2.3.4) or a network (10.1.0.0/16).
bool isIpOrNetwork(const QString& text);

//! Where the top-N window ends.
enum class WindowEnd {
    FinalPanes, //!< the end of the newest final pane (the CLI's default `--at`)
    IncludeOpen, //!< live: up to the newest event's minute, open panes included (provisional)
    Explicit, //!< analysis: `atMs`
};

//! What the dashboard shows. The GUI changes it; each change gets a new params generation.
struct ViewParams {
    int topN = 10;
    int windowMinutes = 5;
    WindowEnd windowEnd = WindowEnd::FinalPanes;
    int64_t atMs = 0; //!< WindowEnd::Explicit
    //! Charts: the last chartMinutes up to the newest event (follow), or [rangeFromMs, rangeToMs).
    bool followRange = true;
    int chartMinutes = 30;
    int64_t rangeFromMs = 0, rangeToMs = 0;
    std::string filter; //!< core filter expression (empty: all clicks)
    std::string countryBaseFilter; //!< the same without the country condition (for country counts)
    std::vector<std::string> selectedAds;
};

//! The ingest as the IngestWorker last saw it.
struct IngestStatus {
    enum class State { Idle, Opening, Running, Stopping, Finished, Cancelled, Failed };
    State state = State::Idle;
    uint64_t run = 0; //!< run number: results of an older run are ignored
    QString source; //!< display name
    bool live = false;
    QString message; //!< Failed: what went wrong
    QStringList warnings; //!< the latest few
    //! When the run ended: what looks wrong with the input (core::judgeRun), worded for the window —
    //! every line rejected, an empty file, many late clicks. noticeIsError: nothing was counted.
    QStringList notices;
    bool noticeIsError = false;
    //! The notices are about how the file's lines are read (all rejected, empty, no click line):
    //! the import preview shows why.
    bool previewHelps = false;
    //! The run created the database and it held no click when the run ended: it was removed
    //! (nothing is left behind for a source without clicks). `rejects` keeps its reject samples.
    bool databaseRemoved = false;
    std::vector<core::RejectedLine> rejects;
    bool hasProgress = false;
    core::IngestProgress progress;
    double linesPerSecond = 0; //!< over the last second or so
    double bytesPerSecond = 0;
    uint64_t totalBytes = 0; //!< Archive: estimated input bytes (0 unknown)
    double fraction = -1; //!< Archive: 0..1, -1 unknown
    double etaSeconds = -1;
    int64_t wallMs = 0; //!< when this was made

    bool active() const
    {
        return state == State::Opening || state == State::Running || state == State::Stopping;
    }
};
QString ingestStateName(IngestStatus::State state);

struct TopRow {
    std::string adId;
    int64_t clicks = 0;
    int64_t previous = 0; //!< clicks in the window before
    double share = 0; //!< of every click in the window (filtered)
    int rank = 0; //!< 1-based
    //! Change of the click rate against the window before: 0.05 = 5 % more clicks per minute.
    //! Equal spans compare the counts; a window with the open minute (partial) compares rates,
    //! the open minute counting for the event time it covers so far.
    double change = 0;
    bool byRate = false; //!< the window is partial: `change` compares rates, not counts
    bool operator==(const TopRow&) const = default;
};

using core::kMinuteMs;
using core::kNoTime;
using core::MinuteStat;
using core::StoreReader;
using core::UnusualEvent;

//! A per-minute series over the snapshot's chart range: values[i] is minute firstMinute + i.
struct DenseSeries {
    std::string name;
    std::vector<int64_t> values;
};

//! One published state of the dashboard.
struct DashboardSnapshot {
    uint64_t generation = 0;
    uint64_t paramsGeneration = 0;
    ViewParams params;
    QString databasePath;
    QString error; //!< the query failed (bad filter, unreadable database, …); the rest is empty
    bool errorIsFilter = false; //!< the error is the filter's (shown at the filter, not as a banner)
    bool noData = false; //!< the database does not exist yet or holds no event
    //! Published at once when a source is opened, before anything of it was read: every view
    //! shows the new source (empty) instead of the old one's data.
    bool placeholder = false;
    //! Saved filters the view's filter names that the database does not hold (then `error` says
    //! so, unless the database is not there at all). After a source switch the controller drops
    //! them from the filter and says so.
    std::vector<std::string> missingSavedFilters;
    std::string filterCanonical; //!< resolved (saved filters expanded), as the CLI prints it

    // Top-N over the panes [atMs − windowMinutes, atMs).
    std::optional<int64_t> atMs;
    std::vector<TopRow> top;
    int64_t windowTotal = 0, previousTotal = 0;
    int64_t windowSpanMs = 0; //!< event time the window covers (less than its minutes when partial)
    std::vector<core::CountryCount> countries; //!< over the top-N window, without country conditions

    // Charts over [firstMinute, endMinute).
    int64_t firstMinute = 0, endMinute = 0;
    std::vector<DenseSeries> adSeries; //!< one per selected ad, in selection order
    DenseSeries total;
    std::vector<MinuteStat> minuteStats; //!< all clicks (minute_stats has no filter dimension)

    // Store state.
    core::Counters counters;
    int64_t watermarkMs = core::kNoTime, maxEventMs = core::kNoTime;
    int64_t dataFirstMinute = 0, dataEndMinute = 0; //!< minutes holding events (0/0: none)
    //! The first minute with a counted click (unset: none yet); the clicks charts start there.
    std::optional<int64_t> firstClickMinute;
    std::vector<core::KafkaHealth> kafka;
    //! A cluster store's input partitions: how far each one's units were applied (none for any
    //! other database).
    std::vector<core::ClusterChain> chains;
    std::vector<core::RejectedLine> rejects;
    std::vector<core::SavedFilterInfo> savedFilters;
    IngestStatus ingest;
    double queryMs = 0;
    int64_t wallMs = 0;
};

using SnapshotPtr = std::shared_ptr<const DashboardSnapshot>;

//! Everything the QueryWorker needs for one snapshot.
struct DashboardRequest {
    uint64_t generation = 0;
    uint64_t paramsGeneration = 0;
    QString databasePath;
    ViewParams params;
    bool withDetails = true; //!< rejects, saved filters, Kafka health from the store
    IngestStatus ingest;
};

} // namespace adclick::ui
