#include "ui/dashboard/query_worker.h"

#include "ui/dashboard/snapshot_builder.h"
#include "ui/dashboard/thread_priority.h"

#include "core/query/query.h"

namespace adclick::ui {

QueryWorker::QueryWorker(QObject* parent)
    : QObject(parent)
    , m_thread([this](std::stop_token stop) { loop(stop); })
{ }

QueryWorker::~QueryWorker()
{
    m_thread.request_stop();
    {
        std::lock_guard lock(m_mutex);
        if (m_service) m_service->interrupt();
    }
    m_cv.notify_all();
    m_thread.join();
}

void QueryWorker::submit(DashboardRequest request)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_running && m_runningParams != request.paramsGeneration && m_service) m_service->interrupt();
        m_pending = std::move(request);
    }
    m_cv.notify_one();
}

bool QueryWorker::isBusy() const
{
    std::lock_guard lock(m_mutex);
    return m_running || m_pending.has_value();
}

void QueryWorker::setHeld(bool held)
{
    {
        std::lock_guard lock(m_mutex);
        m_held = held;
    }
    m_cv.notify_all();
}

void QueryWorker::loop(std::stop_token stop)
{
    lowerThreadPriority(4);
    SnapshotSession session;
    // The session opens and reopens its service inside build() (a replaced file); interrupt()
    // from another thread must never reach one already destroyed.
    session.publishService = [this](core::QueryService* service) {
        std::lock_guard lock(m_mutex);
        m_service = service;
    };
    while (!stop.stop_requested()) {
        DashboardRequest request;
        {
            std::unique_lock lock(m_mutex);
            if (!m_cv.wait(lock, stop, [this] { return m_pending.has_value() && !m_held; })) break;
            request = std::move(*m_pending);
            m_pending.reset();
            m_running = true;
            m_runningParams = request.paramsGeneration;
        }
        const auto superseded = [&] {
            if (stop.stop_requested()) return true;
            std::lock_guard lock(m_mutex);
            return m_pending && m_pending->paramsGeneration != request.paramsGeneration;
        };
        SnapshotPtr snapshot = SnapshotBuilder(session, request, superseded).build();
        {
            std::lock_guard lock(m_mutex);
            m_running = false;
        }
        if (snapshot)
            QMetaObject::invokeMethod(
                this, [this, snapshot] { emit snapshotReady(snapshot); }, Qt::QueuedConnection);
    }
    std::lock_guard lock(m_mutex);
    m_service = nullptr;
}

} // namespace adclick::ui
