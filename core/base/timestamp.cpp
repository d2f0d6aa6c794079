#include "core/base/timestamp.h"

#include <cstdint>

namespace adclick::core {

namespace {

constexpr int kMaxOffsetMinutes = 18 * 60;

inline bool isDigit(char c)
{
    return static_cast<unsigned char>(c - '0') < 10;
}

// `n` digits at p (the caller checked the length); false if any is not a digit.
inline bool digits(const char* p, int n, int& out)
{
    int v = 0;
    for (int i = 0; i < n; ++i) {
        if (!isDigit(p[i])) return false;
        v = v * 10 + (p[i] - '0');
    }
    out = v;
    return true;
}

constexpr bool isLeap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int daysInMonth(int y, int m)
{
    constexpr int kDays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// The leading digits of `text` → value; `end` is where they stop. False for no digit or more than
// 19 significant digits (so the value never overflows: 19 nines < 2^64) or a value over 2^63 - 1.
inline bool readUnsigned(std::string_view text, uint64_t& out, std::size_t& end)
{
    std::size_t i = 0;
    if (text.size() > 19) // rare: leading zeros do not count
        while (i + 1 < text.size() && text[i] == '0' && isDigit(text[i + 1]))
            ++i;
    const std::size_t first = i;
    uint64_t v = 0;
    for (; i < text.size() && isDigit(text[i]); ++i)
        v = v * 10 + static_cast<uint64_t>(text[i] - '0');
    if (i == first || i - first > 19 || v > static_cast<uint64_t>(INT64_MAX)) return false;
    out = v;
    end = i;
    return true;
}

// `.fraction` (1..9 digits) → milliseconds, truncated.
bool readFractionMs(std::string_view f, int& ms)
{
    if (f.size() < 2 || f.size() > 10 || f[0] != '.') return false;
    int v = 0;
    for (std::size_t i = 1; i < f.size(); ++i) {
        if (!isDigit(f[i])) return false;
        if (i <= 3) v = v * 10 + (f[i] - '0');
    }
    for (std::size_t k = f.size() - 1; k < 3; ++k)
        v *= 10;
    ms = v;
    return true;
}

} // namespace

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400); // [0, 399]
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; // [0, 365]
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

EpochUnit epochUnitByMagnitude(uint64_t v)
{
    if (v < 1'000'000'000ULL) return EpochUnit::Millis;
    if (v < 100'000'000'000ULL) return EpochUnit::Seconds;
    if (v < 1'000'000'000'000'000ULL) return EpochUnit::Millis;
    if (v < 1'000'000'000'000'000'000ULL) return EpochUnit::Micros;
    return EpochUnit::Nanos;
}

bool parseEpoch(std::string_view text, EpochUnit unit, int64_t& epochMs)
{
    uint64_t v = 0;
    std::size_t end = 0;
    if (!readUnsigned(text, v, end)) return false;
    const bool hasFraction = end < text.size();
    int fracMs = 0;
    if (hasFraction && !readFractionMs(text.substr(end), fracMs)) return false;
    if (unit == EpochUnit::Auto) {
        unit = epochUnitByMagnitude(v);
        // A fraction is usual on seconds (Python's time.time()); on the other units it is a sign
        // of a format we do not know.
        if (hasFraction && unit != EpochUnit::Seconds) return false;
    }
    constexpr auto kMax = static_cast<uint64_t>(kLastEpochMs);
    uint64_t ms = 0;
    switch (unit) {
    case EpochUnit::Seconds:
        if (v > kMax / 1000) return false;
        ms = v * 1000 + static_cast<uint64_t>(fracMs);
        break;
    case EpochUnit::Millis:
        ms = v; // a fraction of a millisecond is truncated
        break;
    case EpochUnit::Micros:
        ms = v / 1000;
        break;
    default:
        ms = v / 1'000'000;
        break;
    }
    if (ms > kMax) return false;
    epochMs = static_cast<int64_t>(ms);
    return true;
}

bool parseZoneSuffix(std::string_view z, int& offsetMinutes)
{
    if (z.size() == 1 && z[0] == 'Z') {
        offsetMinutes = 0;
        return true;
    }
    if (z.size() != 5 && z.size() != 6) return false;
    if (z[0] != '+' && z[0] != '-') return false;
    int hh = 0, mm = 0;
    if (!digits(z.data() + 1, 2, hh)) return false;
    const char* mp = z.data() + 3;
    if (z.size() == 6) {
        if (z[3] != ':') return false;
        ++mp;
    }
    if (!digits(mp, 2, mm) || mm > 59) return false;
    const int total = hh * 60 + mm;
    if (total > kMaxOffsetMinutes) return false;
    offsetMinutes = z[0] == '-' ? -total : total;
    return true;
}

bool parseIsoParts(std::string_view s, IsoParts& out)
{
    // YYYY-MM-DD?HH:MM:SS is 19 bytes.
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') return false;
    const char sep = s[10];
    if (sep != ' ' && sep != 'T') return false;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    const char* p = s.data();
    if (!digits(p, 4, year) || !digits(p + 5, 2, month) || !digits(p + 8, 2, day) || !digits(p + 11, 2, hour)
        || !digits(p + 14, 2, minute) || !digits(p + 17, 2, second))
        return false;
    if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23
        || minute > 59 || second > 59)
        return false;

    std::size_t i = 19;
    int millis = 0;
    if (i < s.size() && s[i] == '.') {
        std::size_t end = i + 1;
        while (end < s.size() && isDigit(s[end]))
            ++end;
        if (!readFractionMs(s.substr(i, end - i), millis)) return false;
        i = end;
    }
    out.hasZone = i < s.size();
    out.offsetMinutes = 0;
    if (out.hasZone && !parseZoneSuffix(s.substr(i), out.offsetMinutes)) return false;
    const int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    out.wallMs = ((days * 24 + hour) * 60 + minute) * 60'000 + second * 1000 + millis;
    return true;
}

bool parseTimestamp(std::string_view s, int64_t& epochMs)
{
    if (s.empty()) return false;
    if (isDigit(s[0]) && (s.size() < 5 || s[4] != '-')) return parseEpoch(s, EpochUnit::Auto, epochMs);
    IsoParts parts;
    if (!parseIsoParts(s, parts)) return false;
    // No zone: UTC (TimeFormat applies --time-zone instead).
    const int64_t ms = parts.wallMs - int64_t(parts.offsetMinutes) * 60'000;
    // An offset can push the instant outside the range the epoch form allows; keep one domain.
    if (ms < 0 || ms > kLastEpochMs) return false;
    epochMs = ms;
    return true;
}

CivilDate civilFromDays(int64_t days)
{
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = static_cast<int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    return { y, m, d };
}

std::string formatIsoUtc(int64_t epochMs)
{
    // Floor division, so instants before 1970 format as the right calendar date.
    int64_t days = epochMs / 86'400'000;
    int64_t msOfDay = epochMs % 86'400'000;
    if (msOfDay < 0) {
        msOfDay += 86'400'000;
        --days;
    }
    const CivilDate date = civilFromDays(days);
    int64_t y = date.year;
    const unsigned m = date.month, d = date.day;

    std::string out;
    out.reserve(26);
    if (y < 0) {
        out.push_back('-');
        y = -y;
    }
    auto put = [&out](int64_t v, int width) {
        char buf[24];
        int n = 0;
        do {
            buf[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v > 0);
        for (int k = n; k < width; ++k)
            out.push_back('0');
        while (n > 0)
            out.push_back(buf[--n]);
    };
    put(y, 4);
    out.push_back('-');
    put(m, 2);
    out.push_back('-');
    put(d, 2);
    out.push_back('T');
    put(msOfDay / 3'600'000, 2);
    out.push_back(':');
    put(msOfDay / 60'000 % 60, 2);
    out.push_back(':');
    put(msOfDay / 1000 % 60, 2);
    out.push_back('.');
    put(msOfDay % 1000, 3);
    out.push_back('Z');
    return out;
}

} // namespace adclick::core
