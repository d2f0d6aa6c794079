#pragma once

#include <cstdint>
#include <string_view>

namespace adclick::core {

//! One parsed click. The views point into the line being parsed (or the parser's scratch
//! buffer) and stay valid only until the next parse call on the same parser.
struct ClickEvent {
    int64_t timeMs = 0; //!< event time: UTC epoch milliseconds
    std::string_view adId; //!< non-empty
    std::string_view userId;
    std::string_view ip; //!< valid IPv4 or IPv6 text
    std::string_view country; //!< upper-case letters
    std::string_view clickId; //!< empty when the source has none
};

constexpr int64_t kMinuteMs = 60'000;

//! Start of the one-minute pane that holds t, as epoch minutes (floor division, also for t < 0).
constexpr int64_t paneOf(int64_t timeMs)
{
    return timeMs >= 0 ? timeMs / kMinuteMs : -((-timeMs + kMinuteMs - 1) / kMinuteMs);
}

} // namespace adclick::core
