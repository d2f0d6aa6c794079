// Synthetic input of the micro benchmarks (tests/bench): the same clicks as CSV, book and JSON
// lines — 100k ads, 100k users, one click a millisecond from 2021-01-01 00:10, half with a click
// id, ISO times (and epoch ms in every fourth CSV line, as logs mix them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace adclick::bench {

struct Click {
    std::string ad, time, user, ip, country, clickId;
    int64_t timeMs = 0;
};

inline Click clickNo(int i)
{
    static const char* const kCountries[] = { "US", "KR", "JP", "DE", "GB", "FR", "IN", "BR" };
    Click c;
    c.timeMs = 1'609'460'000'000 + i; // 2021-01-01T00:13:20Z + i ms
    const int64_t msOfHour = c.timeMs % 3'600'000;
    char t[32];
    std::snprintf(t, sizeof t, "2021-01-01 00:%02d:%02d.%03d", int(msOfHour / 60'000),
        int(msOfHour / 1000 % 60), int(msOfHour % 1000));
    c.time = i % 4 == 3 ? std::to_string(c.timeMs) : t;
    c.ad = "ad" + std::to_string(100'000 + int64_t(i) * 7919 % 100'000);
    c.user = "user" + std::to_string(int64_t(i) * 104'729 % 100'000);
    c.ip = std::to_string(1 + i % 223) + "." + std::to_string(i / 7 % 256) + "." + std::to_string(i / 3 % 256)
        + "." + std::to_string(i % 256);
    c.country = kCountries[i % 8];
    if (i % 2 == 0) c.clickId = "c" + std::to_string(1'000'000'007LL * i % 1'000'000'000'039LL);
    return c;
}

inline std::vector<std::string> csvLines(int n)
{
    std::vector<std::string> lines { "ad_id,click_timestamp,user_id,ip,country,click_id" };
    for (int i = 0; i < n; ++i) {
        const Click c = clickNo(i);
        lines.push_back(c.ad + "," + c.time + "," + c.user + "," + c.ip + "," + c.country + "," + c.clickId);
    }
    return lines;
}

inline std::vector<std::string> bookLines(int n)
{
    std::vector<std::string> lines;
    for (int i = 0; i < n; ++i) {
        const Click c = clickNo(i);
        std::string l
            = "[AdClickEvent] " + c.ad + ", " + c.time + ", " + c.user + ", " + c.ip + ", " + c.country;
        if (!c.clickId.empty()) l += ", " + c.clickId;
        lines.push_back(std::move(l));
    }
    return lines;
}

inline std::vector<std::string> jsonLines(int n)
{
    std::vector<std::string> lines;
    for (int i = 0; i < n; ++i) {
        const Click c = clickNo(i);
        std::string l = R"({"ad_id":")" + c.ad + R"(","click_timestamp":")" + c.time + R"(","user_id":")"
            + c.user + R"(","ip":")" + c.ip + R"(","country":")" + c.country + "\"";
        if (!c.clickId.empty()) l += R"(,"click_id":")" + c.clickId + "\"";
        lines.push_back(l + "}");
    }
    return lines;
}

} // namespace adclick::bench
