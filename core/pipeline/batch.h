#pragma once

#include "core/input/line_parser.h"
#include "core/pipeline/raw_frame.h"

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
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
//! Pane deltas of one batch: a flat open-addressing table (one cache miss per event instead of
//! the node walk and allocation of std::unordered_map on the hot path). A cell's slot is found
//! from the hash of its ad's *name* (not the interned id), so the engine can prefetch it for an
//! event a few events ahead, before the ad is interned.
class PaneDeltaMap {
public:
    PaneDeltaMap();
    ~PaneDeltaMap();
    PaneDeltaMap(const PaneDeltaMap&) = delete;
    PaneDeltaMap& operator=(const PaneDeltaMap&) = delete;
    //! The cell of `key`, whose ad name hashes to `adHash` (Engine::AdTable::hashOf).
    PaneDelta& at(const PaneKey& key, uint64_t adHash);
    void prefetch(uint64_t adHash, int64_t minute, uint32_t country, uint32_t filterId = 0) const
    {
        __builtin_prefetch(&m_entries[cellHash(adHash, minute, country, filterId) & m_mask]);
    }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    void clear();
    //! The cells, in no particular order.
    std::vector<std::pair<PaneKey, PaneDelta>> items() const;
    //! The cells in key order (filter, minute, ad, country): the order of agg's primary key.
    std::vector<std::pair<PaneKey, PaneDelta>> sortedItems() const;

private:
    struct Entry {
        PaneKey key; //!< key.ad == 0: empty (interned ad ids start at 1)
        PaneDelta delta;
        uint64_t hash = 0; //!< cellHash, kept for growing
    };
    static uint64_t cellHash(uint64_t adHash, int64_t minute, uint32_t country, uint32_t filterId)
    {
        uint64_t h = adHash ^ (uint64_t(minute) * 0x9E3779B97F4A7C15ull) ^ (uint64_t(country) << 21);
        h ^= uint64_t(filterId) * 0xC2B2AE3D27D4EB4Full;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ull;
        return h ^ (h >> 32);
    }
    void grow();
    void reset(std::size_t capacity);
    Entry* m_entries = nullptr;
    std::size_t m_capacity = 0;
    std::size_t m_size = 0;
    std::size_t m_mask = 0;
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
