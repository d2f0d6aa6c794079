// Ingestor::runKafka: one Kafka source, every partition, positions kept in the store.
#include "core/ingest/ingest.h"

#include "core/base/clock.h"
#include "core/ingest/committer.h"
#include "core/ingest/kafka_lag_probe.h"
#include "core/ingest/kafka_partitions.h"
#include "core/ingest/kafka_source.h"
#include "core/ingest/kept_event.h"
#include "core/input/line_splitter.h"
#include "core/store/store_reads.h"

#include <algorithm>

namespace adclick::core {

namespace {

//! How often a Kafka source asks whether its topic has grown.
constexpr int64_t kPartitionCheckMs = 10'000;
//! Messages taken from librdkafka at once (KafkaConsumer::pollBatch).
constexpr std::size_t kKafkaBatch = 4096;
//! At most one warning about retried Kafka errors per this interval (all are counted).
constexpr int64_t kTransientWarningMs = 5'000;
//! Longer messages are rejected; the sample stored for them is cut to this.
constexpr std::size_t kLongMessageSample = 256;

//! Kafka messages are JSON lines unless --format says otherwise; the column map applies as given.
ParserOptions kafkaParserOptions(ParserOptions o)
{
    if (o.format == LineFormat::Auto) o.format = LineFormat::Jsonl;
    return o;
}

} // namespace

//! The state of one Kafka source while it is read, and the steps of runKafka's loop. A nested
//! class: the steps feed the Ingestor's engine and commit through it.
class Ingestor::KafkaRun {
public:
    KafkaRun(Ingestor& in, std::string address, KafkaUri uri, std::unique_ptr<KafkaConsumer> consumer);

    //! Connects, assigns every partition from its stored position and reads the stored gap alarm.
    //! A stop ends the wait for brokers that do not answer (an error the caller ignores).
    static Result<std::unique_ptr<KafkaRun>> open(
        Ingestor& in, const std::string& address, const std::stop_token& stop);

    KafkaConsumer& consumer() { return *m_consumer; }
    //! Client errors librdkafka retried since the last poll.
    void noteClientErrors();
    //! Transient errors are retried by librdkafka; say so, but at most every few seconds.
    void noteTransient(const std::string& error);
    //! A data gap: stored as an alarm with the positions reached, never skipped silently. An error
    //! (the run stops) unless --skip-gap, which continues from the oldest message still there.
    Status onGap(const KafkaEvent& ev);
    //! A message or the end of a partition.
    Status onRecord(const KafkaEvent& ev, int64_t nowMs);
    void updateWatermark(int64_t nowMs);
    //! Every kPartitionCheckMs: when the topic grew, reads the new partitions too (from their
    //! beginning).
    Status followGrowth(int64_t nowMs);
    Status maybeCommit(int64_t nowMs);
    void maybeProgress(int64_t nowMs);
    //! --until-end, and every partition was read to its end.
    bool finished() const { return m_in.m_options.untilEnd && m_parts.allAtEnd(); }
    //! The last commit and progress report; the health goes into the result.
    Status finish();

private:
    void parseMessage(KafkaPartitions::Partition& part, const KafkaEvent& ev);
    Status assign() { return m_consumer->assign(m_parts.startOffsets()); }
    //! Adds the partitions up to `count` and gives each new one its engine stream.
    void addPartitions(int count);
    void updateHealth();
    //! A topic with no message at all is most likely not the one meant (or was just made): say so.
    void warnIfEmpty();
    //! Stores the partitions' positions and health with the open batch, then tells the group.
    Status commit();

    Ingestor& m_in;
    std::string m_address;
    KafkaUri m_uri;
    std::unique_ptr<KafkaConsumer> m_consumer;
    std::unique_ptr<KafkaLagProbe> m_probe; //!< the high watermarks, read on a thread of its own
    KafkaPartitions m_parts;
    KafkaHealth m_health;
    int64_t m_lastWarningMs = -kTransientWarningMs;
    int64_t m_unreported = 0; //!< transient errors since the last warning
    int64_t m_seenClientErrors = 0;
    int64_t m_lastCommitMs = 0;
    int64_t m_lastPartitionCheckMs = 0;
};

Status Ingestor::runKafka(const std::string& address, std::stop_token& stop)
{
    auto opened = KafkaRun::open(*this, address, stop);
    if (!opened) return stop.stop_requested() ? Status::ok() : opened.status();
    KafkaRun& run = **opened;
    if (m_options.threads < 2) return pollKafka(run, stop);
    // The store's commits on a thread of their own while this one polls, parses and counts.
    return countWithCommitter([&] { return pollKafka(run, stop); });
}

Status Ingestor::pollKafka(KafkaRun& run, std::stop_token& stop)
{
    // Messages are taken in batches: the per-poll work (clocks, the database watermark over all
    // partitions, partition growth, progress) is done once per batch. Verdicts depend only on
    // each partition's own messages (docs/semantics.md, "Partitions"), never on the batching.
    std::vector<KafkaEvent> events;
    while (!stop.stop_requested()) {
        run.consumer().pollBatch(100, kKafkaBatch, events);
        const int64_t now = steadyMs();
        m_engine->setFutureBound(futureBoundMs());
        run.noteClientErrors();
        for (const KafkaEvent& ev : events) {
            if (ev.kind == KafkaEvent::Gap) {
                if (auto st = run.onGap(ev); !st) return st;
                continue;
            }
            if (ev.kind == KafkaEvent::Transient) run.noteTransient(ev.error);
            if (ev.kind == KafkaEvent::Message || ev.kind == KafkaEvent::PartitionEnd)
                if (auto st = run.onRecord(ev, now); !st) return st;
            if (m_engine->batch().events() >= m_options.commitEvents) {
                run.updateWatermark(now);
                if (auto st = run.maybeCommit(now); !st) return st;
            }
        }
        run.updateWatermark(now);
        if (auto st = run.followGrowth(now); !st) return st;
        if (auto st = run.maybeCommit(now); !st) return st;
        run.maybeProgress(now);
        if (run.finished()) break;
    }
    return run.finish();
}

Ingestor::KafkaRun::KafkaRun(
    Ingestor& in, std::string address, KafkaUri uri, std::unique_ptr<KafkaConsumer> consumer)
    : m_in(in)
    , m_address(std::move(address))
    , m_uri(std::move(uri))
    , m_consumer(std::move(consumer))
    , m_parts(m_uri.topic, kafkaParserOptions(in.m_options.parser), in.m_options.idleMs)
{
    m_health.source = "kafka:" + m_uri.topic;
    m_health.topic = m_uri.topic;
    m_health.group = m_uri.group;
}

Result<std::unique_ptr<Ingestor::KafkaRun>> Ingestor::KafkaRun::open(
    Ingestor& in, const std::string& address, const std::stop_token& stop)
{
    using R = Result<std::unique_ptr<KafkaRun>>;
    auto uri = parseKafkaUri(address);
    if (!uri) return R(uri.status());
    // Its partitions keep the column map they were read with (KafkaPartitions::add restores it).
    const std::string prefix = "kafka:" + uri->topic + "/";
    for (const SourcePosition& k : in.m_known)
        if (k.uri.starts_with(prefix) && k.parserState)
            if (auto st = in.checkParserOptions(k.uri, *k.parserState); !st) return R(st);
    auto consumer = KafkaConsumer::open(
        *uri, in.m_options.kafkaProperties, 10'000, [&stop] { return stop.stop_requested(); });
    if (!consumer) return R(consumer.status());
    auto probe = KafkaLagProbe::start(*uri, in.m_options.kafkaProperties);
    auto run = std::make_unique<KafkaRun>(in, address, std::move(*uri), std::move(*consumer));
    if (probe) run->m_probe = std::move(*probe); // without it the lag is shown as unknown
    run->warnIfEmpty();
    run->addPartitions(run->m_consumer->partitionCount());
    if (auto st = run->assign(); !st) return R(st);
    // A data-gap alarm stays until the database is rebuilt: lost input is not forgotten.
    std::vector<KafkaHealth> stored;
    if (auto st = readKafkaHealth(in.m_store->connection(), stored); !st) return R(st);
    for (const KafkaHealth& h : stored)
        if (h.source == run->m_health.source) run->m_health.gap = h.gap;
    run->m_lastCommitMs = run->m_lastPartitionCheckMs = steadyMs();
    return R(std::move(run));
}

void Ingestor::KafkaRun::addPartitions(int count)
{
    const std::size_t first = m_parts.size();
    m_parts.add(count, m_in.m_known, m_in.m_nextSourceId, m_in.m_result.sources);
    for (std::size_t p = first; p < m_parts.size(); ++p) {
        KafkaPartitions::Partition* part = m_parts.find(static_cast<int32_t>(p));
        part->stream = m_in.m_engine->addStream(part->pos.maxEventMs);
        // Idle is measured from now at the earliest: a partition already read to its end by an
        // earlier run does not stop holding the watermark back at once.
        part->lastMessageMs = steadyMs();
    }
}

void Ingestor::KafkaRun::noteClientErrors()
{
    if (m_consumer->clientErrors() == m_seenClientErrors) return;
    m_seenClientErrors = m_consumer->clientErrors();
    noteTransient(m_consumer->lastClientError());
}

void Ingestor::KafkaRun::noteTransient(const std::string& error)
{
    ++m_health.transientErrors;
    m_health.lastError = error;
    const int64_t now = steadyMs();
    if (now - m_lastWarningMs < kTransientWarningMs) {
        ++m_unreported;
        return;
    }
    m_in.warn("kafka: " + error + " (retrying"
        + (m_unreported ? "; " + std::to_string(m_unreported) + " more errors since the last report)" : ")"));
    m_lastWarningMs = now;
    m_unreported = 0;
}

Status Ingestor::KafkaRun::onGap(const KafkaEvent& ev)
{
    m_health.gap = ev.error;
    KafkaPartitions::Partition* part = m_in.m_options.skipGap ? m_parts.find(ev.partition) : nullptr;
    if (!part) {
        if (auto st = commit(); !st) return st;
        return Status::error(ev.error
            + " (the alarm is stored; `adclick ingest --skip-gap` continues from the oldest message still "
              "there)");
    }
    auto start = m_consumer->logStart(ev.partition, 10'000);
    if (!start) return start.status();
    const int64_t lost = std::max<int64_t>(0, *start - static_cast<int64_t>(part->pos.offset));
    m_health.gap += "; skipped " + std::to_string(lost) + " messages (offsets "
        + std::to_string(part->pos.offset) + ".." + std::to_string(*start - 1) + ") with --skip-gap";
    m_in.warn("kafka: " + m_health.gap);
    part->pos.offset = static_cast<uint64_t>(std::max<int64_t>(*start, 0));
    if (auto st = commit(); !st) return st;
    return assign();
}

Status Ingestor::KafkaRun::onRecord(const KafkaEvent& ev, int64_t nowMs)
{
    KafkaPartitions::Partition* part = m_parts.find(ev.partition);
    if (!part) return Status::error("kafka: message from unknown partition " + std::to_string(ev.partition));
    if (ev.kind == KafkaEvent::PartitionEnd) {
        m_parts.setAtEnd(*part, true);
        return Status::ok();
    }
    // Older offsets were processed already: a fetch from before a re-assignment.
    if (static_cast<uint64_t>(ev.offset) < part->pos.offset) return Status::ok();
    m_parts.setAtEnd(*part, false);
    part->lastMessageMs = nowMs;
    parseMessage(*part, ev);
    part->pos.offset = static_cast<uint64_t>(ev.offset + 1);
    return Status::ok();
}

void Ingestor::KafkaRun::parseMessage(KafkaPartitions::Partition& part, const KafkaEvent& ev)
{
    Engine& engine = *m_in.m_engine;
    std::string_view value = ev.value;
    if (!value.empty() && value.back() == '\n') value.remove_suffix(1);
    m_in.m_runBytes += ev.value.size();
    const auto offset = static_cast<uint64_t>(ev.offset);
    if (value.size() > kMaxLineBytes) {
        engine.onReject(RejectReason::LineTooLong, part.pos.uri, offset, value.substr(0, kLongMessageSample));
        return;
    }
    ClickEvent event;
    const ParseOutcome out = part.parser.parse(value, event);
    if (out.kind == LineKind::Event) {
        if (engine.rejectsAsFuture(event.timeMs, part.stream)) {
            engine.onReject(RejectReason::Future, part.pos.uri, offset, value);
            return;
        }
        // Counted a few events later (Ingestor::drainAhead, in order), so that the dedup slot and
        // pane cell are loaded by then: their cache misses were the counting thread's largest
        // cost. The parser's views are overwritten by its next message: the event owns a copy.
        Ahead& a = m_in.m_ahead[m_in.m_aheadCount++];
        a.event = keepClickEvent(event, a.storage);
        a.use = &a.event;
        a.identity = engine.identityOf(a.event);
        a.stream = part.stream;
        engine.prefetch(a.identity, a.event);
        if (m_in.m_aheadCount == kAhead) m_in.drainAhead();
        m_parts.noteEventTime(part, event.timeMs);
    } else if (out.kind == LineKind::Rejected) {
        engine.onReject(out.reason, part.pos.uri, offset, value);
    }
}

void Ingestor::KafkaRun::updateWatermark(int64_t nowMs)
{
    m_in.drainAhead(); // the events read so far are counted against the watermark before it moves
    if (const auto low = m_parts.updateLow(nowMs))
        m_in.m_engine->advanceWatermark(*low - m_in.m_engine->config().latenessMs);
}

Status Ingestor::KafkaRun::followGrowth(int64_t nowMs)
{
    if (nowMs - m_lastPartitionCheckMs < kPartitionCheckMs) return Status::ok();
    m_lastPartitionCheckMs = nowMs;
    const int count = m_consumer->refreshPartitionCount(1000);
    if (count <= static_cast<int>(m_parts.size())) return Status::ok();
    if (auto st = commit(); !st) return st;
    addPartitions(count);
    if (auto st = assign(); !st) return st;
    ++m_health.rebalances;
    m_in.warn(
        "kafka: " + m_uri.topic + " now has " + std::to_string(count) + " partitions; reading them all");
    return Status::ok();
}

Status Ingestor::KafkaRun::maybeCommit(int64_t nowMs)
{
    const bool full = m_in.m_engine->batch().events() >= m_in.m_options.commitEvents;
    if (!full && nowMs - m_lastCommitMs < m_in.m_options.commitIntervalMs && !finished()) return Status::ok();
    // With a committer still busy with the last batch, this one grows until it is free (as in
    // Ingestor::maybeCommit): the interval bounds staleness, it is no reason to wait.
    if (!full && !finished() && m_in.m_committer && m_in.m_committer->busy()) return Status::ok();
    if (auto st = commit(); !st) return st;
    m_lastCommitMs = steadyMs();
    return Status::ok();
}

void Ingestor::KafkaRun::maybeProgress(int64_t nowMs)
{
    if (!m_in.onProgress || nowMs - m_in.m_lastProgressMs < m_in.m_options.progressIntervalMs) return;
    updateHealth();
    m_in.progress(m_address, false, &m_health);
}

Status Ingestor::KafkaRun::finish()
{
    if (auto st = commit(); !st) return st;
    m_in.progress(m_address, true, &m_health);
    m_in.m_result.kafka.push_back(m_health);
    return Status::ok();
}

void Ingestor::KafkaRun::updateHealth()
{
    m_health.brokerState = m_consumer->brokerState();
    m_health.updatedMs = wallMs();
    m_parts.fillHealth(m_health, *m_consumer, m_probe ? m_probe->latest() : KafkaWatermarks(), steadyMs());
}

void Ingestor::KafkaRun::warnIfEmpty()
{
    int64_t messages = 0;
    for (int32_t p = 0; p < m_consumer->partitionCount(); ++p) {
        auto range = m_consumer->offsetRange(p, 1000);
        if (!range) return; // not known: no warning
        messages += range->second - range->first;
    }
    if (messages == 0)
        m_in.warn("kafka: topic '" + m_uri.topic + "' is empty (no message in any of its "
            + std::to_string(m_consumer->partitionCount())
            + " partitions): waiting for messages; check the topic name if you expected data");
}

Status Ingestor::KafkaRun::commit()
{
    for (const KafkaPartitions::Partition& part : m_parts.all()) {
        SourcePosition pos = part.pos;
        pos.parserState = part.parser.state(); // restored with the position (KafkaPartitions::add)
        m_in.stagePosition(pos, part.report);
    }
    // The health goes with the batch into the store: the commit in flight reads the one before.
    if (m_in.m_committer)
        if (auto st = m_in.m_committer->finish(); !st) return st;
    updateHealth();
    m_in.m_store->setKafkaHealth(m_health);
    if (auto st = m_in.commit(nullptr); !st) return st;
    m_consumer->commitToGroup(m_parts.nextOffsets());
    return Status::ok();
}

} // namespace adclick::core
