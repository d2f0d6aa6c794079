#pragma once

#include <QMetaObject>
#include <QObject>
#include <QThreadPool>

#include <cstdint>
#include <utility>

namespace adclick::ui {

//! One kind of background job (in the style of hotspot's JobTracker): start() gives each job a
//! new id and runs it on a thread pool; its result is handed to `apply` on this object's thread
//! only if that id is still the current one. A newer start() or a reset() (a source switch) makes
//! older ids stale: their results are dropped when they arrive, however late. A stale job is not
//! interrupted (a saved filter it writes is written), only its answer is ignored.
//!
//! The pool must be drained (QThreadPool::waitForDone) before the tracker is destroyed.
class JobTracker : public QObject {
    Q_OBJECT
public:
    JobTracker(QThreadPool* pool, QObject* parent = nullptr);

    //! Runs `job()` on the pool; then `apply(result)` here if the job is still current. Both
    //! must be copyable; the result is copied once into the queued call.
    template <typename Job, typename Apply> uint64_t start(Job job, Apply apply);
    //! Makes the running job stale (its result will be dropped).
    void reset();

    //! A current job has not answered yet.
    bool isRunning() const { return m_running; }
    uint64_t currentId() const { return m_currentId; }
    //! Results dropped as stale so far.
    int droppedResults() const { return m_dropped; }

signals:
    void resultDropped(quint64 id);

private:
    //! True (and the job no longer running) when `id` is current; counts a drop otherwise.
    bool accept(uint64_t id);

    QThreadPool* m_pool;
    uint64_t m_currentId = 0;
    bool m_running = false;
    int m_dropped = 0;
};

template <typename Job, typename Apply> uint64_t JobTracker::start(Job job, Apply apply)
{
    const uint64_t id = ++m_currentId;
    m_running = true;
    m_pool->start([this, id, job = std::move(job), apply = std::move(apply)]() mutable {
        auto result = job();
        QMetaObject::invokeMethod(
            this,
            [this, id, result = std::move(result), apply]() mutable {
                if (accept(id)) apply(std::move(result));
            },
            Qt::QueuedConnection);
    });
    return id;
}

} // namespace adclick::ui
