#pragma once

// A generated event before it becomes text (internal to adclick_sim): what the event drawer
// makes and the line renderer writes.

#include <cstdint>
#include <limits>

namespace adclick::core::clickgen {

//! No time yet (no event so far, so no watermark).
constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
//! Late and duplicate events keep this distance from every boundary of the semantics, so their
//! class does not hinge on a millisecond.
constexpr int64_t kMarginMs = 2000;
//! How far behind W − H the late events beyond the horizon go.
constexpr int64_t kBeyondSpanMs = 600'000;

//! An IP as generated; its text is an injective function of it, and two different texts are
//! always two different addresses (so normalising the text could not merge identities).
struct Ip {
    uint8_t kind = 0; //!< 0 IPv4; 1 `2001:db8:g0:g1:g2:g3:g4:g5` (g0 ≠ 0); 2 `2001:db8::g0:g1:g2:g3`
    uint32_t v4 = 0;
    uint16_t g[6] = {};
};

//! Style choices of one event's line (Event::flags).
enum Flag : uint8_t {
    kLowerCountry = 1,
    kEscapeUser = 2, //!< JSON: one character of the user id as \u0075
    kAltTimeKey = 4, //!< JSON: "timestamp" instead of "click_timestamp"
    kShuffleKeys = 8, //!< JSON: keys in a shuffled order
    kExtra = 16, //!< JSON: an unknown extra key
    kQuote = 32, //!< CSV: one field in quotes
    kJsonSpaces = 64, //!< JSON: `", "` and `": "`
};

struct Event {
    int64_t timeMs = 0;
    uint32_t ad = 0, user = 0, country = 0;
    Ip ip;
    uint64_t clickSeq = 0; //!< 0: no click_id
    uint8_t tsForm
        = 0; //!< 0 `YYYY-MM-DD HH:MM:SS.fff`, 1 ISO with Z, 2 epoch ms (JSON: number), 3 JSON "epoch"
    uint8_t flags = 0;
    uint32_t variant = 0; //!< random bits for the style choices
    uint32_t spacing = 0; //!< book/CSV: 0 canonical separators, else a seed for other whitespace
};

//! The fields of a line (kExtraField: an unknown column or key the parser must ignore).
enum Field : uint8_t { kAd, kTime, kUser, kIp, kCountry, kClick, kExtraField, kFieldCount };

} // namespace adclick::core::clickgen
