#pragma once
// The read-only QueryServices of `adclick serve`: a QueryService is used by one thread at a time,
// and the server answers on several, so each request leases one for its duration.

#include "core/base/status.h"
#include "core/query/query.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace adclick::core {

//! Owns every QueryService it opened: idle ones in a free list, leased ones lent to exactly one
//! request (thread) until its Lease ends. Opens a new service when none is idle, so it holds at
//! most as many as requests ever ran at once (bounded by the server's threads). Thread-safe.
//! Lifetime: the pool must outlive its leases (the server stops its threads before destroying it).
class ServicePool {
public:
    explicit ServicePool(std::string dbPath);
    ~ServicePool();
    ServicePool(const ServicePool&) = delete;
    ServicePool& operator=(const ServicePool&) = delete;

    //! One service for one thread; returned to the pool when it ends, or closed with discard()
    //! (after an error: the next request opens a fresh connection, e.g. to a replaced database).
    class Lease {
    public:
        Lease(Lease&& o) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        QueryService& operator*() const { return *m_service; }
        QueryService* operator->() const { return m_service.get(); }
        void discard() { m_discard = true; }

    private:
        friend class ServicePool;
        Lease(ServicePool* pool, std::unique_ptr<QueryService> s);
        ServicePool* m_pool;
        std::unique_ptr<QueryService> m_service;
        bool m_discard = false;
    };

    //! An idle service, or a newly opened one; the open's error (missing or foreign database),
    //! or "the server is stopping" after stop().
    Result<Lease> lease();

    //! Interrupts every leased query (they return an error soon) and refuses new leases, so the
    //! server's threads finish quickly. Any thread.
    void stop();

    //! Services open now (idle and leased), for tests.
    std::size_t openCount() const;

private:
    void giveBack(std::unique_ptr<QueryService> s, bool discard);

    const std::string m_dbPath;
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<QueryService>> m_idle;
    std::vector<QueryService*> m_leased; //!< lent out now; only for stop()'s interrupt
    bool m_stopping = false;
};

} // namespace adclick::core
