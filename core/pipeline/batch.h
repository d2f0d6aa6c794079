#pragma once

#include "core/input/line_parser.h"
#include "core/pipeline/raw_frame.h"

#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// What the engine hands to the store: the settings it counts with, its running totals and the
// changes of one batch. Kept apart from engine.h so the store sees only these, not the engine.

namespace adclick::core {

enum class LatePolicy : uint8_t { Drop, Update };

struct EngineConfig {
    int64_t latenessMs = 60'000;
    LatePolicy late = LatePolicy::Drop;
    int64_t dedupHorizonMs = 300'000;
    bool operator==(const EngineConfig&) const = default;
};

//! Running totals. lines = accepted + duplicates + late + rejected.
struct Counters {
    int64_t lines = 0, accepted = 0, duplicates = 0, late = 0, lateApplied = 0, rejected = 0;
    std::array<int64_t, kRejectReasonCount> rejectedBy {};
    //! Input that could not be read, outside `lines`: bytes of a followed file truncated before
    //! they were read with no rotated copy beside it, and rotated predecessors (replaced while no
    //! ingest ran) not found beside the file, whose rest after the stored offset is unknown.
    int64_t lostBytes = 0, lostPredecessors = 0;

    Counters& operator+=(const Counters& o);
    Counters& operator-=(const Counters& o);
};

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

//! A pane cell: the design's aggregation key (filter_id, minute, ad_id, country).
struct PaneKey {
    uint32_t filterId = 0;
    uint32_t ad = 0; //!< interned ad id (ads.id)
    int64_t minute = 0;
    uint32_t country = 0; //!< packed upper-case code (packCountry)
    bool operator==(const PaneKey&) const = default;
};
struct PaneDelta {
    int64_t clicks = 0, late = 0;
};
//! A batch's pane cells as a list (PaneDeltaMap::items, sortedItems).
using PaneCells = std::vector<std::pair<PaneKey, PaneDelta>>;
//! Pane deltas of one batch: one flat open-addressing table per minute (one cache miss at most
//! per event instead of the node walk and allocation of std::unordered_map on the hot path). Per
//! minute because events come roughly in time order: the cells of the minute being read then stay
//! in the cache (~1 MB at 2,000 ads), where one table over all of a batch's minutes spread them
//! over ~100 MB, and every event's cell was a miss to memory. A cell's slot is found from the hash
//! of its ad's *name* (not the interned id), so the engine can prefetch it for an event a few
//! events ahead, before the ad is interned.
class PaneDeltaMap {
public:
    PaneDeltaMap();
    ~PaneDeltaMap();
    PaneDeltaMap(const PaneDeltaMap&) = delete;
    PaneDeltaMap& operator=(const PaneDeltaMap&) = delete;
    //! The cell of `key`, whose ad name hashes to `adHash` (Engine::AdTable::hashOf).
    PaneDelta& at(const PaneKey& key, uint64_t adHash);
    //! Loads the slot of a cell into the cache, when its minute already has cells.
    void prefetch(uint64_t adHash, int64_t minute, uint32_t country, uint32_t filterId = 0) const
    {
        if (const MinuteTable* t = find(minute)) t->prefetch(cellHash(adHash, country, filterId));
    }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    void clear();
    //! The cells, in no particular order.
    PaneCells items() const;
    //! The cells in key order (filter, minute, ad, country): the order of agg's primary key.
    PaneCells sortedItems() const;

private:
    //! One minute's cells: open addressing, linear probing, at most half full. Never moved (its
    //! entries may be its own m_inline).
    class MinuteTable {
    public:
        explicit MinuteTable(int64_t minute);
        ~MinuteTable();
        MinuteTable(const MinuteTable&) = delete;
        MinuteTable& operator=(const MinuteTable&) = delete;
        //! The cell of (filterId, ad, country) whose cellHash is `hash`; `added` tells a new one.
        PaneDelta& at(uint32_t filterId, uint32_t ad, uint32_t country, uint32_t hash, bool& added);
        void prefetch(uint32_t hash) const { __builtin_prefetch(&m_entries[hash & m_mask]); }
        void appendTo(PaneCells& out) const;

    private:
        struct Entry {
            uint32_t filterId, ad, country; //!< ad == 0: empty (interned ad ids start at 1)
            uint32_t hash; //!< cellHash, kept for growing
            PaneDelta delta;
        };
        //! A new minute's cells start here, in the table itself: most minutes of a quiet log
        //! spanning years hold one cell, and an allocation of its own would double its cost.
        static constexpr std::size_t kInline = 2;
        void grow();
        Entry* m_entries = m_inline;
        std::size_t m_capacity = kInline, m_mask = kInline - 1, m_size = 0;
        int64_t m_minute = 0;
        Entry m_inline[kInline] {};
    };
    static uint32_t cellHash(uint64_t adHash, uint32_t country, uint32_t filterId)
    {
        uint64_t h = adHash ^ (uint64_t(country) << 21) ^ (uint64_t(filterId) * 0xC2B2AE3D27D4EB4Full);
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ull;
        return uint32_t(h ^ (h >> 32));
    }
    //! The minute's table, or null when the minute has no cells.
    MinuteTable* find(int64_t minute) const
    {
        const Recent& r = m_recent[uint64_t(minute) % m_recent.size()];
        return r.minute == minute ? r.table : findAndRemember(minute);
    }
    MinuteTable* findAndRemember(int64_t minute) const;
    MinuteTable& tableOf(int64_t minute);

    //! The minutes with cells; a deque, so a table never moves (m_byMinute and m_recent point
    //! at them) and a sparse minute costs no separate allocation of its own.
    std::deque<MinuteTable> m_tables;
    std::unordered_map<int64_t, MinuteTable*> m_byMinute;
    //! The last tables looked up, by minute mod its size: events near a minute's end alternate
    //! between two minutes, and a late event's cell is in an older one.
    struct Recent {
        int64_t minute = std::numeric_limits<int64_t>::min();
        MinuteTable* table = nullptr;
    };
    mutable std::array<Recent, 8> m_recent {};
    std::size_t m_size = 0;
};

struct MinuteDelta {
    int64_t accepted = 0, duplicates = 0, late = 0;
};

//! Up to 4 bytes of a country code (3 ASCII letters at most) as one number.
inline uint32_t packCountry(std::string_view code)
{
    uint32_t v = 0;
    for (std::size_t i = 0; i < code.size() && i < 4; ++i)
        v |= uint32_t(static_cast<unsigned char>(code[i])) << (8 * i);
    return v;
}
std::string unpackCountry(uint32_t packed);

//! A reject sample keeps at most this much of its line: enough to see what is wrong with it,
//! too little to copy out whole records of a file that is not ours (`adclick stats` prints them).
constexpr std::size_t kRejectSampleBytes = 200;

//! The first ≤ `bytes` bytes of `line`, not cutting a UTF-8 sequence in two.
inline std::string_view samplePrefix(std::string_view line, std::size_t bytes)
{
    if (line.size() <= bytes) return line;
    std::size_t n = bytes;
    while (n > 0 && (static_cast<unsigned char>(line[n]) & 0xc0) == 0x80)
        --n;
    return line.substr(0, n);
}

struct RejectSample {
    std::string source;
    uint64_t offset = 0;
    RejectReason reason = RejectReason::Count;
    std::string line; //!< samplePrefix(line, kRejectSampleBytes), or less (ingest.cpp)
};

//! Everything one batch changes; the store writes it in one transaction.
struct Batch {
    Batch();
    PaneDeltaMap panes;
    std::map<int64_t, MinuteDelta> minutes;
    Counters counters;
    std::vector<RejectSample> rejects;
    std::vector<std::pair<uint32_t, std::string>> newAds;
    RawBatch raw; //!< the batch's raw events, as segment frames
    int64_t rawEvents = 0, rawMinMs = kNoTime, rawMaxMs = kNoTime;
    //! Not a change but state stored with every batch: the engine's time jump waiting for
    //! confirmation (Engine::jumpCandidateMs; kNoTime: none). clear() keeps it.
    int64_t jumpCandidateMs = kNoTime;
    int64_t events() const { return counters.lines; }
    void clear();
};

} // namespace adclick::core
