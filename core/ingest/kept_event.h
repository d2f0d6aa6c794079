#pragma once

#include "core/base/click_event.h"

#include <string>
#include <string_view>

namespace adclick::core {

//! A copy of `e` whose fields live in `storage` (reused, so no allocation once it is large
//! enough): for a click kept in a look-ahead window after the buffer it was read from moves on.
inline ClickEvent keepClickEvent(const ClickEvent& e, std::string& storage)
{
    storage.clear();
    for (std::string_view f : { e.adId, e.userId, e.ip, e.country, e.clickId })
        storage.append(f);
    std::string_view rest = storage;
    auto take = [&rest](std::size_t n) {
        const std::string_view v = rest.substr(0, n);
        rest.remove_prefix(n);
        return v;
    };
    return ClickEvent { e.timeMs, take(e.adId.size()), take(e.userId.size()), take(e.ip.size()),
        take(e.country.size()), take(e.clickId.size()) };
}

} // namespace adclick::core
