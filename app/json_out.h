#pragma once
// The JSON pieces the commands' outputs share (string literals: core/base/text_writers.h).

#include "core/base/text_writers.h"
#include "core/pipeline/engine.h"
#include "core/store/kafka_health.h"

#include <cstdint>
#include <string>
#include <vector>

namespace adclick::app {

//! `"lines":N,"accepted":N,…,"rejected_by_reason":{…}` (no braces, so callers can add fields).
std::string countersJsonFields(const core::Counters& c);

//! The counters, then `"watermark":T,"max_event_time":T` (no braces): how `adclick ingest` and
//! `adclick stats` begin.
std::string engineStateJsonFields(const core::Counters& c, int64_t watermarkMs, int64_t maxEventMs);

//! One Kafka source's health: broker state, rebalances, gap alarm, errors, and per partition
//! position, high watermark and lag (messages and event-time seconds).
std::string kafkaHealthJson(const core::KafkaHealth& h);
//! `[health,…]`
std::string kafkaHealthListJson(const std::vector<core::KafkaHealth>& list);

//! ISO-8601 UTC text in quotes, or null for kNoTime.
std::string timeJson(int64_t ms);

//! `"ad_ids":[…],"counts":[…]` of ranked ads (anything with `adId` and `clicks`), no braces.
template <class Ranked> std::string adIdsAndCountsJson(const Ranked& ranked)
{
    std::string ids, counts;
    for (const auto& a : ranked) {
        ids += (ids.empty() ? "" : ",") + core::jsonString(a.adId);
        counts += (counts.empty() ? "" : ",") + std::to_string(a.clicks);
    }
    return "\"ad_ids\":[" + ids + "],\"counts\":[" + counts + "]";
}

} // namespace adclick::app
