#include "core/cluster/checkpoint_load.h"

#include "core/base/clock.h"
#include "core/ingest/kafka_source.h"

namespace adclick::core {

namespace {
constexpr int kRequestMs = 10'000;
constexpr int64_t kStallMs = 30'000; //!< no new state message for this long: give up
} // namespace

Result<PartitionCheckpoint> loadCheckpoint(const std::string& brokers,
    const std::vector<std::pair<std::string, std::string>>& properties, const CheckpointRef& ref,
    const std::string& topic, int32_t partition)
{
    using R = Result<PartitionCheckpoint>;
    KafkaUri uri;
    uri.brokers = brokers;
    uri.topic = ref.stateTopic;
    auto consumer = KafkaConsumer::open(uri, properties, kRequestMs);
    if (!consumer) return R(consumer.status());
    auto range = (*consumer)->offsetRange(ref.statePartition, kRequestMs);
    if (!range) return R(range.status());
    const std::string where = ref.stateTopic + "/" + std::to_string(ref.statePartition) + " offsets "
        + std::to_string(ref.first) + "–" + std::to_string(ref.last);
    if (range->first > ref.first || range->second <= ref.last)
        return R::error("the state topic no longer holds it (" + where + ", the log holds "
            + std::to_string(range->first) + "–" + std::to_string(range->second - 1) + ")");
    if (auto st = (*consumer)->assign({ { ref.statePartition, ref.first } }); !st) return R(st);
    CheckpointAssembler assembler(ref, topic, partition);
    std::vector<KafkaEvent> events;
    int64_t lastProgressMs = steadyMs();
    bool atEnd = false; // the partition's end was reached: what is missing will not come
    for (int64_t at = ref.first; at <= ref.last && !assembler.complete() && !atEnd;) {
        if (steadyMs() - lastProgressMs > kStallMs)
            return R::error("reading " + where + " stalled at offset " + std::to_string(at));
        (*consumer)->pollBatch(200, 256, events);
        for (const KafkaEvent& ev : events) {
            if (ev.kind == KafkaEvent::Gap) return R::error("reading " + where + ": " + ev.error);
            if (ev.kind == KafkaEvent::PartitionEnd && ev.partition == ref.statePartition) atEnd = true;
            if (ev.kind != KafkaEvent::Message || ev.partition != ref.statePartition || ev.offset < at)
                continue;
            if (auto st = assembler.add(ev.value); !st) return R::error(where + ": " + st.message());
            at = ev.offset + 1;
            lastProgressMs = steadyMs();
        }
    }
    return assembler.take();
}

} // namespace adclick::core
