#pragma once
// Internal to the line parser (line_parser.cpp, csv_book_parser.cpp, json_line_parser.cpp): the
// small helpers its formats share. Inline, so splitting the parser into files costs the hot path
// no calls.

#include "core/input/line_parser.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace adclick::core::parsing {

//! The book's line prefix `[AdClickEvent]`, matched in any case: in auto detection it marks a
//! line of the book format.
constexpr std::string_view kBookPrefix = "[adclickevent]";
constexpr bool startsWithBookPrefix(std::string_view line)
{
    if (line.size() < kBookPrefix.size()) return false;
    for (std::size_t i = 0; i < kBookPrefix.size(); ++i) {
        const char c = line[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBookPrefix[i]) return false;
    }
    return true;
}

constexpr ParseOutcome reject(RejectReason reason)
{
    return { LineKind::Rejected, reason };
}
constexpr ParseOutcome kEvent { LineKind::Event, RejectReason::Count };
constexpr ParseOutcome kHeader { LineKind::Header, RejectReason::Count };
constexpr ParseOutcome kBlank { LineKind::Blank, RejectReason::Count };

//! Eight bytes at a time ("SWAR"): kOnes * b repeats the byte b; kHighs picks each byte's top bit.
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

inline bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}
inline bool isDigit(char c)
{
    return static_cast<unsigned char>(c - '0') < 10;
}

inline std::string_view trim(std::string_view s)
{
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b]))
        ++b;
    while (e > b && isSpace(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

inline bool isBlank(std::string_view s)
{
    for (char c : s)
        if (!isSpace(c)) return false;
    return true;
}

//! Writing into the parser's scratch buffer (sized by parse() to hold the line's unescaped values).
struct Scratch {
    char* base;
    std::size_t pos = 0;
    char* cur() { return base + pos; }
};

} // namespace adclick::core::parsing
