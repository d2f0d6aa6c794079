#include "core/pipeline/raw_format.h"

#include <charconv>

namespace adclick::core {

namespace {
bool nextField(std::string_view& rest, std::string_view& field)
{
    const auto tab = rest.find('\t');
    if (tab == std::string_view::npos) return false;
    field = rest.substr(0, tab);
    rest.remove_prefix(tab + 1);
    return true;
}
} // namespace

bool parseRawLine(std::string_view line, RawEvent& out)
{
    if (line.size() < 3 || line[1] != '\t') return false;
    switch (line[0]) {
    case 'A':
    case 'L':
    case 'U':
    case 'D':
    case 'H':
        out.status = static_cast<RawStatus>(line[0]);
        break;
    default:
        return false;
    }
    std::string_view rest = line.substr(2);
    std::string_view time;
    if (!nextField(rest, time)) return false;
    const auto [end, ec] = std::from_chars(time.data(), time.data() + time.size(), out.timeMs);
    if (ec != std::errc() || end != time.data() + time.size()) return false;
    if (!nextField(rest, out.adId) || !nextField(rest, out.country) || !nextField(rest, out.userId)
        || !nextField(rest, out.ip))
        return false;
    if (rest.find('\t') != std::string_view::npos) return false;
    out.clickId = rest;
    return !out.adId.empty();
}

void appendRawLine(std::string& out, RawStatus status, int64_t timeMs, std::string_view adId,
    std::string_view country, std::string_view userId, std::string_view ip, std::string_view clickId)
{
    char num[24];
    const auto [end, ec] = std::to_chars(num, num + sizeof num, timeMs);
    (void)ec;
    out.push_back(static_cast<char>(status));
    out.push_back('\t');
    out.append(num, end);
    out.push_back('\t');
    out.append(adId);
    out.push_back('\t');
    out.append(country);
    out.push_back('\t');
    out.append(userId);
    out.push_back('\t');
    out.append(ip);
    out.push_back('\t');
    out.append(clickId);
    out.push_back('\n');
}

} // namespace adclick::core
