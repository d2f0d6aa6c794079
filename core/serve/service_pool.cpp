#include "core/serve/service_pool.h"

#include <algorithm>

namespace adclick::core {

ServicePool::ServicePool(std::string dbPath)
    : m_dbPath(std::move(dbPath))
{ }

ServicePool::~ServicePool() = default;

ServicePool::Lease::Lease(ServicePool* pool, std::unique_ptr<QueryService> s)
    : m_pool(pool)
    , m_service(std::move(s))
{ }

ServicePool::Lease::Lease(Lease&& o) noexcept
    : m_pool(o.m_pool)
    , m_service(std::move(o.m_service))
    , m_discard(o.m_discard)
{ }

ServicePool::Lease::~Lease()
{
    if (m_service) m_pool->giveBack(std::move(m_service), m_discard);
}

Result<ServicePool::Lease> ServicePool::lease()
{
    using R = Result<Lease>;
    std::unique_ptr<QueryService> s;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) return R::error("the server is stopping");
        if (!m_idle.empty()) {
            s = std::move(m_idle.back());
            m_idle.pop_back();
            m_leased.push_back(s.get());
            return R(Lease(this, std::move(s)));
        }
    }
    // Opened outside the lock: opening reads the schema and may wait for a busy database.
    auto opened = QueryService::open(m_dbPath);
    if (!opened) return R(opened.status());
    std::lock_guard lock(m_mutex);
    if (m_stopping) return R::error("the server is stopping");
    m_leased.push_back(opened->get());
    return R(Lease(this, std::move(*opened)));
}

void ServicePool::giveBack(std::unique_ptr<QueryService> s, bool discard)
{
    std::lock_guard lock(m_mutex);
    m_leased.erase(std::remove(m_leased.begin(), m_leased.end(), s.get()), m_leased.end());
    if (!discard && !m_stopping) m_idle.push_back(std::move(s));
    // else: closed here, under the lock, so stop() never interrupts a destroyed service
}

void ServicePool::stop()
{
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (QueryService* s : m_leased)
        s->interrupt();
}

std::size_t ServicePool::openCount() const
{
    std::lock_guard lock(m_mutex);
    return m_idle.size() + m_leased.size();
}

} // namespace adclick::core
