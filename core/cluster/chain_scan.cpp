#include "core/cluster/chain_scan.h"

#include "core/ingest/cluster_unit.h"
#include "core/ingest/kafka_source.h"

#include <algorithm>
#include <map>

namespace adclick::core {

namespace {

constexpr int kRequestMs = 10'000;

//! Follows the chains of `inputs` through one message of the aggregate topic.
void follow(std::string_view value, const std::string& inputTopic, std::map<int32_t, uint64_t>& ends)
{
    auto unit = decodeUnitHeader(value);
    if (!unit || unit->topic != inputTopic) return;
    auto it = ends.find(unit->partition);
    // Units published twice (retries, a re-publish) or out of chain change nothing: the store
    // applies only the chain from 0 (ingest_aggregates.cpp), so the chain is what must continue.
    // A scan that starts at a checkpoint starts at the chain position the checkpoint is at.
    if (it != ends.end() && unit->from == it->second) it->second = unit->to;
}

} // namespace

Result<std::map<int32_t, uint64_t>> scanChainEnds(const KafkaUri& output,
    const std::vector<std::pair<std::string, std::string>>& properties, const std::string& inputTopic,
    const std::map<int32_t, ChainStart>& inputs, int outputPartitions)
{
    using R = Result<std::map<int32_t, uint64_t>>;
    std::map<int32_t, uint64_t> ends;
    std::map<int32_t, int64_t> start, high; // by aggregate partition
    for (const auto& [p, from] : inputs) {
        ends[p] = from.end;
        auto [it, added] = start.emplace(p % outputPartitions, from.aggregateFrom);
        if (!added) it->second = std::min(it->second, from.aggregateFrom);
    }
    if (inputs.empty()) return ends;
    auto consumer = KafkaConsumer::open(output, properties, kRequestMs);
    if (!consumer) return R(consumer.status());
    for (const auto& [out, from] : start) {
        auto range = (*consumer)->offsetRange(out, kRequestMs);
        if (!range) return R(range.status());
        if (range->first > from)
            return R::error("the aggregate topic " + output.topic + " partition " + std::to_string(out)
                + " no longer starts at offset " + std::to_string(from) + " (log start "
                + std::to_string(range->first) + "): published units were lost, so where the units of "
                + inputTopic + " partitions end cannot be known");
        if (range->second > from) high[out] = range->second;
    }
    if (high.empty()) return ends;
    std::erase_if(start, [&](const auto& entry) { return !high.count(entry.first); });
    if (auto st = (*consumer)->assign(start); !st) return R(st);
    std::vector<KafkaEvent> events;
    while (!high.empty()) {
        (*consumer)->pollBatch(200, 1024, events);
        for (const KafkaEvent& ev : events) {
            if (ev.kind == KafkaEvent::Gap) return R::error("reading the aggregate topic: " + ev.error);
            if (ev.kind != KafkaEvent::Message) continue;
            follow(ev.value, inputTopic, ends);
            auto h = high.find(ev.partition);
            if (h != high.end() && ev.offset + 1 >= h->second) high.erase(h);
        }
    }
    return ends;
}

} // namespace adclick::core
