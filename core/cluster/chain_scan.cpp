#include "core/cluster/chain_scan.h"

#include "core/ingest/cluster_unit.h"
#include "core/ingest/kafka_source.h"

#include <set>

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
    if (it != ends.end() && unit->from == it->second) it->second = unit->to;
}

} // namespace

Result<std::map<int32_t, uint64_t>> scanChainEnds(const KafkaUri& output,
    const std::vector<std::pair<std::string, std::string>>& properties, const std::string& inputTopic,
    const std::vector<int32_t>& inputs, int outputPartitions)
{
    using R = Result<std::map<int32_t, uint64_t>>;
    std::map<int32_t, uint64_t> ends;
    for (int32_t p : inputs)
        ends[p] = 0;
    if (inputs.empty()) return ends;
    auto consumer = KafkaConsumer::open(output, properties, kRequestMs);
    if (!consumer) return R(consumer.status());
    std::map<int32_t, int64_t> start, high;
    for (int32_t p : inputs) {
        const int32_t out = p % outputPartitions;
        if (start.count(out)) continue;
        auto range = (*consumer)->offsetRange(out, kRequestMs);
        if (!range) return R(range.status());
        if (range->first > 0)
            return R::error("the aggregate topic " + output.topic + " partition " + std::to_string(out)
                + " no longer starts at offset 0 (log start " + std::to_string(range->first)
                + "): published units were lost, so where partition " + std::to_string(p)
                + "'s units end cannot be known");
        start[out] = KafkaConsumer::kOffsetBeginning;
        if (range->second > 0) high[out] = range->second;
    }
    if (high.empty()) return ends;
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
