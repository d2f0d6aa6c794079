#include "sim/recent_identities.h"

namespace adclick::core::clickgen {

bool RecentIdentities::insert(uint64_t key, int64_t timeMs, int64_t cutoffMs)
{
    key |= key == 0; // 0 marks an empty slot
    if ((m_used + 1) * 2 > m_slots.size()) rebuild(cutoffMs);
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = key & mask;; i = (i + 1) & mask) {
        Slot& s = m_slots[i];
        if (s.key == key) return false;
        if (s.key == 0) {
            s = { key, timeMs };
            ++m_used;
            return true;
        }
    }
}

void RecentIdentities::rebuild(int64_t cutoffMs)
{
    std::vector<Slot> old;
    old.swap(m_slots);
    std::size_t live = 0;
    for (const Slot& s : old)
        live += s.key != 0 && s.timeMs >= cutoffMs;
    std::size_t size = 1 << 12;
    while (size < live * 4)
        size *= 2;
    m_slots.assign(size, Slot {});
    m_used = 0;
    const std::size_t mask = size - 1;
    for (const Slot& s : old) {
        if (s.key == 0 || s.timeMs < cutoffMs) continue;
        std::size_t i = s.key & mask;
        while (m_slots[i].key != 0)
            i = (i + 1) & mask;
        m_slots[i] = s;
        ++m_used;
    }
}

} // namespace adclick::core::clickgen
