#include "core/serve/request_watchdog.h"

#include <algorithm>

namespace adclick::core {

using Clock = std::chrono::steady_clock;

RequestWatchdog::RequestWatchdog(std::chrono::milliseconds limit)
    : m_limit(std::max(limit, std::chrono::milliseconds(0)))
{
    if (m_limit.count() > 0) m_thread = std::thread([this] { run(); });
}

RequestWatchdog::~RequestWatchdog()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

RequestWatchdog::Watch::Watch(RequestWatchdog* dog, std::list<Entry>::iterator entry)
    : m_dog(dog)
    , m_entry(entry)
{ }

RequestWatchdog::Watch::Watch(Watch&& o) noexcept
    : m_dog(o.m_dog)
    , m_entry(o.m_entry)
    , m_timedOut(o.m_timedOut)
{
    o.m_dog = nullptr;
}

bool RequestWatchdog::Watch::end()
{
    if (m_dog) {
        // Under the watchdog's lock: once erased, its thread can no longer reach the service.
        std::lock_guard lock(m_dog->m_mutex);
        m_timedOut = m_entry->timedOut;
        m_dog->m_entries.erase(m_entry);
        m_dog = nullptr;
    }
    return m_timedOut;
}

RequestWatchdog::Watch RequestWatchdog::watch(QueryService& service)
{
    if (m_limit.count() == 0) return Watch(nullptr, {});
    std::list<Entry>::iterator entry;
    {
        std::lock_guard lock(m_mutex);
        entry = m_entries.insert(m_entries.end(), Entry { &service, Clock::now() + m_limit });
    }
    m_wake.notify_all(); // its deadline may be the earliest now
    return Watch(this, entry);
}

void RequestWatchdog::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        const auto now = Clock::now();
        auto next = now + std::chrono::hours(1); // no request: sleep until one is watched
        for (Entry& e : m_entries) {
            if (e.deadline <= now) {
                e.timedOut = true;
                e.service->interrupt();
                next = std::min(next, now + kRepeat);
            } else {
                next = std::min(next, e.deadline);
            }
        }
        m_wake.wait_until(lock, next);
    }
}

} // namespace adclick::core
