#pragma once
// `ingest --threads N` (N ≥ 2) for an archived file: the store's work — writing raw frames ahead,
// and each batch's commit (raw tail, SQLite upserts of aggregates and rollups, positions) — runs on
// a thread of its own while the engine counts the next batch (ingest_ahead.cpp). The engine hands
// over a sealed batch (Engine::handOff) and goes on with a spare one: a double buffer.
//
// What stays as with one thread: the jobs run in the order they were handed over, each commit is
// the one transaction of Store::commit with the positions its batch reached, and at most one
// commit is in flight (handing over the next waits for it). So the database after a crash is the
// result of a prefix of the input as before, and the raw bytes are the same bytes, written at the
// same points of the input. An error of a job is returned by the next commit() or by finish();
// the jobs queued after it are dropped (their batches were never committed).

#include "core/base/status.h"
#include "core/pipeline/batch.h"
#include "core/store/store.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace adclick::core {

//! One batch to commit, with what Store::commit stores beside it.
struct CommitJob {
    std::unique_ptr<Batch> batch;
    int64_t maxEventMs = kNoTime;
    int64_t watermarkMs = kNoTime;
    std::vector<SourcePosition> positions;
    //! The saved filters' states the ingest counts with (savedFilterStates): after the commit the
    //! committer tells whether the stored ones differ (filtersChanged).
    std::string filterStates;
};

class Committer {
public:
    explicit Committer(Store& store);
    //! Waits for the jobs in flight (their result is lost: call finish() first to see it).
    ~Committer();
    Committer(const Committer&) = delete;
    Committer& operator=(const Committer&) = delete;

    //! Queues raw frames of the open batch to be written ahead (Store::stageFrames).
    void stage(std::string frames);
    //! Waits for the jobs before it, then queues the commit of `job`. Returns the first error of
    //! those jobs instead (and drops `job`).
    Status commit(CommitJob job);
    //! Waits until every queued job is done; the first error since the last commit() or finish().
    //! The store is then the caller's until the next job.
    Status finish();
    //! A job is queued or running.
    bool busy();
    //! A batch for the engine to fill next (Engine::handOff clears it): the last committed one,
    //! so its tables keep their memory, or a new one.
    std::unique_ptr<Batch> spareBatch();
    //! After finish() or commit(): the last commit saw saved filters other than its job's
    //! filterStates (the ingest then syncs them with nothing in flight). Reset by the call.
    bool takeFiltersChanged() { return std::exchange(m_filtersChanged, false); }

private:
    struct Job {
        std::string frames; //!< a stage job: these frames; else `commit`
        CommitJob commit;
    };
    void work(std::stop_token stop);
    //! Runs one job on the worker; false when it failed (m_error set).
    Status run(Job& job);
    //! Waits for the queue to drain (m_mutex held by `lock`).
    Status drain(std::unique_lock<std::mutex>& lock);

    Store& m_store;
    std::mutex m_mutex;
    std::condition_variable_any m_changed;
    std::deque<Job> m_queue;
    bool m_running = false; //!< the worker is running a job taken off the queue
    Status m_error = Status::ok(); //!< the first failed job's, until returned
    bool m_filtersChanged = false;
    std::unique_ptr<Batch> m_spare;
    std::jthread m_thread; //!< last: started once everything above exists
};

} // namespace adclick::core
