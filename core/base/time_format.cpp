// `--time-format` / `--time-zone`: the readings of a click time stamp other than the default one
// (which is parseTimestamp, kept as the hot path).
#include "core/base/time_format.h"

namespace adclick::core {

namespace {

constexpr const char* kMonths[12] = { "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december" };
constexpr const char* kWeekdays[7]
    = { "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday" };

inline bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool isLeap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int y, int m)
{
    constexpr int kDays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

//! `min`..`max` digits at p → value; advances p.
bool readDigits(std::string_view s, std::size_t& p, int min, int max, int64_t& out)
{
    int64_t v = 0;
    int n = 0;
    while (n < max && p < s.size() && isDigit(s[p])) {
        v = v * 10 + (s[p++] - '0');
        ++n;
    }
    out = v;
    return n >= min;
}

//! A full English name or its three-letter abbreviation, case-insensitive → index; advances p.
bool readName(std::string_view s, std::size_t& p, const char* const* names, int count, int& out)
{
    for (int i = 0; i < count; ++i) {
        const std::string_view full(names[i]);
        for (std::size_t len : { full.size(), std::size_t(3) }) {
            if (s.size() - p < len) continue;
            bool same = true;
            for (std::size_t k = 0; k < len && same; ++k)
                same = lower(s[p + k]) == full[k];
            if (same) {
                p += len;
                out = i;
                return true;
            }
        }
    }
    return false;
}

//! `%z`: Z, ±hh:mm, ±hhmm or ±hh (at most 18 h) → minutes east; advances p.
bool readOffset(std::string_view s, std::size_t& p, int& minutes)
{
    if (p < s.size() && s[p] == 'Z') {
        ++p;
        minutes = 0;
        return true;
    }
    if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
    const bool negative = s[p++] == '-';
    int64_t hh = 0, mm = 0;
    if (!readDigits(s, p, 2, 2, hh)) return false;
    if (p < s.size() && s[p] == ':') {
        ++p;
        if (!readDigits(s, p, 2, 2, mm)) return false;
    } else if (p + 1 < s.size() && isDigit(s[p]) && isDigit(s[p + 1])) {
        readDigits(s, p, 2, 2, mm);
    }
    if (mm > 59 || hh * 60 + mm > 18 * 60) return false;
    minutes = static_cast<int>(negative ? -(hh * 60 + mm) : hh * 60 + mm);
    return true;
}

} // namespace

//! What a pattern match found; -1 = not given.
struct TimeFormat::Fields {
    int64_t year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0, millis = 0, epochSeconds = -1;
    int weekday = -1, pm = -1, offsetMinutes = 0;
    bool hasZone = false, twelveHour = false;
};

bool TimeFormat::compile(std::string_view pattern, std::vector<Item>& items, std::string& error)
{
    std::string expanded;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%' || i + 1 == pattern.size()) {
            expanded += pattern[i];
            continue;
        }
        const char d = pattern[++i];
        if (d == 'T')
            expanded += "%H:%M:%S";
        else if (d == 'F')
            expanded += "%Y-%m-%d";
        else if (d == 'D')
            expanded += "%m/%d/%y";
        else if (d == 'R')
            expanded += "%H:%M";
        else
            expanded += std::string { '%', d };
    }
    items.clear();
    std::string seen;
    for (std::size_t i = 0; i < expanded.size(); ++i) {
        if (expanded[i] != '%') {
            items.push_back({ 0, expanded[i] });
            continue;
        }
        if (i + 1 == expanded.size()) return (error = "the time format ends with a lone '%'", false);
        const char d = expanded[++i];
        if (std::string_view("YymdeHIpMSfbBhaAzZs%").find(d) == std::string_view::npos) {
            error = std::string("the time format has the directive %") + d
                + ", which is not supported (use %Y %y %m %d %e %H %I %p %M %S %f %b %B %a %A %z %Z %s %T %F "
                  "%D %R "
                  "%%)";
            return false;
        }
        items.push_back(d == '%' ? Item { 0, '%' } : Item { d, 0 });
        seen += d;
    }
    auto has = [&seen](const char* any) { return seen.find_first_of(any) != std::string::npos; };
    if (!has("s") && !(has("Yy") && has("mbBh") && has("de")))
        return (error = "the time format needs a year (%Y or %y), a month (%m or %b) and a day (%d), or %s",
            false);
    if (has("I") != has("p"))
        return (error = "the time format needs %I and %p together (12-hour clock)", false);
    return true;
}

bool TimeFormat::make(std::string_view format, std::string_view zone, TimeFormat& out, std::string& error)
{
    TimeFormat f;
    if (!TimeZone::load(zone.empty() ? std::string_view("UTC") : zone, f.m_zone, error)) return false;
    f.m_text.assign(format);
    if (format == "auto") {
        f.m_kind = Kind::Auto;
    } else if (format == "iso") {
        f.m_kind = Kind::Iso;
    } else if (format == "epoch-s" || format == "epoch-ms" || format == "epoch-us" || format == "epoch-ns") {
        f.m_kind = Kind::Epoch;
        f.m_unit = format == "epoch-s" ? EpochUnit::Seconds
            : format == "epoch-ms"     ? EpochUnit::Millis
            : format == "epoch-us"     ? EpochUnit::Micros
                                       : EpochUnit::Nanos;
    } else if (format.find('%') != std::string_view::npos) {
        f.m_kind = Kind::Pattern;
        if (!compile(format, f.m_items, error)) return false;
    } else {
        error = "expected auto, iso, epoch-s, epoch-ms, epoch-us, epoch-ns or a strftime pattern such as "
                "'%d/%m/%Y %H:%M:%S', not '"
            + std::string(format) + "'";
        return false;
    }
    out = std::move(f);
    return true;
}

std::string TimeFormat::spec() const
{
    if (m_zone.isUtc() && m_text.find('|') == std::string::npos) return m_text;
    return m_zone.name() + "|" + m_text;
}

bool TimeFormat::fromSpec(std::string_view spec, TimeFormat& out, std::string& error)
{
    if (spec.empty()) {
        out = TimeFormat();
        return true;
    }
    const std::size_t bar = spec.find('|');
    if (bar == std::string_view::npos) return make(spec, "UTC", out, error);
    return make(spec.substr(bar + 1), spec.substr(0, bar), out, error);
}

bool TimeFormat::finish(int64_t wallMs, bool hasZone, int offsetMinutes, int64_t& epochMs) const
{
    int64_t ms = 0;
    if (hasZone)
        ms = wallMs - int64_t(offsetMinutes) * 60'000;
    else if (!m_zone.wallToUtc(wallMs, ms))
        return false; // a wall time in a daylight-saving gap
    if (ms < 0 || ms > kLastEpochMs) return false;
    epochMs = ms;
    return true;
}

bool TimeFormat::parseIso(std::string_view text, int64_t& epochMs) const
{
    IsoParts parts;
    if (!parseIsoParts(text, parts)) return false;
    return finish(parts.wallMs, parts.hasZone, parts.offsetMinutes, epochMs);
}

bool TimeFormat::parseOther(std::string_view text, int64_t& epochMs) const
{
    switch (m_kind) {
    case Kind::Auto:
        if (!text.empty() && isDigit(text[0]) && (text.size() < 5 || text[4] != '-'))
            return parseEpoch(text, EpochUnit::Auto, epochMs); // an epoch is UTC by definition
        return parseIso(text, epochMs);
    case Kind::Iso:
        return parseIso(text, epochMs);
    case Kind::Epoch:
        return parseEpoch(text, m_unit, epochMs);
    default:
        return parsePattern(text, epochMs);
    }
}

bool TimeFormat::matchItem(const Item& item, std::string_view s, std::size_t& p, Fields& f)
{
    int64_t v = 0;
    switch (item.directive) {
    case 0:
        if (item.literal == ' ') {
            while (p < s.size() && (s[p] == ' ' || s[p] == '\t'))
                ++p;
            return true;
        }
        return p < s.size() && s[p++] == item.literal;
    case 'Y':
        return readDigits(s, p, 4, 4, f.year);
    case 'y':
        if (!readDigits(s, p, 2, 2, v)) return false;
        f.year = v < 69 ? 2000 + v : 1900 + v; // POSIX: 69..99 → 19xx, 00..68 → 20xx
        return true;
    case 'm':
        return readDigits(s, p, 1, 2, f.month);
    case 'e':
        if (p < s.size() && s[p] == ' ') ++p;
        [[fallthrough]];
    case 'd':
        return readDigits(s, p, 1, 2, f.day);
    case 'H':
        return readDigits(s, p, 1, 2, f.hour);
    case 'I':
        f.twelveHour = true;
        return readDigits(s, p, 1, 2, f.hour);
    case 'M':
        return readDigits(s, p, 1, 2, f.minute);
    case 'S':
        return readDigits(s, p, 1, 2, f.second);
    default:
        break;
    }
    return matchWordItem(item.directive, s, p, f);
}

bool TimeFormat::matchWordItem(char directive, std::string_view s, std::size_t& p, Fields& f)
{
    int index = 0;
    switch (directive) {
    case 'f': {
        const std::size_t start = p;
        int64_t v = 0;
        if (!readDigits(s, p, 1, 9, v)) return false;
        f.millis = 0;
        for (std::size_t k = 0; k < 3; ++k)
            f.millis = f.millis * 10 + (start + k < p ? s[start + k] - '0' : 0);
        return !(p < s.size() && isDigit(s[p])); // over 9 digits
    }
    case 'b':
    case 'B':
    case 'h':
        if (!readName(s, p, kMonths, 12, index)) return false;
        f.month = index + 1;
        return true;
    case 'a':
    case 'A':
        return readName(s, p, kWeekdays, 7, f.weekday);
    case 'p':
        if (s.size() - p < 2 || lower(s[p + 1]) != 'm' || (lower(s[p]) != 'a' && lower(s[p]) != 'p'))
            return false;
        f.pm = lower(s[p]) == 'p' ? 1 : 0;
        p += 2;
        return true;
    case 'z':
        f.hasZone = true;
        return readOffset(s, p, f.offsetMinutes);
    case 'Z': {
        const std::size_t start = p;
        while (p < s.size() && ((s[p] >= 'A' && s[p] <= 'Z') || (s[p] >= 'a' && s[p] <= 'z')))
            ++p;
        const std::string_view name = s.substr(start, p - start);
        // Zone abbreviations are ambiguous (IST, CST): only the ones that mean UTC are read.
        f.hasZone = true;
        f.offsetMinutes = 0;
        return name == "UTC" || name == "GMT" || name == "Z";
    }
    case 's':
        return readDigits(s, p, 1, 12, f.epochSeconds);
    default:
        return false;
    }
}

bool TimeFormat::parsePattern(std::string_view text, int64_t& epochMs) const
{
    Fields f;
    std::size_t p = 0;
    for (const Item& item : m_items)
        if (!matchItem(item, text, p, f)) return false;
    if (p != text.size()) return false;
    if (f.epochSeconds >= 0) {
        const int64_t ms = f.epochSeconds * 1000 + f.millis;
        if (ms > kLastEpochMs) return false;
        epochMs = ms;
        return true;
    }
    if (f.twelveHour) {
        if (f.hour < 1 || f.hour > 12) return false;
        f.hour = f.hour % 12 + (f.pm == 1 ? 12 : 0);
    }
    if (f.year < 1970 || f.year > 9999 || f.month < 1 || f.month > 12 || f.day < 1
        || f.day > daysInMonth(static_cast<int>(f.year), static_cast<int>(f.month)) || f.hour > 23
        || f.minute > 59 || f.second > 59)
        return false;
    const int64_t days = daysFromCivil(f.year, static_cast<unsigned>(f.month), static_cast<unsigned>(f.day));
    if (f.weekday >= 0 && ((days + 4) % 7 + 7) % 7 != f.weekday)
        return false; // a weekday that contradicts the date
    const int64_t wallMs = ((days * 24 + f.hour) * 60 + f.minute) * 60'000 + f.second * 1000 + f.millis;
    return finish(wallMs, f.hasZone, f.offsetMinutes, epochMs);
}

} // namespace adclick::core
