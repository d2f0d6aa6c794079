#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QObject>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

namespace adclick::core {
class QueryService;
}

namespace adclick::ui {

//! Owns a core::QueryService (and a StoreReader) on a thread of its own and turns
//! DashboardRequests into immutable DashboardSnapshots. Requests wait in a latest-wins slot:
//! while one is computed, newer ones replace each other, and a newer request with other
//! parameters interrupts the running one (QueryService::interrupt), whose result is dropped.
class QueryWorker : public QObject {
    Q_OBJECT
public:
    explicit QueryWorker(QObject* parent = nullptr);
    ~QueryWorker() override;

    void submit(DashboardRequest request);
    //! A request is waiting or being computed.
    bool isBusy() const;

    //! The computation itself (also used by tests and exports on their own thread): runs the
    //! queries of `request` with `service`/`reader` (opened on `request.databasePath` if null).
    //! Returns null when interrupted.
    struct Session {
        std::unique_ptr<core::QueryService> service;
        std::unique_ptr<StoreReader> reader;
        QString path;
        // Details are slow to read and change rarely: kept between snapshots.
        std::vector<core::RejectedLine> rejects;
        std::vector<core::SavedFilterInfo> savedFilters;
        std::vector<core::KafkaHealth> kafka;
        bool detailsRead = false;
        //! The last country counts and charts, reused while they are expensive (see compute()).
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
        Session();
        ~Session();
    };
    static SnapshotPtr compute(
        Session& session, const DashboardRequest& request, const std::function<bool()>& superseded = {});

signals:
    void snapshotReady(const adclick::ui::SnapshotPtr& snapshot);

private:
    void loop(std::stop_token stop);

    mutable std::mutex m_mutex;
    std::condition_variable_any m_cv;
    std::optional<DashboardRequest> m_pending;
    bool m_running = false;
    uint64_t m_runningParams = 0;
    core::QueryService* m_service = nullptr; //!< the session's, for interrupt(); guarded by m_mutex
    std::jthread m_thread; //!< last: started after everything above exists
};

} // namespace adclick::ui
