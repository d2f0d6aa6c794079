#pragma once
// The two clocks: steady time for intervals (commits, progress, idleness) and wall
// time for what is shown to people (health reports, the watermark of an idle followed file).

#include <chrono>
#include <cstdint>

namespace adclick::core {

inline int64_t steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

inline int64_t wallMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace adclick::core
