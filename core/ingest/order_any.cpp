#include "core/ingest/order_any.h"

#include "core/base/clock.h"
#include "core/base/timestamp.h"
#include "core/ingest/kafka_source.h"
#include "core/ingest/kept_event.h"
#include "core/input/source_list.h"

#include <algorithm>

namespace adclick::core {

namespace {

constexpr uint64_t kSignBit = uint64_t(1) << 63;
//! Stop requests and progress are looked at every this many clicks of a pass.
constexpr uint64_t kCheckEvery = 1u << 16;

//! Step 0's time-jump rule of an archive (Engine::rejectsAsFuture) on the sorted stream. Phases 2
//! and 4 replay it from the same start over the same sequence, so they reject the same clicks.
class JumpCheck {
public:
    JumpCheck(int64_t maxEventMs, int64_t candidateMs, int64_t maxJumpMs)
        : m_max(maxEventMs)
        , m_candidate(candidateMs)
        , m_maxJump(maxJumpMs)
    { }
    //! True: the click is rejected (future); false: it is taken (and moves the largest time).
    bool rejects(int64_t t)
    {
        if (m_maxJump <= 0 || m_max == kNoTime || t <= m_max + m_maxJump) return take(t);
        if (m_candidate != kNoTime && t >= m_candidate - m_maxJump && t <= m_candidate + m_maxJump)
            return take(t);
        m_candidate = t;
        return true;
    }
    int64_t candidate() const { return m_candidate; }

private:
    bool take(int64_t t)
    {
        m_candidate = kNoTime;
        m_max = m_max == kNoTime ? t : std::max(m_max, t);
        return false;
    }
    int64_t m_max, m_candidate, m_maxJump;
};

//! A click of the clicks sorter, with where it came from.
struct SortedClick {
    ClickEvent event;
    uint64_t source = 0, offset = 0;
};

void appendField(std::string& out, std::string_view f)
{
    appendVarint(out, f.size());
    out.append(f);
}

bool readField(std::string_view& in, std::string_view& f)
{
    uint64_t n = 0;
    if (!readVarint(in, n) || n > in.size()) return false;
    f = in.substr(0, n);
    in.remove_prefix(n);
    return true;
}

bool decode(const SortKey& key, std::string_view p, SortedClick& c)
{
    c.event.timeMs = static_cast<int64_t>(key.a ^ kSignBit);
    return readVarint(p, c.source) && readVarint(p, c.offset) && readField(p, c.event.adId)
        && readField(p, c.event.userId) && readField(p, c.event.ip) && readField(p, c.event.country)
        && readField(p, c.event.clickId);
}

//! A future reject's sample: the click's fields (its line is not kept through the sort).
std::string sampleOf(const ClickEvent& e)
{
    std::string s = std::string(e.adId) + "," + formatIsoUtc(e.timeMs) + "," + std::string(e.userId) + ","
        + std::string(e.ip) + "," + std::string(e.country);
    if (!e.clickId.empty()) s += "," + std::string(e.clickId);
    return s;
}

Status damaged()
{
    return Status::error("--order any: a sorted click could not be read back (sort run damaged)");
}

} // namespace

Ingestor::OrderAny::OrderAny(Ingestor& in, std::string dir)
    : m_in(in)
    , m_dir(std::move(dir))
    , m_memory(std::max<std::size_t>(in.m_options.sortMemoryBytes, std::size_t(16) << 10))
    , m_clicks(m_dir, m_memory, m_memory / 4)
{ }

uint64_t Ingestor::OrderAny::spilledBytes() const
{
    uint64_t b = m_clicks.bytesWritten();
    for (const auto* s : { m_ids.get(), m_copies.get() })
        if (s) b += s->bytesWritten();
    return b;
}

std::size_t Ingestor::OrderAny::runsWritten() const
{
    std::size_t n = m_clicks.runsWritten();
    for (const auto* s : { m_ids.get(), m_copies.get() })
        if (s) n += s->runsWritten();
    return n;
}

void Ingestor::OrderAny::add(const ClickEvent& e, std::size_t source, uint64_t offset)
{
    if (!m_status) return;
    m_payload.clear();
    appendVarint(m_payload, source);
    appendVarint(m_payload, offset);
    for (std::string_view f : { e.adId, e.userId, e.ip, e.country, e.clickId })
        appendField(m_payload, f);
    m_withClickId += !e.clickId.empty();
    m_status = m_clicks.add(SortKey { uint64_t(e.timeMs) ^ kSignBit, m_seq++, 0 }, m_payload);
}

Status Ingestor::OrderAny::interrupted() const
{
    return Status::error("interrupted: --order any stores its result only whole, so nothing of this run "
                         "was stored (run the same command again)");
}

Status Ingestor::OrderAny::run(const std::vector<std::string>& paths, std::stop_token& stop)
{
    // Phase 1 screens only against the wall clock; the time-jump rule needs the sorted order.
    m_in.m_engine->setJumpCheck(false, 0);
    for (const std::string& path : paths)
        if (auto st = readSource(path, stop); !st) return st;
    if (auto st = m_clicks.finish(); !st) return st;
    if (m_withClickId > 0)
        if (auto st = findCopies(stop); !st) return st;
    // Saved-filter changes made meanwhile by other commands; none can be made while the
    // transaction is held.
    if (auto st = m_in.syncSavedFilters(); !st) return st;
    if (auto st = m_in.m_store->beginHold(); !st) return st;
    Status st = feed(stop);
    if (!st) m_in.m_store->abandonHold();
    return st;
}

Status Ingestor::OrderAny::readSource(const std::string& path, std::stop_token& stop)
{
    Ingestor& in = m_in;
    Source src;
    if (auto st = in.openSource(path, src); !st) return st;
    for (;;) {
        if (stop.stop_requested()) return interrupted();
        auto ready = src.file->waitReadable(100);
        if (!ready) return ready.status();
        if (!*ready) continue;
        auto n = src.file->read(std::span<char>(in.m_buffer.data(), in.m_buffer.size()));
        if (!n) return n.status();
        if (*n == 0) break;
        const std::string_view chunk(in.m_buffer.data(), *n);
        in.noteRead(src, chunk);
        in.m_runBytes += *n;
        in.m_engine->setFutureBound(in.futureBoundMs());
        src.splitter.feed(chunk);
        Line line;
        while (src.splitter.next(line, src.parser))
            in.processLine(src, line);
        if (!m_status) return m_status;
        in.progress(src.path, false);
    }
    Line line;
    while (src.splitter.finish(line, src.parser)) // the end of an archive: a last line without '\n'
        in.processLine(src, line);
    if (!m_status) return m_status;
    src.pos.offset = src.splitter.consumedOffset();
    in.stageSource(src);
    // Known from now on: the same file named again (or a copy of it) continues from its end.
    auto known = std::find_if(
        in.m_known.begin(), in.m_known.end(), [&](const SourcePosition& k) { return k.id == src.pos.id; });
    if (known == in.m_known.end())
        in.m_known.push_back(src.pos);
    else
        *known = src.pos;
    in.progress(src.path, true);
    return Status::ok();
}

Status Ingestor::OrderAny::findCopies(std::stop_token& stop)
{
    Engine& engine = *m_in.m_engine;
    m_ids = std::make_unique<SpillSorter>(m_dir, m_memory / 4, m_memory / 4);
    auto clicks = m_clicks.open();
    if (!clicks) return clicks.status();
    JumpCheck jump(engine.maxEventMs(), engine.jumpCandidateMs(), m_in.m_options.maxJumpMs);
    SortKey key;
    std::string_view payload;
    SortedClick c;
    for (uint64_t rank = 0; (*clicks)->next(key, payload); ++rank) {
        if (!decode(key, payload, c)) return damaged();
        if (rank % kCheckEvery == 0 && stop.stop_requested()) return interrupted();
        if (jump.rejects(c.event.timeMs) || c.event.clickId.empty()) continue;
        const Hash128 id = engine.identityOf(c.event);
        if (auto st = m_ids->add(SortKey { id.hi, id.lo, rank }, {}); !st) return st;
    }
    if (auto st = (*clicks)->status(); !st) return st;
    if (auto st = m_ids->finish(); !st) return st;

    // Identities in order, each one's copies by rank: all but the first are duplicates.
    m_copies = std::make_unique<SpillSorter>(m_dir, m_memory / 4, m_memory / 4);
    auto ids = m_ids->open();
    if (!ids) return ids.status();
    SortKey prev { 0, 0, UINT64_MAX };
    while ((*ids)->next(key, payload)) {
        if (prev.c != UINT64_MAX && key.a == prev.a && key.b == prev.b)
            if (auto st = m_copies->add(SortKey { key.c, 0, 0 }, {}); !st) return st;
        prev = key;
    }
    if (auto st = (*ids)->status(); !st) return st;
    ids->reset();
    m_ids.reset(); // its memory and files are not needed any more
    return m_copies->finish();
}

Status Ingestor::OrderAny::commitHeld(bool last)
{
    Ingestor& in = m_in;
    std::vector<SourcePosition> positions;
    if (last)
        for (const auto& p : in.m_pending)
            if (p.uri != "-") positions.push_back(p);
    Engine& engine = *in.m_engine;
    if (auto st = in.m_store->commit(engine.batch(), engine.maxEventMs(), engine.watermarkMs(), positions);
        !st)
        return st;
    engine.batchCommitted();
    if (last) in.m_pending.clear();
    return Status::ok();
}

Status Ingestor::OrderAny::drainAhead()
{
    Ingestor& in = m_in;
    Engine& engine = *in.m_engine;
    for (std::size_t i = 0; i < m_aheadCount; ++i) {
        const Ahead& a = m_ahead[i];
        if (a.kind == Ahead::Kind::Future)
            engine.onReject(
                RejectReason::Future, in.m_result.sources[a.source].path, a.offset, sampleOf(a.event));
        else if (a.kind == Ahead::Kind::Copy)
            engine.onKnownDuplicate(a.event);
        else
            engine.onEvent(a.event, a.identity);
    }
    m_aheadCount = 0;
    if (engine.batch().events() >= in.m_options.commitEvents) return commitHeld(false);
    if (engine.batch().raw.size() >= in.m_options.stageRawBytes)
        return in.m_store->stageRaw(engine.batch().raw);
    return Status::ok();
}

Status Ingestor::OrderAny::feed(std::stop_token& stop)
{
    Engine& engine = *m_in.m_engine;
    auto clicks = m_clicks.open();
    if (!clicks) return clicks.status();
    std::unique_ptr<SpillSorter::Cursor> copies;
    if (m_copies) {
        auto c = m_copies->open();
        if (!c) return c.status();
        copies = std::move(*c);
    }
    SortKey key, copyKey;
    std::string_view payload, none;
    uint64_t nextCopy = copies && copies->next(copyKey, none) ? copyKey.a : UINT64_MAX;
    JumpCheck jump(engine.maxEventMs(), engine.jumpCandidateMs(), m_in.m_options.maxJumpMs);
    SortedClick c;
    for (uint64_t rank = 0; (*clicks)->next(key, payload); ++rank) {
        if (!decode(key, payload, c)) return damaged();
        Ahead& a = m_ahead[m_aheadCount++];
        a.event = keepClickEvent(c.event, a.storage);
        a.source = c.source;
        a.offset = c.offset;
        if (jump.rejects(a.event.timeMs)) {
            a.kind = Ahead::Kind::Future;
        } else if (rank == nextCopy) {
            a.kind = Ahead::Kind::Copy;
            nextCopy = copies->next(copyKey, none) ? copyKey.a : UINT64_MAX;
        } else {
            a.kind = Ahead::Kind::Click;
            a.identity = engine.identityOf(a.event);
            engine.prefetch(a.identity, a.event);
        }
        if (m_aheadCount == kAhead)
            if (auto st = drainAhead(); !st) return st;
        if (rank % kCheckEvery == 0) {
            if (stop.stop_requested()) return interrupted();
            m_in.progress("(sorted)", false);
        }
    }
    if (auto st = drainAhead(); !st) return st;
    if (auto st = (*clicks)->status(); !st) return st;
    if (copies)
        if (auto st = copies->status(); !st) return st;
    engine.restoreJumpCandidate(jump.candidate());
    // The archive is complete: every pane up to its newest click is final.
    if (engine.maxEventMs() != kNoTime) engine.advanceWatermark(engine.maxEventMs());
    if (auto st = commitHeld(true); !st) return st;
    return m_in.m_store->endHold();
}

Result<IngestResult> Ingestor::runOrderAny(std::stop_token& stop)
{
    using R = Result<IngestResult>;
    if (m_options.follow)
        return R::error("--order any reads finite sources whole before it counts; it cannot --follow");
    for (const std::string& s : m_options.sources)
        if (isKafkaUri(s))
            return R::error("--order any is for finite sources (files, folders, .gz, stdin), not Kafka ('" + s
                + "'): a topic has no end to sort up to");
    auto listed = expandSources(m_options.sources,
        { m_options.parser.format, m_options.followSymlinks, m_options.parser.time, m_own });
    if (!listed) return R(listed.status());
    for (const auto* list : { &listed->skipped, &listed->warnings })
        for (const std::string& s : *list)
            warn(s);
    if (onNote)
        for (const std::string& n : listed->notes)
            onNote(n);
    std::string dir = m_options.sortDir;
    if (dir.empty()) {
        const std::string& db = m_store->path();
        const auto slash = db.rfind('/');
        dir = slash == std::string::npos ? "." : slash == 0 ? "/" : db.substr(0, slash);
    }
    m_orderAny = std::make_unique<OrderAny>(*this, dir);
    Status st = m_orderAny->run(listed->paths, stop);
    m_result.sortRuns = m_orderAny->runsWritten();
    m_result.sortSpilledBytes = m_orderAny->spilledBytes();
    m_orderAny.reset();
    if (!st) return R(st);
    return finalResult();
}

} // namespace adclick::core
