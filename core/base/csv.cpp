#include "core/base/csv.h"

namespace adclick::core {

std::string csvField(std::string_view v)
{
    if (v.find_first_of(",\"\r\n") == std::string_view::npos
        && (v.empty() || (v.front() != ' ' && v.back() != ' ')))
        return std::string(v);
    std::string out = "\"";
    for (const char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace adclick::core
