// A small reader of the system tz database (RFC 8536 TZif files) for `--time-zone Area/City`.
// GCC 12's libstdc++ has no std::chrono::tzdb, and the C library's localtime_r works on the one
// process-wide TZ, so the zone is read here: the transition table of the file, then the POSIX TZ
// rule of its footer for instants after the last transition.
#include "core/base/time_zone.h"

#include "core/base/timestamp.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace adclick::core {

namespace {

constexpr int32_t kMaxFixedSeconds = 18 * 3600;
constexpr std::size_t kMaxZoneFileBytes = 1 << 20; // the largest TZif file is under 4 KiB

inline bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int64_t floorDiv(int64_t a, int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

//! `[+-]hh[:mm[:ss]]` (POSIX TZ offsets and rule times; hours up to `maxHours`) → seconds,
//! positive for '+' or no sign; advances `p`.
bool readHms(std::string_view s, std::size_t& p, int maxHours, int32_t& out)
{
    int sign = 1;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) sign = s[p++] == '-' ? -1 : 1;
    int32_t parts[3] = { 0, 0, 0 };
    for (int k = 0; k < 3; ++k) {
        if (k > 0) {
            if (p >= s.size() || s[p] != ':') break;
            ++p;
        }
        const std::size_t start = p;
        while (p < s.size() && isDigit(s[p]) && p - start < 3)
            parts[k] = parts[k] * 10 + (s[p++] - '0');
        if (p == start) return false;
    }
    if (parts[0] > maxHours || parts[1] > 59 || parts[2] > 59) return false;
    out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
    return true;
}

//! A POSIX TZ rule date: Jn (1..365, no Feb 29), n (0..365) or Mm.w.d.
struct RuleDate {
    char kind = 'M'; // 'J', 'N' or 'M'
    int a = 0, b = 0, c = 0; // n, or m, w, d
    int32_t time = 2 * 3600; // local time of the change, seconds
};

bool readRuleDate(std::string_view s, std::size_t& p, RuleDate& d)
{
    auto number = [&](int& v) {
        const std::size_t start = p;
        v = 0;
        while (p < s.size() && isDigit(s[p]) && p - start < 3)
            v = v * 10 + (s[p++] - '0');
        return p > start;
    };
    if (p < s.size() && s[p] == 'M') {
        ++p;
        d.kind = 'M';
        if (!number(d.a) || p >= s.size() || s[p++] != '.' || !number(d.b) || p >= s.size() || s[p++] != '.'
            || !number(d.c))
            return false;
        if (d.a < 1 || d.a > 12 || d.b < 1 || d.b > 5 || d.c > 6) return false;
    } else if (p < s.size() && s[p] == 'J') {
        ++p;
        d.kind = 'J';
        if (!number(d.a) || d.a < 1 || d.a > 365) return false;
    } else {
        d.kind = 'N';
        if (!number(d.a) || d.a > 365) return false;
    }
    if (p < s.size() && s[p] == '/') return readHms(s, ++p, 167, d.time);
    return true;
}

//! Days since 1970 of a rule date in `year`.
int64_t ruleDay(const RuleDate& d, int64_t year)
{
    const int64_t jan1 = daysFromCivil(year, 1, 1);
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (d.kind == 'J') return jan1 + d.a - 1 + (leap && d.a >= 60 ? 1 : 0);
    if (d.kind == 'N') return jan1 + d.a;
    const auto month = static_cast<unsigned>(d.a);
    const int64_t first = daysFromCivil(year, month, 1);
    const int64_t weekdayOfFirst = ((first + 4) % 7 + 7) % 7; // 1970-01-01 was a Thursday (4)
    int64_t day = first + (d.c - weekdayOfFirst + 7) % 7 + int64_t(d.b - 1) * 7;
    const int64_t next = month == 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
    while (day >= next) // week 5 means the last such weekday
        day -= 7;
    return day;
}

//! The footer rule: `std offset [dst [offset] [,start[/time],end[/time]]]`.
struct PosixRule {
    int32_t stdOffset = 0; //!< seconds east of UTC (POSIX writes the opposite sign)
    int32_t dstOffset = 0;
    bool hasDst = false;
    RuleDate start, end;

    int32_t offsetAt(int64_t t) const
    {
        if (!hasDst) return stdOffset;
        const int64_t year = civilFromDays(floorDiv(t + stdOffset, 86'400)).year;
        const int64_t s = ruleDay(start, year) * 86'400 + start.time - stdOffset;
        const int64_t e = ruleDay(end, year) * 86'400 + end.time - dstOffset;
        const bool dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
        return dst ? dstOffset : stdOffset;
    }
};

bool readZoneAbbrev(std::string_view s, std::size_t& p)
{
    const std::size_t start = p;
    if (p < s.size() && s[p] == '<') {
        p = s.find('>', p);
        if (p == std::string_view::npos) return false;
        ++p;
        return true;
    }
    while (p < s.size() && ((s[p] >= 'A' && s[p] <= 'Z') || (s[p] >= 'a' && s[p] <= 'z')))
        ++p;
    return p - start >= 3;
}

bool parsePosixRule(std::string_view s, PosixRule& r)
{
    std::size_t p = 0;
    int32_t off = 0;
    if (!readZoneAbbrev(s, p) || !readHms(s, p, 24, off)) return false;
    r.stdOffset = -off;
    if (p == s.size()) return true;
    if (!readZoneAbbrev(s, p)) return false;
    r.hasDst = true;
    r.dstOffset = r.stdOffset + 3600;
    if (p < s.size() && s[p] != ',') {
        if (!readHms(s, p, 24, off)) return false;
        r.dstOffset = -off;
    }
    // Without a rule POSIX leaves the dates to the implementation; the tz database never omits it.
    if (p >= s.size() || s[p++] != ',' || !readRuleDate(s, p, r.start)) return false;
    if (p >= s.size() || s[p++] != ',' || !readRuleDate(s, p, r.end)) return false;
    return p == s.size();
}

} // namespace

struct TimeZone::Rules {
    std::vector<int64_t> transitions; //!< UTC seconds, ascending
    std::vector<int32_t> offsetAfter; //!< offset in force from each transition on
    int32_t initialOffset = 0; //!< before the first transition
    bool hasFooter = false;
    PosixRule footer; //!< after the last transition

    int32_t offsetAt(int64_t t) const
    {
        if (hasFooter && (transitions.empty() || t >= transitions.back())) return footer.offsetAt(t);
        const auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
        if (it == transitions.begin()) return initialOffset;
        return offsetAfter[static_cast<std::size_t>(it - transitions.begin() - 1)];
    }
};

namespace {

struct Reader {
    std::string_view data;
    std::size_t pos = 0;
    bool take(std::size_t n, const char*& out)
    {
        if (data.size() - pos < n) return false;
        out = data.data() + pos;
        pos += n;
        return true;
    }
};

int64_t bigEndian(const char* p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | static_cast<unsigned char>(p[i]);
    if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
}

//! One TZif header and data block (`timeBytes` 4 for v1, 8 for v2+) into `rules`.
bool readBlock(Reader& r, int timeBytes, TimeZone::Rules& rules, std::string& error)
{
    const char* h = nullptr;
    if (!r.take(44, h) || std::string_view(h, 4) != "TZif") return (error = "not a TZif file", false);
    const auto count = [h](int i) { return static_cast<std::size_t>(bigEndian(h + 20 + 4 * i, 4)); };
    const std::size_t isut = count(0), isstd = count(1), leap = count(2), times = count(3), types = count(4),
                      chars = count(5);
    if (leap != 0) return (error = "zones with leap seconds (right/…) are not supported", false);
    if (types == 0 || types > 256) return (error = "bad TZif type count", false);
    const char *t = nullptr, *idx = nullptr, *tt = nullptr, *rest = nullptr;
    const auto tb = static_cast<std::size_t>(timeBytes);
    if (!r.take(times * tb, t) || !r.take(times, idx) || !r.take(types * 6, tt)
        || !r.take(chars + leap * (tb + 4) + isstd + isut, rest))
        return (error = "truncated TZif file", false);
    rules.transitions.clear();
    rules.offsetAfter.clear();
    std::vector<int32_t> offsets(types);
    for (std::size_t i = 0; i < types; ++i) {
        offsets[i] = static_cast<int32_t>(bigEndian(tt + 6 * i, 4));
        if (offsets[i] < -25 * 3600 || offsets[i] > 26 * 3600) return (error = "bad TZif offset", false);
    }
    for (std::size_t i = 0; i < times; ++i) {
        const auto type = static_cast<unsigned char>(idx[i]);
        if (type >= types) return (error = "bad TZif type index", false);
        rules.transitions.push_back(bigEndian(t + tb * i, timeBytes));
        rules.offsetAfter.push_back(offsets[type]);
    }
    if (!std::is_sorted(rules.transitions.begin(), rules.transitions.end()))
        return (error = "TZif transitions out of order", false);
    rules.initialOffset = offsets[0]; // RFC 8536 3.2: type 0 is in force before the first transition
    return true;
}

bool readTzif(std::string_view data, TimeZone::Rules& rules, std::string& error)
{
    Reader r { data };
    if (!readBlock(r, 4, rules, error)) return false;
    if (data.size() < 5 || data[4] < '2') return true; // version 1: 32-bit table only
    if (!readBlock(r, 8, rules, error)) return false;
    // The footer: "\n" POSIX-TZ "\n"; empty means no rule after the table.
    const std::string_view rest = data.substr(r.pos);
    if (rest.size() < 2 || rest[0] != '\n') return (error = "TZif footer missing", false);
    const std::size_t end = rest.find('\n', 1);
    if (end == std::string_view::npos) return (error = "TZif footer not terminated", false);
    const std::string_view tz = rest.substr(1, end - 1);
    if (tz.empty()) return true;
    if (!parsePosixRule(tz, rules.footer))
        return (error = "unsupported TZ rule '" + std::string(tz) + "' in the TZif footer", false);
    rules.hasFooter = true;
    return true;
}

bool validZoneName(std::string_view n)
{
    if (n.empty() || n.size() > 255 || n.front() == '/' || n.find("..") != std::string_view::npos)
        return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '/' || c == '_'
            || c == '-' || c == '+';
    });
}

//! "±hh", "±hhmm", "±hh:mm" → seconds east of UTC.
bool parseFixedOffset(std::string_view s, int32_t& out)
{
    if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return false;
    std::string_view d = s.substr(1);
    std::string digits;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (d[i] == ':' && i == 2) continue;
        if (!isDigit(d[i])) return false;
        digits.push_back(d[i]);
    }
    if (digits.size() != 2 && digits.size() != 4) return false;
    if (d.size() == 5 && d[2] != ':') return false;
    const int hh = (digits[0] - '0') * 10 + (digits[1] - '0');
    const int mm = digits.size() == 4 ? (digits[2] - '0') * 10 + (digits[3] - '0') : 0;
    if (mm > 59) return false;
    const int32_t total = hh * 3600 + mm * 60;
    if (total > kMaxFixedSeconds) return false;
    out = s[0] == '-' ? -total : total;
    return true;
}

std::string fixedName(int32_t seconds)
{
    if (seconds == 0) return "UTC";
    const int32_t a = seconds < 0 ? -seconds : seconds;
    const int hh = a / 3600, mm = a / 60 % 60;
    std::string out(1, seconds < 0 ? '-' : '+');
    out += static_cast<char>('0' + hh / 10);
    out += static_cast<char>('0' + hh % 10);
    out += ':';
    out += static_cast<char>('0' + mm / 10);
    out += static_cast<char>('0' + mm % 10);
    return out;
}

} // namespace

bool TimeZone::load(std::string_view name, TimeZone& out, std::string& error)
{
    TimeZone z;
    if (name == "UTC" || name == "utc" || name == "Z") {
        out = z;
        return true;
    }
    if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
        if (!parseFixedOffset(name, z.m_fixedSeconds)) {
            error = "a time-zone offset is ±hh:mm, ±hhmm or ±hh up to 18 hours, not '" + std::string(name)
                + "'";
            return false;
        }
        z.m_name = fixedName(z.m_fixedSeconds);
        out = z;
        return true;
    }
    if (!validZoneName(name)) {
        error = "unknown time zone '" + std::string(name) + "' (expected UTC, ±hh:mm or an Area/City name)";
        return false;
    }
    const char* dirEnv = std::getenv("TZDIR");
    const std::string dir = dirEnv != nullptr && *dirEnv != '\0' ? dirEnv : "/usr/share/zoneinfo";
    const std::string path = dir + "/" + std::string(name);
    std::string data;
    // stdio, not iostreams: a directory (Europe) must be an error, not an exception.
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        char buf[4096];
        std::size_t n = 0;
        while (data.size() < kMaxZoneFileBytes && (n = std::fread(buf, 1, sizeof buf, f)) > 0)
            data.append(buf, n);
        if (std::ferror(f) != 0) data.clear();
        std::fclose(f);
    }
    if (data.empty()) {
        error = "unknown time zone '" + std::string(name) + "': no zone file " + path
            + " (is tzdata installed?)";
        return false;
    }
    auto rules = std::make_shared<Rules>();
    std::string why;
    if (!readTzif(data, *rules, why)) {
        error = "cannot read time zone '" + std::string(name) + "' from " + path + ": " + why;
        return false;
    }
    z.m_name.assign(name);
    z.m_rules = std::move(rules);
    out = z;
    return true;
}

int32_t TimeZone::offsetAt(int64_t utcSeconds) const
{
    return m_rules ? m_rules->offsetAt(utcSeconds) : m_fixedSeconds;
}

bool TimeZone::wallToUtc(int64_t wallMs, int64_t& utcMs) const
{
    if (!m_rules) {
        utcMs = wallMs - int64_t(m_fixedSeconds) * 1000;
        return true;
    }
    // The offsets in force a day before and a day after are the only candidates (no zone changes
    // its offset twice within two days); a candidate is right when it is in force at the instant it
    // gives.
    const int64_t wall = floorDiv(wallMs, 1000);
    const int32_t before = offsetAt(wall - 86'400), after = offsetAt(wall + 86'400);
    const bool beforeFits = offsetAt(wall - before) == before;
    const bool afterFits = offsetAt(wall - after) == after;
    if (!beforeFits && !afterFits) return false; // a gap: this wall time never happened
    int32_t offset = beforeFits ? before : after;
    if (beforeFits && afterFits) offset = std::max(before, after); // an overlap: the earlier instant
    utcMs = wallMs - int64_t(offset) * 1000;
    return true;
}

} // namespace adclick::core
