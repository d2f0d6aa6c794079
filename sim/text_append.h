#pragma once

// Number and time text for the generator (internal to adclick_sim): appended in place, without
// locale or allocation, because every generated line is built from them.

#include <charconv>
#include <cstdint>
#include <string>

namespace adclick::core::clickgen {

inline void appendUint(std::string& o, uint64_t v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    o.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

//! At least `width` digits, zero-padded on the left.
inline void appendPadded(std::string& o, uint64_t v, int width)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    for (int n = static_cast<int>(r.ptr - buf); n < width; ++n)
        o.push_back('0');
    o.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

//! Exactly `digits` lower-case hex digits (the low ones of v).
inline void appendHex(std::string& o, uint64_t v, int digits)
{
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[16];
    for (int i = digits - 1; i >= 0; --i, v >>= 4)
        buf[i] = kHex[v & 15];
    o.append(buf, static_cast<std::size_t>(digits));
}

//! Hex without leading zeros (an IPv6 group).
inline void appendHexGroup(std::string& o, unsigned v)
{
    static constexpr char kHex[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned d = (v >> shift) & 15;
        if (d || started || shift == 0) {
            o.push_back(kHex[d]);
            started = true;
        }
    }
}

//! The shortest text that reads back as v (std::to_chars).
std::string doubleText(double v);
//! Whole seconds as an integer, else as a decimal ("1.5").
std::string msAsSeconds(int64_t ms);

//! `YYYY-MM-DD` + sep + `HH:MM:SS.fff` (+ `Z`) for t ≥ 0, with the date cached per day.
class TimeText {
public:
    void append(std::string& o, int64_t t, char sep, bool zulu);

private:
    void setDay(int64_t days);

    int64_t m_day = -1;
    char m_date[16] = {};
};

} // namespace adclick::core::clickgen
