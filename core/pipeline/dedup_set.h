#pragma once

#include "core/base/hash128.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

struct ClickEvent;

__extension__ typedef unsigned __int128 DedupWide; // (GCC and Clang; no pedantic warning)

//! The identity of a click: its click_id when it has one, otherwise (ad_id, time, user_id, ip).
Hash128 clickIdentity(std::string_view adId, int64_t timeMs, std::string_view userId, std::string_view ip,
    std::string_view clickId, std::string& scratch);

//! Identities of recent clicks with their event times. A key older than the caller's cutoff
//! counts as absent, so the answer never depends on when old keys were physically dropped
//! (which is what makes a restarted engine, whose set is rebuilt from raw events, agree exactly
//! with one that never stopped).
//!
//! Memory stays flat once the horizon is full: one open-addressing table that is never rebuilt
//! in the steady state. Keys older than the expiry (setExpiry: the lowest cutoff any caller
//! still uses) are deleted in place by a sweep that walks a few slots per new key, so the slots
//! of expired keys are reused instead of the table growing into fresh (kernel-zeroed) memory.
//! The table grows only while the live keys grow (the first horizon of a run, or a higher rate);
//! it is then sized from the observed rate × the key lifetime, so a run grows a few times, not
//! once per doubling, and the old table is unmapped while it is copied (no 3× peak).
class DedupSet {
public:
    DedupSet();
    ~DedupSet();
    DedupSet(const DedupSet&) = delete;
    DedupSet& operator=(const DedupSet&) = delete;

    //! True when `key` was seen with a time ≥ cutoffMs (a duplicate). Otherwise remembers it
    //! with `timeMs` and returns false. `cutoffMs` must be ≥ the expiry (keys below the expiry
    //! may already be gone; below a caller's cutoff they are absent for it either way).
    bool checkAndInsert(const Hash128& key, int64_t timeMs, int64_t cutoffMs);

    //! Re-remembers `key` (a restart or checkpoint restore), keeping the larger time when it is
    //! held already. The running set only ever replaces a key's time by a larger one (a click is
    //! kept only at or after its cutoff, a held key only replaced below it), so a key's time is
    //! the largest of its kept clicks': restoring them in any order gives the same set.
    void restore(const Hash128& key, int64_t timeMs);

    //! Keys with a time below `expiryMs` are needed by no caller any more and may be deleted
    //! from now on. It may move either way (a new stream starts behind the others).
    void setExpiry(int64_t expiryMs) { m_expiryMs = expiryMs; }
    //! How long a key lives in event time (horizon + lateness): sizes the table on growth.
    void setKeyLifetime(int64_t lifetimeMs) { m_lifetimeMs = lifetimeMs; }

    //! Starts loading the slot `key` would be looked up in.
    void prefetch(const Hash128& key) const { __builtin_prefetch(&m_slots[homeSlot(key.lo)]); }

    //! Calls f(key, timeMs) for every key with a time ≥ sinceMs (every key for kNoTime): what a
    //! caller whose cutoff is sinceMs would find (a checkpoint, core/cluster/checkpoint.h).
    template <class F> void forEach(int64_t sinceMs, F&& f) const
    {
        for (std::size_t i = 0; i < m_capacity; ++i)
            if (!m_slots[i].empty() && m_slots[i].timeMs >= sinceMs)
                f(Hash128 { m_slots[i].lo, m_slots[i].hi }, m_slots[i].timeMs);
    }

    std::size_t size() const { return m_size; } //!< keys held, expired ones not yet swept included
    std::size_t capacity() const { return m_capacity; }
    std::size_t memoryBytes() const { return m_capacity * sizeof(Slot); }
    void clear();

private:
    struct Slot {
        uint64_t lo = 0, hi = 0; // hi == 0 && lo == 0 marks an empty slot (a real key is remapped)
        int64_t timeMs = 0;
        bool empty() const { return lo == 0 && hi == 0; }
    };
    static constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
    static constexpr std::size_t kMinCapacity = 1024;
    //! Slots the sweep looks at per new key: expired keys then take at most a quarter of the table.
    static constexpr std::size_t kSweepPerKey = 4;
    //! Load right after growing (percent): with the swept quarter it stays below the 3/4 limit.
    static constexpr std::size_t kGrownLoadPercent = 45;
    static constexpr double kMaxProjection = 2.0;
    static constexpr std::size_t kReleaseSlots = (2u << 20) / 24; //!< ~2 MiB of old table at a time

    //! Home slot by multiply-shift ("fastrange"): the capacity need not be a power of two, so the
    //! table can be sized to the live keys instead of the next power of two above them.
    std::size_t homeSlot(uint64_t h) const
    {
        return static_cast<std::size_t>((static_cast<DedupWide>(h) * m_capacity) >> 64);
    }
    std::size_t next(std::size_t i) const { return i + 1 == m_capacity ? 0 : i + 1; }
    bool expired(const Slot& s) const { return s.timeMs < m_expiryMs; }

    void noteTime(int64_t timeMs)
    {
        m_oldestMs = std::min(m_oldestMs, timeMs);
        m_passOldestMs = std::min(m_passOldestMs, timeMs);
    }
    void sweep(std::size_t slots);
    void erase(std::size_t i);
    void makeRoom();
    void rebuild(std::size_t capacity);
    std::size_t keysToHold(std::size_t live) const;
    static Slot* allocate(std::size_t n);

    Slot* m_slots = nullptr;
    std::size_t m_capacity = 0;
    std::size_t m_size = 0;
    int64_t m_expiryMs = kNoTime;
    int64_t m_lifetimeMs = 0;
    //! The sweep: its position, and a lower bound of the key times in the table (no key can
    //! have expired while the expiry is at or below it, so the sweep then does nothing).
    std::size_t m_sweepAt = 0;
    int64_t m_oldestMs = std::numeric_limits<int64_t>::max();
    int64_t m_passOldestMs = std::numeric_limits<int64_t>::max(); //!< of the pass under way
    std::size_t m_passSlots = 0; //!< slots the pass under way has looked at
    //! The rate of new keys, for sizing: how many came since the last growth, and the newest key
    //! time now and then.
    std::size_t m_insertsSinceGrowth = 0;
    int64_t m_newestMs = kNoTime, m_grownAtMs = kNoTime;
};

} // namespace adclick::core
