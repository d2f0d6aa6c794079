#include "json_out.h"

#include "cli_args.h"
#include "core/timestamp.h"

#include <charconv>

namespace adclick::app {

std::string countersJsonFields(const core::Counters& c)
{
    std::string s = "\"lines\":" + std::to_string(c.lines) + ",\"accepted\":" + std::to_string(c.accepted)
        + ",\"duplicates\":" + std::to_string(c.duplicates) + ",\"late\":" + std::to_string(c.late)
        + ",\"late_applied\":" + std::to_string(c.lateApplied) + ",\"rejected\":" + std::to_string(c.rejected)
        + ",\"rejected_by_reason\":{";
    bool first = true;
    for (std::size_t i = 0; i < core::kRejectReasonCount; ++i) {
        if (!first) s += ',';
        first = false;
        s += jsonString(std::string(core::rejectReasonName(static_cast<core::RejectReason>(i)))) + ":"
            + std::to_string(c.rejectedBy[i]);
    }
    return s + "}";
}

std::string timeJson(int64_t ms)
{
    return ms == core::kNoTime ? "null" : jsonString(core::formatIsoUtc(ms));
}

std::optional<int64_t> parseDurationMs(const std::string& text)
{
    int64_t v = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || v < 0) return std::nullopt;
    const std::string unit(p, end);
    if (unit.empty() || unit == "s") return v * 1000;
    if (unit == "ms") return v;
    if (unit == "m") return v * 60'000;
    if (unit == "h") return v * 3'600'000;
    return std::nullopt;
}

} // namespace adclick::app
