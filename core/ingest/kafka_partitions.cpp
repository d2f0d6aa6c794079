#include "core/ingest/kafka_partitions.h"

#include "core/base/clock.h"
#include "core/ingest/kafka_lag_probe.h"
#include "core/ingest/kafka_source.h"

#include <algorithm>
#include <climits>

namespace adclick::core {

KafkaPartitions::KafkaPartitions(std::string topic, ParserOptions parser, int64_t idleMs)
    : m_topic(std::move(topic))
    , m_parser(std::move(parser))
    , m_idleMs(idleMs)
{ }

void KafkaPartitions::add(int count, const std::vector<SourcePosition>& known, int64_t& nextSourceId,
    std::vector<SourceReport>& reports)
{
    for (auto p = static_cast<int32_t>(m_parts.size()); p < count; ++p) {
        Partition& part = m_parts.emplace_back();
        part.parser = LineParser(m_parser);
        const std::string key = "kafka:" + m_topic + "/" + std::to_string(p);
        const auto stored
            = std::find_if(known.begin(), known.end(), [&](const auto& k) { return k.uri == key; });
        part.pos = stored != known.end() ? *stored : SourcePosition { nextSourceId++, key, 0, 0, 0 };
        if (part.pos.parserState) part.parser.restore(*part.pos.parserState); // the CSV header read before
        reports.push_back({ key, part.pos.offset, part.pos.offset, {}, {} });
        part.report = reports.size() - 1;
    }
    m_lowDirty = true;
}

KafkaPartitions::Partition* KafkaPartitions::find(int32_t partition)
{
    if (partition < 0 || static_cast<std::size_t>(partition) >= m_parts.size()) return nullptr;
    return &m_parts[static_cast<std::size_t>(partition)];
}

std::map<int32_t, int64_t> KafkaPartitions::startOffsets() const
{
    std::map<int32_t, int64_t> start;
    for (std::size_t p = 0; p < m_parts.size(); ++p)
        if (m_parts[p].pos.offset > 0 || m_parts[p].pos.maxEventMs != kNoTime)
            start[static_cast<int32_t>(p)] = static_cast<int64_t>(m_parts[p].pos.offset);
    return start;
}

std::map<int32_t, int64_t> KafkaPartitions::nextOffsets() const
{
    std::map<int32_t, int64_t> next;
    for (std::size_t p = 0; p < m_parts.size(); ++p)
        if (m_parts[p].pos.offset > 0)
            next[static_cast<int32_t>(p)] = static_cast<int64_t>(m_parts[p].pos.offset);
    return next;
}

void KafkaPartitions::setAtEnd(Partition& part, bool atEnd)
{
    if (part.atEnd == atEnd) return;
    part.atEnd = atEnd;
    m_atEnd += atEnd ? 1 : std::size_t(-1);
    m_lowDirty = true;
}

void KafkaPartitions::noteEventTime(Partition& part, int64_t timeMs)
{
    if (part.pos.maxEventMs != kNoTime && timeMs <= part.pos.maxEventMs) return;
    if (part.pos.maxEventMs == m_low) m_lowDirty = true; // it held the minimum
    part.pos.maxEventMs = timeMs;
}

bool KafkaPartitions::isIdle(const Partition& part, int64_t nowMs) const
{
    return part.atEnd && nowMs - part.lastMessageMs >= m_idleMs;
}

std::optional<int64_t> KafkaPartitions::updateLow(int64_t nowMs)
{
    if (nowMs - m_lastIdleCheckMs >= kIdleCheckMs) {
        m_lastIdleCheckMs = nowMs;
        m_lowDirty = true;
    }
    if (!m_lowDirty) return std::nullopt;
    m_lowDirty = false;
    int64_t min = INT64_MAX;
    for (const Partition& part : m_parts)
        if (!isIdle(part, nowMs)) min = std::min(min, part.pos.maxEventMs);
    if (min == INT64_MAX) return std::nullopt; // every partition idle: the watermark stays
    m_low = min;
    if (m_low == kNoTime) return std::nullopt;
    return m_low;
}

void fillPartitionLag(
    PartitionHealth& h, int64_t fetched, const KafkaWatermarks& probe, bool readToEnd, int64_t wallMs)
{
    // The consumer's figure comes with its fetches and stays as it was when they stop.
    const auto p = static_cast<std::size_t>(h.partition);
    const bool probed = p < probe.readMs.size() && probe.readMs[p] > 0;
    h.highWatermark = std::max(fetched, probed ? probe.high[p] : -1);
    h.highWatermarkMs = probed ? probe.readMs[p] : 0;
    bool known = probed && wallMs - probe.readMs[p] <= KafkaLagProbe::kFreshMs;
    if (!probed && readToEnd && fetched >= 0) {
        known = true; // read to its end just now: the probe has not answered yet
        h.highWatermarkMs = wallMs;
    }
    h.lagMessages = known && h.highWatermark >= 0 ? std::max<int64_t>(0, h.highWatermark - h.position) : -1;
}

void KafkaPartitions::fillHealth(
    KafkaHealth& health, const KafkaConsumer& consumer, const KafkaWatermarks& probe, int64_t nowMs) const
{
    const int64_t wall = wallMs();
    const bool connected = consumer.brokerState() == "connected";
    int64_t newest = kNoTime;
    for (const Partition& part : m_parts)
        newest = std::max(newest, part.pos.maxEventMs);
    health.partitions.resize(m_parts.size());
    for (std::size_t p = 0; p < m_parts.size(); ++p) {
        const Partition& part = m_parts[p];
        PartitionHealth& h = health.partitions[p];
        h.partition = static_cast<int32_t>(p);
        h.position = static_cast<int64_t>(part.pos.offset);
        fillPartitionLag(h, consumer.highWatermark(h.partition), probe, connected && part.atEnd, wall);
        h.maxEventMs = part.pos.maxEventMs;
        // Unknown (−1), never 0, while its lag in messages is unknown or it is behind with nothing
        // read from it yet.
        h.lagMs = h.lagMessages == 0                              ? 0
            : h.lagMessages > 0 && part.pos.maxEventMs != kNoTime ? newest - part.pos.maxEventMs
                                                                  : -1;
        h.idle = isIdle(part, nowMs);
    }
}

} // namespace adclick::core
