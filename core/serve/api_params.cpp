#include "core/serve/api_params.h"

#include "core/base/timestamp.h"

#include <charconv>

namespace adclick::core {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

} // namespace

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+' && plusIsSpace) {
            out += ' ';
            continue;
        }
        if (c != '%') {
            if (c == '\0') return std::nullopt;
            out += c;
            continue;
        }
        const int hi = i + 1 < text.size() ? hexValue(text[i + 1]) : -1;
        const int lo = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) return std::nullopt;
        const char decoded = static_cast<char>(hi * 16 + lo);
        if (decoded == '\0') return std::nullopt;
        out += decoded;
        i += 2;
    }
    return out;
}

std::optional<int64_t> parseApiWhole(std::string_view text, int64_t min, int64_t max)
{
    if (text.empty() || text.size() > 19) return std::nullopt;
    for (const char c : text)
        if (c < '0' || c > '9') return std::nullopt;
    int64_t v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v < min || v > max) return std::nullopt;
    return v;
}

bool parseApiTime(std::string_view text, int64_t& epochMs)
{
    if (const auto minute = parseApiWhole(text, 0, kMaxEpochMinute)) {
        epochMs = *minute * 60'000;
        return true;
    }
    return parseTimestamp(text, epochMs);
}

} // namespace adclick::core
