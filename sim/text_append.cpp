#include "sim/text_append.h"

#include "core/base/timestamp.h"

#include <cstring>

namespace adclick::core::clickgen {

std::string doubleText(double v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, static_cast<std::size_t>(r.ptr - buf));
}

std::string msAsSeconds(int64_t ms)
{
    if (ms % 1000 == 0) return std::to_string(ms / 1000);
    return doubleText(static_cast<double>(ms) / 1000);
}

void TimeText::append(std::string& o, int64_t t, char sep, bool zulu)
{
    const int64_t day = t / 86'400'000;
    const int64_t msOfDay = t % 86'400'000;
    if (day != m_day) setDay(day);
    char buf[24];
    std::memcpy(buf, m_date, 10);
    buf[10] = sep;
    const auto h = static_cast<int>(msOfDay / 3'600'000), mi = static_cast<int>(msOfDay / 60'000 % 60),
               s = static_cast<int>(msOfDay / 1000 % 60), ms = static_cast<int>(msOfDay % 1000);
    buf[11] = static_cast<char>('0' + h / 10);
    buf[12] = static_cast<char>('0' + h % 10);
    buf[13] = ':';
    buf[14] = static_cast<char>('0' + mi / 10);
    buf[15] = static_cast<char>('0' + mi % 10);
    buf[16] = ':';
    buf[17] = static_cast<char>('0' + s / 10);
    buf[18] = static_cast<char>('0' + s % 10);
    buf[19] = '.';
    buf[20] = static_cast<char>('0' + ms / 100);
    buf[21] = static_cast<char>('0' + ms / 10 % 10);
    buf[22] = static_cast<char>('0' + ms % 10);
    buf[23] = 'Z';
    o.append(buf, zulu ? 24 : 23);
}

void TimeText::setDay(int64_t days)
{
    const CivilDate date = civilFromDays(days);
    const unsigned m = date.month, d = date.day;
    const auto year = static_cast<unsigned>(date.year); // 1970..9999
    const unsigned parts[]
        = { year / 1000, year / 100 % 10, year / 10 % 10, year % 10, 10, m / 10, m % 10, 10, d / 10, d % 10 };
    for (int i = 0; i < 10; ++i)
        m_date[i] = parts[i] == 10 ? '-' : static_cast<char>('0' + parts[i]);
    m_day = days;
}

} // namespace adclick::core::clickgen
