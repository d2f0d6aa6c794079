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
struct PaneKeyHash {
    std::size_t operator()(const PaneKey& k) const noexcept
    {
        uint64_t h = (uint64_t(k.minute) * 0x9E3779B97F4A7C15ull) ^ (uint64_t(k.ad) << 32 | k.country);
        h ^= uint64_t(k.filterId) * 0xC2B2AE3D27D4EB4Full;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ull;
        return h ^ (h >> 32);
    }
};
struct PaneDelta {
    int64_t clicks = 0, late = 0;
};
//! Pane deltas of one batch: a flat open-addressing table (one cache miss per event instead of
//! the node walk and allocation of std::unordered_map on the hot path).
class PaneDeltaMap {
public:
    PaneDeltaMap();
    ~PaneDeltaMap();
    PaneDeltaMap(const PaneDeltaMap&) = delete;
    PaneDeltaMap& operator=(const PaneDeltaMap&) = delete;
    PaneDelta& operator[](const PaneKey& key);
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    void clear();
    //! The cells, in no particular order.
    std::vector<std::pair<PaneKey, PaneDelta>> items() const;

private:
    struct Entry {
        PaneKey key;
        PaneDelta delta;
        bool used = false;
    };
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

uint32_t packCountry(std::string_view code); //!< up to 3 ASCII letters
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
