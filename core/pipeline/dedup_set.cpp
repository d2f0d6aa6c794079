#include "core/pipeline/dedup_set.h"

#include "core/base/big_alloc.h"

#include <algorithm>
#include <cstring>

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
    m_capacity = kMinCapacity;
    m_slots = allocate(m_capacity);
    m_size = 0;
    m_expiryMs = kNoTime;
    m_sweepAt = m_passSlots = 0;
    m_oldestMs = m_passOldestMs = std::numeric_limits<int64_t>::max();
    m_newestMs = m_grownAtMs = kNoTime;
    m_insertsSinceGrowth = 0;
}

bool DedupSet::checkAndInsert(const Hash128& key, int64_t timeMs, int64_t cutoffMs)
{
    std::size_t i = homeSlot(key.lo);
    for (;; i = next(i)) {
        Slot& s = m_slots[i];
        if (s.empty()) break;
        if (s.lo == key.lo && s.hi == key.hi) {
            if (s.timeMs >= cutoffMs) return true;
            s.timeMs = timeMs; // an expired key: this click is new again
            noteTime(timeMs);
            return false;
        }
    }
    // Linear probing stays short up to a load of 3/4.
    if ((m_size + 1) * 4 > m_capacity * 3) {
        makeRoom();
        return checkAndInsert(key, timeMs, cutoffMs);
    }
    m_slots[i] = Slot { key.lo, key.hi, timeMs };
    ++m_size;
    noteTime(timeMs);
    ++m_insertsSinceGrowth;
    if (m_grownAtMs == kNoTime) m_grownAtMs = timeMs;
    m_newestMs = std::max(m_newestMs, timeMs);
    // Deleting as fast as keys come in keeps the table's size at the live keys plus at most a
    // quarter of its slots of expired ones (a key expired is gone one pass later, a pass takes
    // capacity / kSweepPerKey new keys).
    if (m_expiryMs > m_oldestMs) sweep(kSweepPerKey);
    return false;
}

void DedupSet::restore(const Hash128& key, int64_t timeMs)
{
    for (std::size_t i = homeSlot(key.lo);; i = next(i)) {
        Slot& s = m_slots[i];
        if (s.empty()) break;
        if (s.lo == key.lo && s.hi == key.hi) {
            s.timeMs = std::max(s.timeMs, timeMs);
            return;
        }
    }
    checkAndInsert(key, timeMs, std::numeric_limits<int64_t>::max()); // absent: a plain insert
}

void DedupSet::sweep(std::size_t slots)
{
    for (std::size_t n = 0; n < slots;) {
        const Slot& s = m_slots[m_sweepAt];
        if (!s.empty() && expired(s)) {
            erase(m_sweepAt); // a later key of the cluster may now sit here: look again
            continue;
        }
        if (!s.empty()) m_passOldestMs = std::min(m_passOldestMs, s.timeMs);
        m_sweepAt = next(m_sweepAt);
        ++n;
        if (++m_passSlots == m_capacity) { // every slot seen: the pass's oldest time is exact
            m_oldestMs = m_passOldestMs;
            m_passOldestMs = std::numeric_limits<int64_t>::max();
            m_passSlots = 0;
        }
    }
}

void DedupSet::erase(std::size_t i)
{
    // Backward-shift deletion (Knuth's Algorithm R): each later key of the cluster whose home
    // does not lie in (i, j] moves back into the hole, so lookups need no tombstones.
    for (std::size_t j = next(i);; j = next(j)) {
        const Slot& s = m_slots[j];
        if (s.empty()) break;
        const std::size_t home = homeSlot(s.lo);
        const bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (stays) continue;
        m_slots[i] = s;
        i = j;
    }
    m_slots[i] = Slot {};
    --m_size;
}

void DedupSet::makeRoom()
{
    std::size_t live = 0;
    for (std::size_t k = 0; k < m_capacity; ++k)
        live += !m_slots[k].empty() && !expired(m_slots[k]);
    if (live * 100 <= m_capacity * kGrownLoadPercent) {
        // Mostly expired keys (the expiry jumped ahead of the sweep): delete them in place.
        sweep(m_capacity);
        return;
    }
    rebuild(std::max(kMinCapacity, keysToHold(live) * 100 / kGrownLoadPercent + 1));
    m_insertsSinceGrowth = 0;
    m_grownAtMs = m_newestMs;
}

std::size_t DedupSet::keysToHold(std::size_t live) const
{
    if (m_lifetimeMs <= 0 || m_grownAtMs == kNoTime || m_newestMs <= m_grownAtMs) return live;
    // The keys one lifetime holds at the rate of new keys per ms of event time since the last
    // growth: while the first horizon fills, the table grows a few times, not once per doubling.
    // At most kMaxProjection × the live keys (a burst at the start must not reserve a huge table).
    const double rate = double(m_insertsSinceGrowth) / double(m_newestMs - m_grownAtMs);
    const double projected = rate * double(m_lifetimeMs);
    return static_cast<std::size_t>(std::clamp(projected, double(live), double(live) * kMaxProjection));
}

void DedupSet::rebuild(std::size_t capacity)
{
    Slot* old = m_slots;
    const std::size_t oldCapacity = m_capacity;
    m_slots = allocate(capacity);
    m_capacity = capacity;
    m_size = 0;
    m_sweepAt = m_passSlots = 0;
    m_oldestMs = m_passOldestMs = std::numeric_limits<int64_t>::max();
    // Copied a piece at a time, each piece given back once copied: the peak is the new table,
    // not both.
    for (std::size_t from = 0; from < oldCapacity; from += kReleaseSlots) {
        const std::size_t to = std::min(oldCapacity, from + kReleaseSlots);
        for (std::size_t k = from; k < to; ++k) {
            const Slot& s = old[k];
            if (s.empty() || expired(s)) continue;
            std::size_t i = homeSlot(s.lo);
            while (!m_slots[i].empty())
                i = next(i);
            m_slots[i] = s;
            ++m_size;
            noteTime(s.timeMs);
        }
        freeZeroedPart(old, oldCapacity * sizeof(Slot), from * sizeof(Slot), to * sizeof(Slot));
    }
    m_passOldestMs = std::numeric_limits<int64_t>::max();
}

} // namespace adclick::core
