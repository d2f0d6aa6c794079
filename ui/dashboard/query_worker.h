#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QObject>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

namespace adclick::core {
class QueryService;
}

namespace adclick::ui {

//! Owns a SnapshotSession (a core::QueryService and a StoreReader) on a thread of its own and
//! turns DashboardRequests into immutable DashboardSnapshots (SnapshotBuilder). Requests wait in
//! a latest-wins slot: while one is computed, newer ones replace each other, and a newer request
//! with other parameters interrupts the running one (QueryService::interrupt), whose result is
//! dropped.
class QueryWorker : public QObject {
    Q_OBJECT
public:
    explicit QueryWorker(QObject* parent = nullptr);
    ~QueryWorker() override;

    void submit(DashboardRequest request);
    //! A request is waiting or being computed.
    bool isBusy() const;
    //! Tests: while held, requests wait (a query as slow as needed, deterministically); the
    //! newest is computed when released.
    void setHeld(bool held);

signals:
    void snapshotReady(const adclick::ui::SnapshotPtr& snapshot);

private:
    void loop(std::stop_token stop);

    mutable std::mutex m_mutex;
    std::condition_variable_any m_cv;
    std::optional<DashboardRequest> m_pending;
    bool m_running = false;
    bool m_held = false;
    uint64_t m_runningParams = 0;
    core::QueryService* m_service = nullptr; //!< the session's, for interrupt(); guarded by m_mutex
    std::jthread m_thread; //!< last: started after everything above exists
};

} // namespace adclick::ui
