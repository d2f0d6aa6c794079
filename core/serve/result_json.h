#pragma once
// The JSON every answer of the engine is written in: the CLI (`adclick count`, `popular`, `stats`,
// `ingest`) and `adclick serve` call the same functions, so an HTTP answer equals the command's
// output byte for byte. (String literals: core/base/text_writers.h.)

#include "core/base/text_writers.h"
#include "core/pipeline/engine.h"
#include "core/query/query.h"
#include "core/store/kafka_health.h"
#include "core/store/stats.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! `"lines":N,"accepted":N,…,"rejected_by_reason":{…}` (no braces, so callers can add fields).
std::string countersJsonFields(const Counters& c);

//! The counters, then `"watermark":T,"max_event_time":T` (no braces): how `adclick ingest` and
//! `adclick stats` begin.
std::string engineStateJsonFields(const Counters& c, int64_t watermarkMs, int64_t maxEventMs);

//! One Kafka source's health: broker state, rebalances, gap alarm, errors, and per partition
//! position, high watermark and lag (messages and event-time seconds).
std::string kafkaHealthJson(const KafkaHealth& h);
//! `[health,…]`
std::string kafkaHealthListJson(const std::vector<KafkaHealth>& list);
//! A cluster store's input partitions: topic, partition, applied_to (the input offset its units
//! were applied up to) and max_event_time (null: none yet).
std::string clusterChainsJson(const std::vector<ClusterChain>& chains);

//! ISO-8601 UTC text in quotes, or null for kNoTime.
std::string timeJson(int64_t ms);

//! `"ad_ids":[…],"counts":[…]` of ranked ads (anything with `adId` and `clicks`), no braces.
template <class Ranked> std::string adIdsAndCountsJson(const Ranked& ranked)
{
    std::string ids, counts;
    for (const auto& a : ranked) {
        ids += (ids.empty() ? "" : ",") + jsonString(a.adId);
        counts += (counts.empty() ? "" : ",") + std::to_string(a.clicks);
    }
    return "\"ad_ids\":[" + ids + "],\"counts\":[" + counts + "]";
}

//! `{"ad_id":ID,"count":N}` and a line break: the answer of `adclick count`.
std::string countAnswerJson(std::string_view adId, int64_t count);
//! `{"ad_ids":[…],"counts":[…],"at":T,"window_minutes":M}` and a line break: `adclick popular`.
std::string popularAnswerJson(const PopularResult& r, int64_t windowMinutes);
//! Everything `adclick stats` prints, with a line break.
std::string statsAnswerJson(const StatsReport& r);

} // namespace adclick::core
