#include "ui/dashboard/job_tracker.h"

namespace adclick::ui {

JobTracker::JobTracker(QThreadPool* pool, QObject* parent)
    : QObject(parent)
    , m_pool(pool)
{ }

void JobTracker::reset()
{
    ++m_currentId;
    m_running = false;
}

bool JobTracker::accept(uint64_t id)
{
    if (id == m_currentId) {
        m_running = false;
        return true;
    }
    ++m_dropped;
    emit resultDropped(id);
    return false;
}

} // namespace adclick::ui
