#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adclick::core {

//! 9999-12-31T23:59:59.999Z: the last instant of the accepted range (the first is 1970-01-01).
constexpr int64_t kLastEpochMs = 253'402'300'799'999;

//! The default (`--time-format auto`, zone UTC) reading of a time stamp, the hot path:
//! ISO 8601 `YYYY-MM-DD(T| )HH:MM:SS[.f{1,9}][Z|±hh:mm|±hhmm]` (no zone = UTC), or an integer
//! epoch whose unit follows from its magnitude (epochUnitByMagnitude). Returns false on
//! anything else, including impossible dates (Feb 30), hours over 23, offsets over 18 h and
//! instants outside 1970..9999 (docs/semantics.md, "Time stamps").
bool parseTimestamp(std::string_view text, int64_t& epochMs);

enum class EpochUnit : uint8_t { Auto, Seconds, Millis, Micros, Nanos };

//! The unit `auto` gives an integer epoch by its value v (leading zeros do not count):
//! v < 10^9 ms (small values, as before); 10^9 ≤ v < 10^11 seconds (2001-09-09 .. 5138);
//! 10^11 ≤ v < 10^15 ms (1973 ..); 10^15 ≤ v < 10^18 µs (2001-09-09 ..); v ≥ 10^18 ns
//! (2001-09-09 .. 2262). Instants after 9999 are then rejected like any out-of-range value.
EpochUnit epochUnitByMagnitude(uint64_t value);

//! Digits with an optional `.fraction` (1..9 digits, truncated to ms) in `unit` → epoch ms in
//! range. EpochUnit::Auto picks the unit by magnitude and allows a fraction only on seconds.
bool parseEpoch(std::string_view text, EpochUnit unit, int64_t& epochMs);

//! An ISO-8601 stamp read as a wall time: `wallMs` is the date and time as if in UTC (not range
//! checked); `hasZone` says whether a zone followed, then `offsetMinutes` is it (east of UTC).
struct IsoParts {
    int64_t wallMs = 0;
    bool hasZone = false;
    int offsetMinutes = 0;
};
bool parseIsoParts(std::string_view text, IsoParts& out);

//! Zone suffix `Z`, `±hh:mm` or `±hhmm` (at most 18 h) → minutes east of UTC.
bool parseZoneSuffix(std::string_view text, int& offsetMinutes);

//! `2021-01-01T00:00:01.000Z`
std::string formatIsoUtc(int64_t epochMs);

//! Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t daysFromCivil(int64_t year, unsigned month, unsigned day);

struct CivilDate {
    int64_t year = 1970;
    unsigned month = 1, day = 1;
};
//! The date `days` after 1970-01-01 (H. Hinnant's civil_from_days).
CivilDate civilFromDays(int64_t days);

} // namespace adclick::core
