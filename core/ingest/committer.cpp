#include "core/ingest/committer.h"

#include "core/store/saved_filters.h"

#include <pthread.h>

namespace adclick::core {

Committer::Committer(Store& store)
    : m_store(store)
    , m_thread([this](std::stop_token stop) { work(stop); })
{ }

Committer::~Committer()
{
    // The store must be free again before the caller uses or closes it.
    std::unique_lock lock(m_mutex);
    (void)drain(lock);
    lock.unlock();
    m_thread.request_stop();
}

void Committer::stage(std::string frames)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Job { std::move(frames), {} });
    }
    m_changed.notify_all();
}

Status Committer::commit(CommitJob job)
{
    std::unique_lock lock(m_mutex);
    // At most one commit in flight: the one before this has to be done first.
    if (Status st = drain(lock); !st) return st;
    m_queue.push_back(Job { {}, std::move(job) });
    lock.unlock();
    m_changed.notify_all();
    return Status::ok();
}

Status Committer::finish()
{
    std::unique_lock lock(m_mutex);
    return drain(lock);
}

Status Committer::drain(std::unique_lock<std::mutex>& lock)
{
    m_changed.wait(lock, [this] { return m_queue.empty() && !m_running; });
    return std::exchange(m_error, Status::ok());
}

bool Committer::busy()
{
    std::lock_guard lock(m_mutex);
    return m_running || !m_queue.empty();
}

std::unique_ptr<Batch> Committer::spareBatch()
{
    std::lock_guard lock(m_mutex);
    return m_spare ? std::move(m_spare) : std::make_unique<Batch>();
}

void Committer::work(std::stop_token stop)
{
    pthread_setname_np(pthread_self(), "adclick-commit"); // how profiles and top name it
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            if (!m_changed.wait(lock, stop, [this] { return !m_queue.empty(); })) return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
            m_running = true;
        }
        Status st = run(job);
        // Here rather than when the engine takes it back: clearing a batch's tables costs time.
        if (job.commit.batch) job.commit.batch->clear();
        {
            std::lock_guard lock(m_mutex);
            m_running = false;
            if (!st) {
                // What was queued after a failed job belongs to batches that can no longer be
                // committed in order: dropped, the error ends the run.
                if (m_error) m_error = std::move(st);
                m_queue.clear();
            }
            if (job.commit.batch) m_spare = std::move(job.commit.batch);
        }
        m_changed.notify_all();
    }
}

Status Committer::run(Job& job)
{
    if (!job.commit.batch) return m_store.stageFrames(job.frames);
    const CommitJob& c = job.commit;
    if (Status st = m_store.commit(*c.batch, c.maxEventMs, c.watermarkMs, c.positions); !st) return st;
    // Another command may have saved or dropped a filter meanwhile; the ingest applies that with
    // nothing in flight (Ingestor::syncSavedFilters), as after every commit with one thread.
    auto rows = listSavedFilters(m_store.connection());
    if (!rows) return rows.status();
    m_filtersChanged = savedFilterStates(*rows) != c.filterStates;
    return Status::ok();
}

} // namespace adclick::core
