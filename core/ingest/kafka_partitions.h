#pragma once

#include "core/ingest/ingest.h"
#include "core/input/line_parser.h"
#include "core/store/kafka_health.h"
#include "core/store/store.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace adclick::core {

class KafkaConsumer;
struct KafkaWatermarks;

//! `h`'s high watermark and lag in messages at `h.position` (its partition and position set):
//! known where `probe` read the high watermark within KafkaLagProbe::kFreshMs, or, before the
//! probe's first answer, where `readToEnd` (the consumer, connected, has just read the partition
//! to its end; `fetched` is the consumer's high watermark); otherwise unknown (−1), never 0.
void fillPartitionLag(
    PartitionHealth& h, int64_t fetched, const KafkaWatermarks& probe, bool readToEnd, int64_t wallMs);

//! The partitions of one Kafka source: each one's parser and position (what the store keeps for
//! it), whether it was read to its end, and the watermark they allow together.
//!
//! Each partition is its own ordered stream, judged against its own watermark (the engine's
//! streams). The database's watermark, which only says when panes are final, is the minimum of
//! the partitions' largest event times (minus lateness); a partition read to its end and idle
//! for `idleMs` stops holding it back. The minimum only changes when the partition holding it advances, a
//! partition reaches its end or starts again, or (checked every kIdleCheckMs) one becomes idle: only then is
//! it computed again, so a message costs O(1), not O(partitions).
class KafkaPartitions {
public:
    struct Partition {
        LineParser parser;
        SourcePosition pos;
        std::size_t report = 0; //!< its row in IngestResult::sources
        bool atEnd = false;
        int64_t lastMessageMs = 0; //!< steady clock
        int stream = -1; //!< its event-time stream in the engine (Engine::addStream)
    };

    //! How often the partitions are checked for having become idle.
    static constexpr int64_t kIdleCheckMs = 100;

    KafkaPartitions(std::string topic, ParserOptions parser, int64_t idleMs);

    //! Adds the partitions [size(), count), each continuing from its position in `known` (source
    //! "kafka:TOPIC/N"), or new with the id nextSourceId++; each gets its row in `reports`.
    void add(int count, const std::vector<SourcePosition>& known, int64_t& nextSourceId,
        std::vector<SourceReport>& reports);

    std::size_t size() const { return m_parts.size(); }
    const std::vector<Partition>& all() const { return m_parts; }
    //! nullptr for a partition number the topic did not have when last counted.
    Partition* find(int32_t partition);

    //! For KafkaConsumer::assign: every partition starts at its stored position; a new one
    //! (offset 0, never read) is left out, so it starts at the beginning of its log.
    std::map<int32_t, int64_t> startOffsets() const;
    //! For KafkaConsumer::commitToGroup: the next offset of every partition read so far.
    std::map<int32_t, int64_t> nextOffsets() const;

    void setAtEnd(Partition& part, bool atEnd);
    bool allAtEnd() const { return m_atEnd == m_parts.size(); }
    //! An event of `part` was accepted by the parser: its largest event time may grow.
    void noteEventTime(Partition& part, int64_t timeMs);

    //! The partitions' minimum event time, when it was computed again and is known (it is
    //! unknown while a partition without data holds it, and kept while every partition is idle).
    std::optional<int64_t> updateLow(int64_t nowMs);

    //! The per-partition part of `health`: positions, high watermarks, lag and idleness. The lag
    //! is known where `probe` read the high watermark within KafkaLagProbe::kFreshMs (or, before
    //! the probe's first answer, where the partition was read to its end while connected);
    //! otherwise it is unknown (−1), never 0.
    void fillHealth(KafkaHealth& health, const KafkaConsumer& consumer, const KafkaWatermarks& probe,
        int64_t nowMs) const;

private:
    //! Read to its end and quiet for --idle: it no longer holds the watermark back.
    bool isIdle(const Partition& part, int64_t nowMs) const;

    std::string m_topic;
    ParserOptions m_parser;
    int64_t m_idleMs;
    std::vector<Partition> m_parts;
    std::size_t m_atEnd = 0; //!< partitions with atEnd set
    int64_t m_low = kNoTime; //!< the last minimum (kNoTime: a partition without data holds it)
    bool m_lowDirty = true;
    int64_t m_lastIdleCheckMs = 0;
};

} // namespace adclick::core
