#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace adclick::core {

//! Parses `YYYY-MM-DD HH:MM:SS[.fff]` (UTC), ISO-8601 `YYYY-MM-DDTHH:MM:SS[.fff](Z|±hh:mm)`
//! (a space may stand for the T), or integer epoch milliseconds. Returns false on anything else,
//! including impossible dates (Feb 30), hours over 23 and offsets over 18 h.
bool parseTimestamp(std::string_view text, int64_t& epochMs);

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
