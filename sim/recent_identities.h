#pragma once

// Identities of recent generated events (internal to adclick_sim).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace adclick::core::clickgen {

//! Identities (64-bit hashes of ad, time, user, ip) of recent events without a click_id, so
//! that no two generated events share one by accident. Entries older than the caller's cutoff
//! are dropped when the table grows; a false positive only costs a needless perturbation.
class RecentIdentities {
public:
    RecentIdentities() { m_slots.assign(1 << 12, Slot {}); }

    //! False when `key` is present; otherwise inserts it.
    bool insert(uint64_t key, int64_t timeMs, int64_t cutoffMs);

private:
    struct Slot {
        uint64_t key = 0;
        int64_t timeMs = 0;
    };
    void rebuild(int64_t cutoffMs);

    std::vector<Slot> m_slots;
    std::size_t m_used = 0;
};

} // namespace adclick::core::clickgen
