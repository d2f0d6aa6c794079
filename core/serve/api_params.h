#pragma once
// Reading the values of the query API's URLs (adclick serve): percent-decoding and the typed
// parameters. Pure functions on text; fuzzed through the router (tests/fuzz/fuzz_serve_api.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace adclick::core {

//! `%XX` decoded (and `+` as a space when `plusIsSpace`: query strings, not paths). nullopt for a
//! `%` without two hex digits and for a decoded NUL byte, which no id or value may hold.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);

//! The epoch minute is the design's unit for `from` and `to`: a whole number below 10^9 is one
//! (10^9 minutes is the year 3871). Anything else is read as `adclick count --from` reads it
//! (core::parseTimestamp: ISO-8601, or an epoch in s/ms/µs/ns by magnitude). So ISO text and
//! epochs in seconds or more mean the same as on the command line; only the small numbers, which
//! the command line reads as milliseconds in January 1970, mean minutes here.
constexpr int64_t kMaxEpochMinute = 999'999'999;
bool parseApiTime(std::string_view text, int64_t& epochMs);

//! Plain decimal digits from `min` to `max`; nullopt for anything else (sign, space, overflow).
std::optional<int64_t> parseApiWhole(std::string_view text, int64_t min, int64_t max);

} // namespace adclick::core
