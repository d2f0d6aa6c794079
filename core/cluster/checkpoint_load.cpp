#include "core/cluster/checkpoint_load.h"

#include "core/base/clock.h"
#include "core/ingest/kafka_source.h"

namespace adclick::core {

namespace {
constexpr int kRequestMs = 10'000;
constexpr int64_t kStallMs = 30'000; //!< no new state message for this long: give up
} // namespace

CheckpointLoader::CheckpointLoader(
    std::string brokers, std::vector<std::pair<std::string, std::string>> properties)
    : m_brokers(std::move(brokers))
    , m_properties(std::move(properties))
{ }

CheckpointLoader::~CheckpointLoader() = default;

Result<KafkaConsumer*> CheckpointLoader::consumerFor(const std::string& stateTopic)
{
    if (auto it = m_consumers.find(stateTopic); it != m_consumers.end()) return it->second.get();
    KafkaUri uri;
    uri.brokers = m_brokers;
    uri.topic = stateTopic;
    auto consumer = KafkaConsumer::open(uri, m_properties, kRequestMs);
    if (!consumer) return Result<KafkaConsumer*>(consumer.status());
    KafkaConsumer* raw = consumer->get();
    m_consumers.emplace(stateTopic, std::move(*consumer));
    return raw;
}

Result<PartitionCheckpoint> CheckpointLoader::load(
    const CheckpointRef& ref, const std::string& topic, int32_t partition)
{
    using R = Result<PartitionCheckpoint>;
    auto consumer = consumerFor(ref.stateTopic);
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
