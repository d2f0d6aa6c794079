#include "core/serve/result_json.h"

#include "core/base/timestamp.h"

namespace adclick::core {

std::string countersJsonFields(const Counters& c)
{
    std::string s = "\"lines\":" + std::to_string(c.lines) + ",\"accepted\":" + std::to_string(c.accepted)
        + ",\"duplicates\":" + std::to_string(c.duplicates) + ",\"late\":" + std::to_string(c.late)
        + ",\"late_applied\":" + std::to_string(c.lateApplied) + ",\"rejected\":" + std::to_string(c.rejected)
        + ",\"rejected_by_reason\":{";
    bool first = true;
    for (std::size_t i = 0; i < kRejectReasonCount; ++i) {
        if (!first) s += ',';
        first = false;
        s += jsonString(rejectReasonName(static_cast<RejectReason>(i))) + ":"
            + std::to_string(c.rejectedBy[i]);
    }
    return s + "},\"lost_bytes\":" + std::to_string(c.lostBytes)
        + ",\"lost_predecessors\":" + std::to_string(c.lostPredecessors);
}

std::string engineStateJsonFields(const Counters& c, int64_t watermarkMs, int64_t maxEventMs)
{
    return countersJsonFields(c) + ",\"watermark\":" + timeJson(watermarkMs)
        + ",\"max_event_time\":" + timeJson(maxEventMs);
}

namespace {

//! A lag in messages; null when unknown (never 0 for unknown).
std::string lagJson(int64_t lag)
{
    return lag < 0 ? std::string("null") : std::to_string(lag);
}

} // namespace

std::string kafkaHealthJson(const KafkaHealth& h)
{
    std::string s = "{\"source\":" + jsonString(h.source) + ",\"topic\":" + jsonString(h.topic)
        + ",\"broker_state\":" + jsonString(h.brokerState) + ",\"rebalances\":" + std::to_string(h.rebalances)
        + ",\"data_gap\":" + (h.gap.empty() ? std::string("null") : jsonString(h.gap))
        + ",\"transient_errors\":" + std::to_string(h.transientErrors) + ",\"last_error\":"
        + (h.lastError.empty() ? std::string("null") : jsonString(h.lastError)) + ",\"updated\":"
        + timeJson(h.updatedMs) + ",\"lag_messages\":" + lagJson(h.lagMessages()) + ",\"partitions\":[";
    for (std::size_t i = 0; i < h.partitions.size(); ++i) {
        const PartitionHealth& p = h.partitions[i];
        s += (i ? ",{" : "{") + std::string("\"partition\":") + std::to_string(p.partition) + ",\"position\":"
            + std::to_string(p.position) + ",\"high_watermark\":" + std::to_string(p.highWatermark)
            + ",\"lag_messages\":" + lagJson(p.lagMessages) + ",\"lag_seconds\":"
            + (p.lagMs < 0 ? std::string("null") : std::to_string(double(p.lagMs) / 1000.0))
            + ",\"max_event_time\":" + timeJson(p.maxEventMs) + ",\"idle\":" + (p.idle ? "true" : "false")
            + "}";
    }
    return s + "]}";
}

std::string kafkaHealthListJson(const std::vector<KafkaHealth>& list)
{
    std::string s = "[";
    for (std::size_t i = 0; i < list.size(); ++i)
        s += (i ? "," : "") + kafkaHealthJson(list[i]);
    return s + "]";
}

std::string clusterChainsJson(const std::vector<ClusterChain>& chains)
{
    std::string s = "[";
    for (std::size_t i = 0; i < chains.size(); ++i)
        s += (i ? ",{" : "{") + std::string("\"topic\":") + jsonString(chains[i].topic) + ",\"partition\":"
            + std::to_string(chains[i].partition) + ",\"applied_to\":" + std::to_string(chains[i].appliedTo)
            + ",\"max_event_time\":" + timeJson(chains[i].maxEventMs) + "}";
    return s + "]";
}

std::string timeJson(int64_t ms)
{
    return ms == kNoTime ? "null" : jsonString(formatIsoUtc(ms));
}

std::string countAnswerJson(std::string_view adId, int64_t count)
{
    return "{\"ad_id\":" + jsonString(adId) + ",\"count\":" + std::to_string(count) + "}\n";
}

std::string popularAnswerJson(const PopularResult& r, int64_t windowMinutes)
{
    const std::string at = r.atMs ? jsonString(formatIsoUtc(*r.atMs)) : "null";
    return "{" + adIdsAndCountsJson(r.top) + ",\"at\":" + at
        + ",\"window_minutes\":" + std::to_string(windowMinutes) + "}\n";
}

std::string statsAnswerJson(const StatsReport& r)
{
    std::string out = "{" + engineStateJsonFields(r.counters, r.watermarkMs, r.maxEventMs)
        + ",\"settings\":{\"lateness_s\":" + std::to_string(r.settings.latenessMs / 1000) + ",\"late\":\""
        + (r.settings.late == LatePolicy::Update ? "update" : "drop")
        + "\",\"dedup_horizon_s\":" + std::to_string(r.settings.dedupHorizonMs / 1000)
        + "},\"ads\":" + std::to_string(r.ads) + ",\"aggregate_rows\":" + std::to_string(r.aggRows)
        + ",\"raw\":{\"segments\":" + std::to_string(r.raw.count) + ",\"bytes\":"
        + std::to_string(r.raw.bytes) + ",\"events\":" + std::to_string(r.raw.events) + "},\"sources\":[";
    for (std::size_t i = 0; i < r.sources.size(); ++i)
        out += (i ? "," : "") + std::string("{\"uri\":") + jsonString(r.sources[i].uri)
            + ",\"offset\":" + std::to_string(r.sources[i].offset) + "}";
    out += "],\"kafka\":" + kafkaHealthListJson(r.kafka)
        + ",\"cluster_chains\":" + clusterChainsJson(r.chains) + ",\"rejected_samples\":[";
    for (std::size_t i = 0; i < r.rejectSamples.size(); ++i) {
        const auto& s = r.rejectSamples[i];
        out += (i ? "," : "") + std::string("{\"source\":") + jsonString(s.source)
            + ",\"offset\":" + std::to_string(s.offset) + ",\"reason\":" + jsonString(s.reason)
            + ",\"line\":" + jsonString(s.line) + "}";
    }
    return out + "]}\n";
}

} // namespace adclick::core
