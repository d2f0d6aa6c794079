#include "core/pipeline/dedup_set.h"

#include "core/base/big_alloc.h"

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
    m_size = 0;
}

// Home slot by multiply-shift ("fastrange"), so the capacity need not be a power of two and the
// table can be sized to the live keys instead of the next power of two above them.
static inline std::size_t homeSlot(uint64_t h, std::size_t capacity)
{
    return static_cast<std::size_t>((static_cast<unsigned __int128>(h) * capacity) >> 64);
}

void DedupSet::prefetch(const Hash128& key) const
{
    __builtin_prefetch(&m_slots[homeSlot(key.lo, m_capacity)]);
}

bool DedupSet::checkAndInsert(const Hash128& key, int64_t timeMs, int64_t cutoffMs)
{
    std::size_t i = homeSlot(key.lo, m_capacity);
    for (;;) {
        Slot& s = m_slots[i];
        if (s.lo == 0 && s.hi == 0) break;
        if (s.lo == key.lo && s.hi == key.hi) {
            if (s.timeMs >= cutoffMs) return true;
            s.timeMs = timeMs; // an expired key: this click is new again
            return false;
        }
        if (++i == m_capacity) i = 0;
    }
    // Linear probing stays short up to a load of 0.7.
    if ((m_size + 1) * 10 > m_capacity * 7) {
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
    // Load 0.35 right after a rehash: the table then takes twice its keys before the next one,
    // so growth stays amortised O(1) per insert, and memory is ~3× the live keys at most.
    const std::size_t cap = std::max<std::size_t>(1024, (live + 1) * 20 / 7);
    Slot* old = m_slots;
    const std::size_t oldCapacity = m_capacity;
    m_slots = allocate(cap);
    m_capacity = cap;
    m_size = 0;
    for (std::size_t k = 0; k < oldCapacity; ++k) {
        const Slot& s = old[k];
        if (!(s.lo || s.hi) || s.timeMs < cutoffMs) continue;
        std::size_t i = homeSlot(s.lo, m_capacity);
        while (m_slots[i].lo || m_slots[i].hi)
            if (++i == m_capacity) i = 0;
        m_slots[i] = s;
        ++m_size;
    }
    freeZeroed(old, oldCapacity * sizeof(Slot));
}

} // namespace adclick::core
