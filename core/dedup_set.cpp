#include "dedup_set.h"

#include "big_alloc.h"

#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

namespace adclick::core {

Hash128 clickIdentity(std::string_view adId, int64_t timeMs, std::string_view userId, std::string_view ip,
    std::string_view clickId, std::string& scratch)
{
    scratch.clear();
    if (!clickId.empty()) {
        scratch.push_back('c');
        scratch.append(clickId);
    } else {
        // Fields cannot contain NUL (the parser rejects control bytes), so NUL separates them.
        scratch.push_back('t');
        scratch.append(adId);
        scratch.push_back('\0');
        char t[8];
        std::memcpy(t, &timeMs, 8);
        scratch.append(t, 8);
        scratch.append(userId);
        scratch.push_back('\0');
        scratch.append(ip);
    }
    Hash128 h = hash128(scratch.data(), scratch.size());
    if (h.lo == 0 && h.hi == 0) h.lo = 1; // keep the all-zero value free as the empty-slot marker
    return h;
}

DedupSet::DedupSet()
{
    clear();
}

DedupSet::~DedupSet()
{
    freeZeroed(m_slots, m_capacity * sizeof(Slot));
}

DedupSet::Slot* DedupSet::allocate(std::size_t n)
{
    return static_cast<Slot*>(allocateZeroed(n * sizeof(Slot)));
}

void DedupSet::clear()
{
    freeZeroed(m_slots, m_capacity * sizeof(Slot));
    m_capacity = 1024;
    m_slots = allocate(m_capacity);
    m_mask = m_capacity - 1;
    m_size = 0;
}

bool DedupSet::checkAndInsert(const Hash128& key, int64_t timeMs, int64_t cutoffMs)
{
    std::size_t i = key.lo & m_mask;
    for (;;) {
        Slot& s = m_slots[i];
        if (s.lo == 0 && s.hi == 0) break;
        if (s.lo == key.lo && s.hi == key.hi) {
            if (s.timeMs >= cutoffMs) return true;
            s.timeMs = timeMs; // an expired key: this click is new again
            return false;
        }
        i = (i + 1) & m_mask;
    }
    if ((m_size + 1) * 2 > m_capacity) {
        rehash(cutoffMs);
        return checkAndInsert(key, timeMs, cutoffMs);
    }
    m_slots[i] = Slot { key.lo, key.hi, timeMs };
    ++m_size;
    return false;
}

void DedupSet::rehash(int64_t cutoffMs)
{
    std::size_t live = 0;
    for (std::size_t i = 0; i < m_capacity; ++i)
        if ((m_slots[i].lo || m_slots[i].hi) && m_slots[i].timeMs >= cutoffMs) ++live;
    // Load stays ≤ 1/3 right after a rehash, so growth is amortised O(1) per insert.
    const std::size_t cap = std::max<std::size_t>(1024, std::bit_ceil((live + 1) * 3));
    Slot* old = m_slots;
    const std::size_t oldCapacity = m_capacity;
    m_slots = allocate(cap);
    m_capacity = cap;
    m_mask = cap - 1;
    m_size = 0;
    for (std::size_t k = 0; k < oldCapacity; ++k) {
        const Slot& s = old[k];
        if (!(s.lo || s.hi) || s.timeMs < cutoffMs) continue;
        std::size_t i = s.lo & m_mask;
        while (m_slots[i].lo || m_slots[i].hi)
            i = (i + 1) & m_mask;
        m_slots[i] = s;
        ++m_size;
    }
    freeZeroed(old, oldCapacity * sizeof(Slot));
}

} // namespace adclick::core
