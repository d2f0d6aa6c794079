#include "json_out.h"

#include "cli_args.h"
#include "core/base/timestamp.h"

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
        s += jsonString(core::rejectReasonName(static_cast<core::RejectReason>(i))) + ":"
            + std::to_string(c.rejectedBy[i]);
    }
    return s + "},\"lost_bytes\":" + std::to_string(c.lostBytes)
        + ",\"lost_predecessors\":" + std::to_string(c.lostPredecessors);
}

std::string engineStateJsonFields(const core::Counters& c, int64_t watermarkMs, int64_t maxEventMs)
{
    return countersJsonFields(c) + ",\"watermark\":" + timeJson(watermarkMs)
        + ",\"max_event_time\":" + timeJson(maxEventMs);
}

//! A lag in messages; null when unknown (never 0 for unknown).
std::string lagJson(int64_t lag)
{
    return lag < 0 ? std::string("null") : std::to_string(lag);
}

std::string kafkaHealthJson(const core::KafkaHealth& h)
{
    std::string s = "{\"source\":" + jsonString(h.source) + ",\"topic\":" + jsonString(h.topic)
        + ",\"broker_state\":" + jsonString(h.brokerState) + ",\"rebalances\":" + std::to_string(h.rebalances)
        + ",\"data_gap\":" + (h.gap.empty() ? std::string("null") : jsonString(h.gap))
        + ",\"transient_errors\":" + std::to_string(h.transientErrors) + ",\"last_error\":"
        + (h.lastError.empty() ? std::string("null") : jsonString(h.lastError)) + ",\"updated\":"
        + timeJson(h.updatedMs) + ",\"lag_messages\":" + lagJson(h.lagMessages()) + ",\"partitions\":[";
    for (std::size_t i = 0; i < h.partitions.size(); ++i) {
        const core::PartitionHealth& p = h.partitions[i];
        s += (i ? ",{" : "{") + std::string("\"partition\":") + std::to_string(p.partition) + ",\"position\":"
            + std::to_string(p.position) + ",\"high_watermark\":" + std::to_string(p.highWatermark)
            + ",\"lag_messages\":" + lagJson(p.lagMessages) + ",\"lag_seconds\":"
            + std::to_string(double(p.lagMs) / 1000.0) + ",\"max_event_time\":" + timeJson(p.maxEventMs)
            + ",\"idle\":" + (p.idle ? "true" : "false") + "}";
    }
    return s + "]}";
}

std::string kafkaHealthListJson(const std::vector<core::KafkaHealth>& list)
{
    std::string s = "[";
    for (std::size_t i = 0; i < list.size(); ++i)
        s += (i ? "," : "") + kafkaHealthJson(list[i]);
    return s + "]";
}

std::string timeJson(int64_t ms)
{
    return ms == core::kNoTime ? "null" : jsonString(core::formatIsoUtc(ms));
}

} // namespace adclick::app
