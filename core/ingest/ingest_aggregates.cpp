// Ingestor::runAggregates: the cluster store. Reads a cluster's aggregate topic (units published by
// `adclick aggregate` workers, cluster_unit.h) into the database: each input partition's units are
// applied once, in chain order, with the aggregate topic's positions in the same transaction.
#include "core/ingest/ingest.h"

#include "core/base/clock.h"
#include "core/ingest/cluster_unit.h"
#include "core/ingest/kafka_lag_probe.h"
#include "core/ingest/kafka_partitions.h"
#include "core/ingest/kafka_source.h"
#include "core/store/store_reads.h"

#include <algorithm>
#include <map>
#include <optional>

namespace adclick::core {

namespace {

constexpr std::size_t kKafkaBatch = 1024;
constexpr std::string_view kChainPrefix = kClusterChainPrefix;

std::string configText(const EngineConfig& c)
{
    return "lateness " + std::to_string(c.latenessMs / 1000) + " s, dedup horizon "
        + std::to_string(c.dedupHorizonMs / 1000) + " s, late "
        + (c.late == LatePolicy::Update ? "update" : "drop");
}

} // namespace

//! One aggregate topic while it is read: its partitions' positions and every input partition's
//! chain (SourcePosition "cluster:TOPIC/P": offset = the end of the last unit applied, maxEventMs =
//! that partition's largest event time), and the aggregate topic's health (its lag, probed as a
//! click topic's is), stored with each commit and reported with the progress.
class Ingestor::AggregateRun {
public:
    AggregateRun(Ingestor& in, KafkaUri uri, std::unique_ptr<KafkaConsumer> consumer)
        : m_in(in)
        , m_uri(std::move(uri))
        , m_consumer(std::move(consumer))
    {
        m_health.source = "kafka:" + m_uri.topic;
        m_health.topic = m_uri.topic;
        m_health.group = m_uri.group;
    }

    Status start();
    KafkaConsumer& consumer() { return *m_consumer; }
    Status onMessage(const KafkaEvent& ev);
    //! Lost units: the alarm is stored (as a click topic's data gap is), then the run fails.
    Status onGap(const KafkaEvent& ev);
    void onEnd(int32_t partition) { m_atEnd[partition] = true; }
    bool allAtEnd() const
    {
        return std::all_of(m_atEnd.begin(), m_atEnd.end(), [](const auto& kv) { return kv.second; });
    }
    Status maybeCommit(bool force);
    void maybeProgress(const std::string& address);
    const KafkaHealth& health() const { return m_health; }

private:
    struct Tracked {
        SourcePosition pos;
        std::size_t report = 0;
    };
    Tracked& track(const std::string& uri);
    Status apply(const Unit& unit, Tracked& chain);
    //! The database's watermark base: the lowest largest event time over every partition of every
    //! input topic (docs/semantics.md "Partitions"); unknown while a partition has no data yet.
    std::optional<int64_t> lowestPartition() const;
    //! A unit that does not continue its partition's chain: never applied, always said.
    void outOfChain(const Unit& unit, const Tracked& chain);
    //! The aggregate partitions' positions, high watermarks and lag. Their lag in event time is
    //! known only when caught up (0): units carry event times per input partition (the chains).
    void updateHealth();

    Ingestor& m_in;
    KafkaUri m_uri;
    std::unique_ptr<KafkaConsumer> m_consumer;
    std::unique_ptr<KafkaLagProbe> m_probe; //!< the high watermarks, read on a thread of its own
    KafkaHealth m_health;
    std::map<std::string, Tracked> m_tracked; //!< by uri: the topic's partitions and the chains
    std::map<int32_t, bool> m_atEnd;
    std::map<std::string, int32_t> m_inputPartitions; //!< input topic → its partition count (from units)
    std::size_t m_units = 0; //!< applied since the last commit
    int64_t m_lastCommitMs = 0;
    int64_t m_outOfChain = 0;
};

Status Ingestor::runAggregates(const std::string& address, std::stop_token& stop)
{
    auto uri = parseKafkaUri(address);
    if (!uri) return uri.status();
    auto consumer = KafkaConsumer::open(
        *uri, m_options.kafkaProperties, 10'000, [&stop] { return stop.stop_requested(); });
    if (!consumer) return stop.stop_requested() ? Status::ok() : consumer.status();
    AggregateRun run(*this, std::move(*uri), std::move(*consumer));
    if (auto st = run.start(); !st) return st;
    std::vector<KafkaEvent> events;
    while (!stop.stop_requested()) {
        run.consumer().pollBatch(100, kKafkaBatch, events);
        for (const KafkaEvent& ev : events) {
            if (ev.kind == KafkaEvent::Gap) return run.onGap(ev);
            if (ev.kind == KafkaEvent::Transient) warn("kafka: " + ev.error + " (retrying)");
            if (ev.kind == KafkaEvent::PartitionEnd) run.onEnd(ev.partition);
            if (ev.kind == KafkaEvent::Message)
                if (auto st = run.onMessage(ev); !st) return st;
        }
        const bool done = m_options.untilEnd && run.allAtEnd();
        if (auto st = run.maybeCommit(done); !st) return st;
        run.maybeProgress(address);
        if (done) break;
    }
    if (auto st = run.maybeCommit(true); !st) return st;
    progress(address, true, &run.health());
    m_result.kafka.push_back(run.health());
    return Status::ok();
}

Ingestor::AggregateRun::Tracked& Ingestor::AggregateRun::track(const std::string& uri)
{
    auto it = m_tracked.find(uri);
    if (it != m_tracked.end()) return it->second;
    Tracked t;
    t.pos.uri = uri;
    for (const SourcePosition& k : m_in.m_known)
        if (k.uri == uri) t.pos = k;
    if (t.pos.id == 0) t.pos.id = m_in.m_nextSourceId++;
    t.report = m_in.m_result.sources.size();
    SourceReport report;
    report.path = uri;
    report.resumedFrom = report.offset = t.pos.offset;
    m_in.m_result.sources.push_back(report);
    return m_tracked.emplace(uri, std::move(t)).first->second;
}

Status Ingestor::AggregateRun::start()
{
    std::map<int32_t, int64_t> offsets;
    for (int32_t p = 0; p < m_consumer->partitionCount(); ++p) {
        Tracked& t = track("kafka:" + m_uri.topic + "/" + std::to_string(p));
        offsets[p] = t.pos.offset ? static_cast<int64_t>(t.pos.offset) : KafkaConsumer::kOffsetBeginning;
        m_atEnd[p] = false;
    }
    // The chains already applied (their offsets say which units are done).
    for (const SourcePosition& k : m_in.m_known)
        if (k.uri.starts_with(kChainPrefix)) track(k.uri);
    m_lastCommitMs = steadyMs();
    // Without a probe the lag is shown as unknown.
    if (auto probe = KafkaLagProbe::start(m_uri, m_in.m_options.kafkaProperties)) m_probe = std::move(*probe);
    // A data-gap alarm stays until the database is rebuilt: lost input is not forgotten.
    std::vector<KafkaHealth> stored;
    if (auto st = readKafkaHealth(m_in.m_store->connection(), stored); !st) return st;
    for (const KafkaHealth& h : stored)
        if (h.source == m_health.source) m_health.gap = h.gap;
    return m_consumer->assign(offsets);
}

Status Ingestor::AggregateRun::onGap(const KafkaEvent& ev)
{
    m_health.gap = ev.error;
    if (auto st = maybeCommit(true); !st) return st;
    return Status::error(ev.error
        + " (units of the aggregate topic were lost before this store read them: the store cannot be "
          "completed from it)");
}

void Ingestor::AggregateRun::updateHealth()
{
    const KafkaWatermarks probe = m_probe ? m_probe->latest() : KafkaWatermarks();
    const int64_t wall = wallMs();
    m_health.brokerState = m_consumer->brokerState();
    m_health.updatedMs = wall;
    const bool connected = m_health.brokerState == "connected";
    m_health.partitions.clear();
    for (const auto& [partition, atEnd] : m_atEnd) {
        PartitionHealth h;
        h.partition = partition;
        h.position = static_cast<int64_t>(
            track("kafka:" + m_uri.topic + "/" + std::to_string(partition)).pos.offset);
        fillPartitionLag(h, m_consumer->highWatermark(partition), probe, connected && atEnd, wall);
        h.lagMs = h.lagMessages == 0 ? 0 : -1;
        m_health.partitions.push_back(h);
    }
}

void Ingestor::AggregateRun::maybeProgress(const std::string& address)
{
    if (!m_in.onProgress || steadyMs() - m_in.m_lastProgressMs < m_in.m_options.progressIntervalMs) return;
    updateHealth();
    m_in.progress(address, false, &m_health);
}

Status Ingestor::AggregateRun::onMessage(const KafkaEvent& ev)
{
    Tracked& part = track("kafka:" + m_uri.topic + "/" + std::to_string(ev.partition));
    if (static_cast<uint64_t>(ev.offset) < part.pos.offset) return Status::ok(); // fetched before a seek
    m_atEnd[ev.partition] = false;
    part.pos.offset = static_cast<uint64_t>(ev.offset + 1);
    m_in.stagePosition(part.pos, part.report);
    auto unit = decodeUnit(ev.value);
    if (!unit)
        return Status::error("kafka:" + m_uri.topic + "/" + std::to_string(ev.partition) + " offset "
            + std::to_string(ev.offset) + ": " + unit.status().message()
            + " (is this the aggregate topic of `adclick aggregate`?)");
    Tracked& chain = track(std::string(kChainPrefix) + unitKey(unit->topic, unit->partition));
    if (unit->to <= chain.pos.offset) return Status::ok(); // applied already (a re-publish)
    if (unit->from != chain.pos.offset) {
        outOfChain(*unit, chain);
        return Status::ok();
    }
    return apply(*unit, chain);
}

void Ingestor::AggregateRun::outOfChain(const Unit& unit, const Tracked& chain)
{
    ++m_outOfChain;
    m_in.warn("cluster: unit " + unitKey(unit.topic, unit.partition) + " [" + std::to_string(unit.from) + ", "
        + std::to_string(unit.to) + ") does not continue the applied offsets (up to "
        + std::to_string(chain.pos.offset)
        + "): not applied; a worker that takes the partition over publishes from the chain's end ("
        + std::to_string(m_outOfChain) + " such units in this run)");
}

Status Ingestor::AggregateRun::apply(const Unit& unit, Tracked& chain)
{
    Engine& engine = *m_in.m_engine;
    const EngineConfig& mine = engine.config();
    if (unit.config.latenessMs != mine.latenessMs || unit.config.dedupHorizonMs != mine.dedupHorizonMs
        || unit.config.late != mine.late)
        return Status::error("cluster: the workers count with " + configText(unit.config)
            + ", this database with " + configText(mine)
            + ": give the store the workers' settings (--lateness, --dedup-horizon, --late)");
    Batch& batch = engine.batch();
    batch.counters += unit.counters;
    for (const auto& [minute, m] : unit.minutes) {
        MinuteDelta& d = batch.minutes[minute];
        d.accepted += m.accepted;
        d.duplicates += m.duplicates;
        d.late += m.late;
    }
    for (const UnitCell& c : unit.cells)
        engine.addCounted(c.minute, c.ad, c.country, c.clicks, c.late);
    for (const RejectSample& s : unit.rejects)
        batch.rejects.push_back(s);
    chain.pos.offset = unit.to;
    if (unit.maxEventMs != kNoTime) chain.pos.maxEventMs = unit.maxEventMs;
    m_inputPartitions[unit.topic] = std::max(m_inputPartitions[unit.topic], unit.partitions);
    m_in.stagePosition(chain.pos, chain.report);
    ++m_units;
    return Status::ok();
}

std::optional<int64_t> Ingestor::AggregateRun::lowestPartition() const
{
    std::optional<int64_t> low;
    for (const auto& [topic, count] : m_inputPartitions)
        for (int32_t p = 0; p < count; ++p) {
            auto it = m_tracked.find(std::string(kChainPrefix) + unitKey(topic, p));
            if (it == m_tracked.end() || it->second.pos.maxEventMs == INT64_MIN) return std::nullopt;
            low = low ? std::min(*low, it->second.pos.maxEventMs) : it->second.pos.maxEventMs;
        }
    return low;
}

Status Ingestor::AggregateRun::maybeCommit(bool force)
{
    const int64_t now = steadyMs();
    // Also without new units, every interval: the stored health (the lag) stays current.
    if (!force && m_units < 256 && now - m_lastCommitMs < m_in.m_options.commitIntervalMs)
        return Status::ok();
    int64_t maxEvent = kNoTime;
    for (const auto& [uri, t] : m_tracked)
        if (uri.starts_with(kChainPrefix) && t.pos.maxEventMs != INT64_MIN)
            maxEvent = std::max(maxEvent, t.pos.maxEventMs);
    Engine& engine = *m_in.m_engine;
    if (const auto low = lowestPartition()) engine.advanceWatermark(*low - engine.config().latenessMs);
    std::vector<SourcePosition> positions;
    for (const auto& [uri, t] : m_tracked)
        positions.push_back(t.pos);
    updateHealth();
    m_in.m_store->setKafkaHealth(m_health);
    if (auto st = m_in.m_store->commit(engine.batch(), maxEvent, engine.watermarkMs(), positions); !st)
        return st;
    engine.batchCommitted();
    for (const auto& [trackedUri, t] : m_tracked) {
        const std::string& uri = trackedUri; // clang 14 cannot capture a structured binding
        auto known = std::find_if(
            m_in.m_known.begin(), m_in.m_known.end(), [&](const SourcePosition& k) { return k.uri == uri; });
        if (known == m_in.m_known.end())
            m_in.m_known.push_back(t.pos);
        else
            *known = t.pos;
    }
    m_in.m_pending.clear();
    m_units = 0;
    m_lastCommitMs = now;
    return Status::ok();
}

} // namespace adclick::core
