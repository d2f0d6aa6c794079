#pragma once

#include "core/pipeline/engine.h"
#include "core/store/kafka_health.h"

#include <optional>
#include <string>

namespace adclick::app {

//! `"lines":N,"accepted":N,…,"rejected_by_reason":{…}` (no braces, so callers can add fields).
std::string countersJsonFields(const core::Counters& c);

//! One Kafka source's health: broker state, rebalances, gap alarm, errors, and per partition
//! position, high watermark and lag (messages and event-time seconds).
std::string kafkaHealthJson(const core::KafkaHealth& h);

//! ISO-8601 UTC text in quotes, or null for kNoTime.
std::string timeJson(int64_t ms);

//! Seconds as "60", "60s", "5m", "1h" → milliseconds; nullopt for anything else.
std::optional<int64_t> parseDurationMs(const std::string& text);

} // namespace adclick::app
