#pragma once
// Text for messages about the system: an errno as words, a path in quotes.

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace adclick::core {

//! strerror for `err`, thread-safe (strerror is not), for either strerror_r variant.
inline std::string errnoText(int err)
{
    char buf[256];
    auto r = strerror_r(err, buf, sizeof buf);
    if constexpr (std::is_same_v<decltype(r), char*>)
        return r; // GNU variant
    else
        return r == 0 ? std::string(buf) : "error " + std::to_string(err);
}

//! A path as messages show it: 'like this'.
inline std::string quoted(std::string_view path)
{
    std::string out = "'";
    out += path;
    out += '\'';
    return out;
}

} // namespace adclick::core
