#pragma once
// The per-request time limit of `adclick serve` (--request-timeout): a query that runs longer is
// interrupted, so one huge scan cannot hold a server thread for minutes.

#include "core/query/query.h"

#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

namespace adclick::core {

//! Watches the queries of running requests on one thread of its own: once a request is older than
//! the limit, its QueryService is interrupted (SQLite's statement and the raw reader's threads stop
//! between frames) and the request learns it timed out. Thread-safe.
//!
//! The interrupt is repeated every kRepeat until the request ends: an interrupt that lands between
//! two statements is forgotten by SQLite, and each QueryService call forgets an earlier one, so a
//! single interrupt could miss a query that goes on.
class RequestWatchdog {
public:
    static constexpr std::chrono::milliseconds kRepeat { 20 };

    //! `limit` 0: no limit (no thread either).
    explicit RequestWatchdog(std::chrono::milliseconds limit);
    ~RequestWatchdog();
    RequestWatchdog(const RequestWatchdog&) = delete;
    RequestWatchdog& operator=(const RequestWatchdog&) = delete;

    std::chrono::milliseconds limit() const { return m_limit; }

private:
    struct Entry {
        QueryService* service;
        std::chrono::steady_clock::time_point deadline;
        bool timedOut = false; //!< the deadline passed (the service has been interrupted)
    };

public:
    //! One request's watch, from watch() to end() (or its destruction).
    class Watch {
    public:
        Watch(Watch&& o) noexcept;
        Watch& operator=(Watch&&) = delete;
        Watch(const Watch&) = delete;
        ~Watch() { end(); }
        //! Stops watching (after it returns, the service is never interrupted by this watch) and
        //! says whether the limit passed, i.e. whether the query may have been interrupted.
        bool end();

    private:
        friend class RequestWatchdog;
        Watch(RequestWatchdog* dog, std::list<Entry>::iterator entry);
        RequestWatchdog* m_dog = nullptr; //!< null: not watched (no limit, or ended)
        std::list<Entry>::iterator m_entry;
        bool m_timedOut = false;
    };

    //! Starts the clock of a request whose queries run on `service` (which must outlive the watch).
    Watch watch(QueryService& service);

private:
    void run();

    const std::chrono::milliseconds m_limit;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::list<Entry> m_entries; //!< a list: each Watch keeps its entry's iterator
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace adclick::core
