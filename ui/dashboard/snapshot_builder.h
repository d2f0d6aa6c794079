#pragma once

#include "ui/dashboard/dashboard_types.h"

#include "core/pipeline/filter_expr.h"

#include <QElapsedTimer>

#include <functional>
#include <memory>

namespace adclick::core {
class QueryService;
}

namespace adclick::ui {

//! The connections of one query thread on one database, and what it keeps between snapshots.
struct SnapshotSession {
    std::unique_ptr<core::QueryService> service;
    std::unique_ptr<StoreReader> reader;
    QString path;
    //! The file `path` named when it was opened: a database removed or replaced since is opened
    //! again (or found missing) instead of read through the old connections.
    uint64_t device = 0, inode = 0;
    // Details are slow to read and change rarely: kept between snapshots.
    std::vector<core::RejectedLine> rejects;
    std::vector<core::SavedFilterInfo> savedFilters;
    std::vector<core::KafkaHealth> kafka;
    std::vector<core::ClusterChain> chains;
    bool detailsRead = false;
    bool savedFiltersRead = false; //!< savedFilters is the database's list (read at least once)
    //! The last country counts and charts, reused while they are expensive (see SnapshotBuilder).
    struct Heavy {
        bool valid = false;
        uint64_t paramsGeneration = 0;
        double ms = 0;
        std::vector<core::CountryCount> countries;
        int64_t firstMinute = 0, endMinute = 0;
        std::vector<DenseSeries> adSeries;
        DenseSeries total;
        std::vector<MinuteStat> minuteStats;
    } heavy;

    //! Told which service another thread may interrupt(): null before the service is destroyed,
    //! the new one once it is open (the owner keeps it under its own lock).
    std::function<void(core::QueryService*)> publishService;

    SnapshotSession();
    ~SnapshotSession();
    //! Opens the connections on `path` unless they are open on it already; the error, or empty.
    QString open(const QString& path);
};

//! Makes one DashboardSnapshot for one request with a session's connections, in named steps:
//! the store state, the details, the filter, the top-N with the window before it, then (when due)
//! the country counts and the charts. `superseded` is asked between steps: a request made stale
//! by a newer one yields no snapshot (null). A failed step yields a snapshot with its error.
class SnapshotBuilder {
public:
    SnapshotBuilder(
        SnapshotSession& session, const DashboardRequest& request, std::function<bool()> superseded = {});
    ~SnapshotBuilder();

    SnapshotPtr build();

private:
    bool stale() const;
    SnapshotPtr finish();
    //! A failed query: null when it was interrupted for a newer request, else the error shown.
    SnapshotPtr failed(const core::Status& status);
    SnapshotPtr openFailed(const QString& error);

    core::Status readStoreState();
    void readDetails();
    //! The saved filters the filter names that the database does not hold (none: empty).
    std::vector<std::string> missingSavedFilters() const;
    core::Status resolveFilter();
    core::Status readTopN();
    //! Country counts and charts are due (cheap, new parameters, or with the details).
    bool heavyDue() const;
    void reuseHeavy();
    void keepHeavy(double ms);
    core::Status readCountries();
    //! The charts' minutes [first, end), or first == end for none.
    std::pair<int64_t, int64_t> chartRange() const;
    core::Status readCharts();
    //! Without data, the charts' axis still spans the view's range (or the last minutes up to
    //! now), never the one of a source shown before.
    void emptyChartRange();
    core::Result<DenseSeries> denseSeries(const std::string& name, std::optional<std::string> ad);

    SnapshotSession& m_session;
    const DashboardRequest& m_request;
    std::function<bool()> m_superseded;
    std::shared_ptr<DashboardSnapshot> m_snapshot;
    core::Filter m_filter; //!< as parsed (saved filters by reference: their own aggregates)
    QElapsedTimer m_timer;
};

} // namespace adclick::ui
