#pragma once

#include "core/base/hash128.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

struct ClickEvent;

//! The identity of a click: its click_id when it has one, otherwise (ad_id, time, user_id, ip).
Hash128 clickIdentity(std::string_view adId, int64_t timeMs, std::string_view userId, std::string_view ip,
    std::string_view clickId, std::string& scratch);

//! Identities of recent clicks with their event times. A key older than the caller's cutoff
//! counts as absent, so the answer never depends on when old keys were physically dropped
//! (which is what makes a restarted engine, whose set is rebuilt from raw events, agree exactly
//! with one that never stopped). Memory is bounded by the keys newer than the cutoff: expired
//! keys are dropped whenever the table would grow.
class DedupSet {
public:
    DedupSet();
    ~DedupSet();
    DedupSet(const DedupSet&) = delete;
    DedupSet& operator=(const DedupSet&) = delete;

    //! True when `key` was seen with a time ≥ cutoffMs (a duplicate). Otherwise remembers it
    //! with `timeMs` and returns false.
    bool checkAndInsert(const Hash128& key, int64_t timeMs, int64_t cutoffMs);

    //! The next new key would make the table grow (and drop the keys older than its cutoff).
    bool full() const { return (m_size + 1) * 10 > m_capacity * 7; }
    //! When full(), grows the table now, dropping keys older than `purgeCutoffMs`; the next
    //! checkAndInsert then purges nothing. For callers whose lookup cutoff differs from the cutoff
    //! below which no caller needs a key any more (several streams, docs/semantics.md).
    void reserveOne(int64_t purgeCutoffMs)
    {
        if (full()) rehash(purgeCutoffMs);
    }

    //! Starts loading the slot `key` would be looked up in.
    void prefetch(const Hash128& key) const;

    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_capacity; }
    std::size_t memoryBytes() const { return m_capacity * sizeof(Slot); }
    void clear();

private:
    struct Slot {
        uint64_t lo = 0, hi = 0; // hi == 0 && lo == 0 marks an empty slot (a real key is remapped)
        int64_t timeMs = 0;
    };
    void rehash(int64_t cutoffMs);
    static Slot* allocate(std::size_t n);

    Slot* m_slots = nullptr;
    std::size_t m_capacity = 0;
    std::size_t m_size = 0;
};

} // namespace adclick::core
