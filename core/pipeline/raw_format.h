#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adclick::core {

//! Raw events live in append-only segment files `<db>.raw/seg-NNNNNN.tsv`, one event a line:
//!   status '\t' time_ms '\t' ad_id '\t' country '\t' user_id '\t' ip '\t' click_id '\n'
//! The parser guarantees fields hold no tab, newline or control byte. status tells what the
//! engine did with the event:
enum class RawStatus : char {
    Accepted = 'A', //!< aggregated on time
    LateDropped = 'L', //!< its pane was final; counted as late, not aggregated
    LateApplied = 'U', //!< its pane was final; aggregated anyway (--late update)
    Duplicate = 'D', //!< a repeat within the dedup horizon; not aggregated
    //! Behind its stream's dedup horizon: too old to prove unique, so counted as late, not
    //! aggregated, and never a dedup key — a restart must not make it one (schema version 5 on;
    //! older databases stored it as LateDropped).
    BeyondHorizon = 'H',
};

//! True when the event is part of the aggregates.
constexpr bool isCounted(RawStatus s)
{
    return s == RawStatus::Accepted || s == RawStatus::LateApplied;
}

//! True when the event is counted as late (the counter `late`, agg's late column).
constexpr bool isLate(RawStatus s)
{
    return s == RawStatus::LateDropped || s == RawStatus::LateApplied || s == RawStatus::BeyondHorizon;
}

//! One raw event read back; views point into the reader's buffer.
struct RawEvent {
    RawStatus status = RawStatus::Accepted;
    int64_t timeMs = 0;
    std::string_view adId, country, userId, ip, clickId;
};

//! Parses one segment line (without '\n'); false for a malformed line.
bool parseRawLine(std::string_view line, RawEvent& out);

//! Appends one segment line (with '\n') to `out`.
void appendRawLine(std::string& out, RawStatus status, int64_t timeMs, std::string_view adId,
    std::string_view country, std::string_view userId, std::string_view ip, std::string_view clickId);

inline std::string rawDirFor(const std::string& dbPath)
{
    return dbPath + ".raw";
}

} // namespace adclick::core
