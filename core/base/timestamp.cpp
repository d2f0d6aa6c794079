#include "core/base/timestamp.h"

namespace adclick::core {

namespace {

// 9999-12-31T23:59:59.999Z: the last instant of the accepted year range.
constexpr int64_t kMaxEpochMs = 253'402'300'799'999;
constexpr int64_t kMaxOffsetMinutes = 18 * 60;

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

bool parseEpochMs(std::string_view text, int64_t& out)
{
    int64_t v = 0;
    for (char c : text) {
        if (!isDigit(c)) return false;
        v = v * 10 + (c - '0');
        if (v > kMaxEpochMs) // checked per digit, so v never overflows
            return false;
    }
    out = v;
    return true;
}

// `(Z|±hh:mm|±hhmm)` at the end of a timestamp; minutes east of UTC.
bool parseZone(std::string_view z, int& offsetMinutes)
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

bool parseTimestamp(std::string_view s, int64_t& epochMs)
{
    if (s.empty()) return false;
    if (isDigit(s[0]) && (s.size() < 5 || s[4] != '-')) return parseEpochMs(s, epochMs);

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
        ++i;
        const std::size_t fracStart = i;
        while (i < s.size() && isDigit(s[i])) {
            if (i - fracStart < 3) millis = millis * 10 + (s[i] - '0');
            ++i;
        }
        const std::size_t n = i - fracStart;
        if (n == 0 || n > 9) return false;
        for (std::size_t k = n; k < 3; ++k)
            millis *= 10;
    }

    int offsetMinutes = 0;
    if (i < s.size()) {
        if (!parseZone(s.substr(i), offsetMinutes)) return false;
    } else if (sep == 'T') {
        // ISO-8601 without a zone means local time, which a log line cannot pin down: refuse
        // rather than guess.
        return false;
    }

    const int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const int64_t ms = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60'000 + second * 1000 + millis;
    // An offset can push the instant outside the range the epoch form allows; keep one domain.
    if (ms < 0 || ms > kMaxEpochMs) return false;
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
