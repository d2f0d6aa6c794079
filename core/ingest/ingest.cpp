#include "core/ingest/ingest.h"

#include "core/base/clock.h"
#include "core/base/failpoint.h"
#include "core/base/sys_text.h"
#include "core/ingest/committer.h"
#include "core/ingest/ingest_source.h"
#include "core/ingest/kafka_source.h"
#include "core/ingest/kept_event.h"
#include "core/ingest/order_any.h"
#include "core/ingest/parse_ahead.h"
#include "core/input/input_file.h"
#include "core/input/record_reader.h"
#include "core/input/source_list.h"
#include "core/store/maintenance.h"
#include "core/store/saved_filters.h"
#include "core/store/store_reads.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace adclick::core {

Result<std::string> readHead(const std::string& path)
{
    auto file = InputFile::open(path);
    if (!file) return Result<std::string>(file.status());
    std::string head(kFingerprintBytes, '\0');
    std::size_t got = 0;
    while (got < head.size()) {
        auto n = (*file)->read(std::span<char>(head.data() + got, head.size() - got));
        if (!n) return Result<std::string>(n.status());
        if (*n == 0) break;
        got += *n;
    }
    head.resize(got);
    return head;
}

//! Resuming mid-file in a database of an older version, which stored no parser state: the
//! parser reads the head of the file again (those lines were counted in an earlier run) to find
//! the CSV header that applies. A database of this version stores the state with the position.
void primeParser(LineParser& parser, std::string_view head)
{
    ClickEvent ignored;
    for (std::size_t nl; (nl = head.find('\n')) != std::string_view::npos; head.remove_prefix(nl + 1))
        parser.parse(head.substr(0, nl), ignored);
}

namespace {

//! Replaces the position with the id of `pos`, or appends it.
void upsertPosition(std::vector<SourcePosition>& positions, const SourcePosition& pos)
{
    auto it = std::find_if(positions.begin(), positions.end(), [&](const auto& p) { return p.id == pos.id; });
    if (it == positions.end())
        positions.push_back(pos);
    else
        *it = pos;
}

} // namespace

Ingestor::Ingestor() = default;
Ingestor::~Ingestor() = default;

int64_t Ingestor::futureBoundMs() const
{
    return wallMs() + m_options.maxFutureMs;
}

void Ingestor::warn(const std::string& message)
{
    m_result.warnings.push_back(message);
    if (onWarning) onWarning(message);
}

IngestResult Ingestor::finalResult()
{
    m_result.totals = m_engine->totals();
    m_result.run = m_result.totals;
    m_result.run -= m_runStart;
    m_result.watermarkMs = m_engine->watermarkMs();
    m_result.maxEventMs = m_engine->maxEventMs();
    m_result.seconds = double(steadyMs() - m_startMs) / 1000.0;
    m_result.bytes = m_runBytes;
    m_result.dedupKeys = m_engine->dedupKeys();
    m_result.dedupBytes = m_engine->dedupMemoryBytes();
    if (SlidingTopN* live = m_engine->liveTop()) m_result.liveTop = live->top(10);
    return m_result;
}

Status Ingestor::openSource(const std::string& path, Source& src)
{
    src.path = path;
    auto file = InputFile::open(path);
    if (!file) return file.status();
    src.file = std::move(*file);
    src.parser = LineParser(m_options.parser);
    src.pos = SourcePosition { m_nextSourceId, path, 0, 0, 0 };
    src.resumable = src.file->seekable() || src.file->compressed();
    m_result.sources.push_back({ path, 0, 0, {}, {} });
    src.report = m_result.sources.size() - 1;
    if (path == "-" || !src.resumable) {
        ++m_nextSourceId; // stdin cannot be resumed: every run is new input
        src.splitter.reset(0);
        return Status::ok();
    }

    auto head = readHead(path);
    if (!head) return head.status();
    // Match the stored source whose fingerprint is a prefix of this file's head. A full-length
    // fingerprint identifies a file wherever it moved (rotation); a short one (the file was small)
    // is only trusted under the same path.
    const SourcePosition* match = nullptr;
    for (const SourcePosition& k : m_known) {
        if (k.fpLen > head->size() || fingerprintHash(head->data(), k.fpLen) != k.fpHash) continue;
        if (k.fpLen < kFingerprintBytes && k.uri != path) continue;
        if (!match || k.fpLen > match->fpLen) match = &k;
    }
    const uint32_t fpLen = static_cast<uint32_t>(head->size());
    src.head = std::move(*head);
    src.pos.fpLen = fpLen;
    src.pos.fpHash = fingerprintHash(src.head.data(), fpLen);
    if (!match) {
        ++m_nextSourceId;
        src.splitter.reset(0);
        return Status::ok();
    }
    src.pos.id = match->id;
    src.pos.offset = match->offset;
    if (match->offset > 0) {
        if (auto st = src.file->seek(match->offset); !st) {
            warn("'" + path + "' is shorter than its stored position " + std::to_string(match->offset)
                + " (truncated and rewritten?); reading it from the start");
            src.pos.offset = 0;
            auto reopened = InputFile::open(path);
            if (!reopened) return reopened.status();
            src.file = std::move(*reopened);
        } else if (match->parserState) {
            if (auto mapped = checkParserOptions(path, *match->parserState); !mapped) return mapped;
            src.parser.restore(*match->parserState); // with the column map it was read with
        } else {
            primeParser(src.parser,
                std::string_view(src.head).substr(0, std::min<uint64_t>(src.head.size(), match->offset)));
        }
    }
    src.splitter.reset(src.pos.offset);
    src.readEnd = src.pos.offset;
    m_result.sources[src.report].resumedFrom = src.pos.offset;
    m_result.sources[src.report].offset = src.pos.offset;
    return Status::ok();
}

void Ingestor::processLine(Source& src, const Line& line)
{
    ParsedLine parsed;
    parseRecord(src.parser, src.looksLikeClicks, m_result.sources[src.report].resumedFrom == 0, line, parsed);
    takeLine(src, parsed, false);
}

void Ingestor::takeLine(Source& src, const ParsedLine& line, bool ahead)
{
    const ClickEvent& event = line.event;
    switch (line.outcome.kind) {
    case LineKind::Event: {
        if (event.timeMs > m_engine->futureScreenMs()) {
            drainAhead(); // the decision needs the events before this one
            if (m_engine->rejectsAsFuture(event.timeMs)) {
                m_engine->onReject(RejectReason::Future, src.path, line.offset, line.text);
                break;
            }
        }
        if (m_orderAny) { // sorted by time first (order_any.cpp)
            m_orderAny->add(event, src.report, line.offset);
            break;
        }
        Ahead& a = m_ahead[m_aheadCount++];
        a.stream = Engine::kFileStream;
        if (ahead) { // the block keeps the event until it is drained
            a.use = &event;
            a.identity = line.identity;
        } else {
            a.event = keepClickEvent(event, a.storage);
            a.use = &a.event;
            a.identity = m_engine->identityOf(a.event);
        }
        m_engine->prefetch(a.identity, *a.use);
        if (m_aheadCount == kAhead) drainAhead();
        break;
    }
    case LineKind::Rejected:
        if (line.headerError) m_headerError = quoted(src.path) + ": " + std::string(line.problem);
        m_engine->onReject(line.outcome.reason, src.path, line.offset, line.text);
        break;
    case LineKind::Blank:
    case LineKind::Header:
        break;
    }
}

void Ingestor::drainAhead()
{
    for (std::size_t i = 0; i < m_aheadCount; ++i)
        m_engine->onEvent(*m_ahead[i].use, m_ahead[i].identity, m_ahead[i].stream);
    m_aheadCount = 0;
}

Status Ingestor::processChunk(Source& src, std::string_view chunk)
{
    m_engine->setFutureBound(futureBoundMs());
    src.splitter.feed(chunk);
    Line line;
    while (src.splitter.next(line, src.parser)) {
        processLine(src, line);
        if (!m_headerError.empty()) return Status::error(m_headerError);
        if (m_engine->batch().events() >= m_options.commitEvents) {
            src.pos.offset = src.splitter.consumedOffset();
            if (auto st = commit(&src); !st) return st;
        }
    }
    drainAhead();
    src.pos.offset = src.splitter.consumedOffset();
    if (auto st = stageRawAhead(); !st) return st;
    return maybeCommit(src, false);
}

Status Ingestor::stageRawAhead()
{
    RawBatch& raw = m_engine->batch().raw;
    if (raw.size() < m_options.stageRawBytes) return Status::ok();
    if (!m_committer) return m_store->stageRaw(raw);
    // The frames are cut here, on the counting thread, so the raw bytes are those of one thread.
    m_committer->stage(raw.takeFrames());
    return Status::ok();
}

Status Ingestor::maybeCommit(Source& src, bool force)
{
    const int64_t now = steadyMs();
    progress(src.path, false);
    if (!force && now - m_lastCommitMs < m_options.commitIntervalMs) return Status::ok();
    // The interval is a bound on staleness, not a reason to wait: while the committer is still
    // busy with the last batch, this one grows (up to commitEvents) and is handed over once it is
    // free. Fewer, bigger commits also upsert each aggregate row fewer times.
    if (!force && m_committer && m_committer->busy()) return Status::ok();
    if (!force && idleSinceCommit(src)) {
        // A quiet followed source: nothing to store, but other commands' filter changes still apply.
        m_lastCommitMs = now;
        return syncSavedFilters();
    }
    return commit(&src);
}

bool Ingestor::idleSinceCommit(const Source& src) const
{
    if (m_aheadCount > 0 || m_engine->batch().events() > 0 || !m_pending.empty()) return false;
    if (m_engine->watermarkMs() != m_committedWatermarkMs) return false;
    const auto known
        = std::find_if(m_known.begin(), m_known.end(), [&](const auto& k) { return k.id == src.pos.id; });
    return known != m_known.end() && known->offset == src.pos.offset && known->fpLen == src.pos.fpLen;
}

void Ingestor::stagePosition(const SourcePosition& pos, std::size_t report)
{
    upsertPosition(m_pending, pos);
    m_result.sources[report].offset = pos.offset;
}

void Ingestor::stageSource(Source& src)
{
    if (src.resumable && src.pos.fpLen < src.head.size()) {
        // The file was small when first seen: extend its fingerprint as it grows — from the
        // bytes we read, never from what the path holds now (it may have been rewritten).
        src.pos.fpLen = static_cast<uint32_t>(src.head.size());
        src.pos.fpHash = fingerprintHash(src.head.data(), src.head.size());
    }
    src.pos.parserState = src.parser.state();
    stagePosition(src.pos, src.report);
    m_result.sources[src.report].columns = src.parser.columnsInUse();
}

Status Ingestor::commit(Source* src)
{
    drainAhead();
    if (src) stageSource(*src);
    std::vector<SourcePosition> positions;
    for (const auto& p : m_pending)
        if (p.uri != "-") positions.push_back(p);
    if (auto st = m_committer ? handOffBatch(positions) : commitNow(positions); !st) return st;
    // Handed off counts as committed: a commit that fails later ends the run (committer.h).
    for (const auto& p : positions)
        upsertPosition(m_known, p);
    m_pending.clear();
    m_lastCommitMs = steadyMs();
    m_committedWatermarkMs = m_engine->watermarkMs();
    // With a committer, the saved filters are checked after its commit (handOffBatch).
    return m_committer ? Status::ok() : syncSavedFilters();
}

Status Ingestor::commitNow(const std::vector<SourcePosition>& positions)
{
    if (auto st
        = m_store->commit(m_engine->batch(), m_engine->maxEventMs(), m_engine->watermarkMs(), positions);
        !st)
        return st;
    m_engine->batchCommitted();
    return Status::ok();
}

Status Ingestor::handOffBatch(const std::vector<SourcePosition>& positions)
{
    // The commit before this one must be done first (one in flight); its error ends the run here.
    if (auto st = m_committer->finish(); !st) return st;
    if (m_committer->takeFiltersChanged()) {
        // Another command saved or dropped a filter: as with one thread, the change applies
        // after this batch is committed and back-filled, before another click is counted.
        if (auto st = commitNow(positions); !st) return st;
        return syncSavedFilters();
    }
    CommitJob job;
    job.batch = m_engine->handOff(m_committer->spareBatch());
    job.maxEventMs = m_engine->maxEventMs();
    job.watermarkMs = m_engine->watermarkMs();
    job.positions = positions;
    job.filterStates = m_filterStates;
    return m_committer->commit(std::move(job));
}

Status Ingestor::countWithCommitter(const std::function<Status()>& count)
{
    m_committer = std::make_unique<Committer>(*m_store);
    const Status counted = count();
    const Status committed = m_committer->finish();
    const bool filtersChanged = m_committer->takeFiltersChanged();
    m_committer.reset();
    if (!counted) return counted;
    if (!committed) return committed;
    return filtersChanged ? syncSavedFilters() : Status::ok();
}

void Ingestor::progress(const std::string& source, bool force, const KafkaHealth* kafka)
{
    if (!onProgress) return;
    const int64_t now = steadyMs();
    if (!force && now - m_lastProgressMs < m_options.progressIntervalMs) return;
    m_lastProgressMs = now;
    IngestProgress p;
    p.totals = m_engine->totals();
    p.runLines = p.totals.lines - m_runStart.lines;
    p.runBytes = m_runBytes;
    p.seconds = double(now - m_startMs) / 1000.0;
    p.watermarkMs = m_engine->watermarkMs();
    p.maxEventMs = m_engine->maxEventMs();
    p.source = source;
    if (kafka) p.kafka.push_back(*kafka);
    onProgress(p);
}

Status Ingestor::readToEnd(Source& src, std::stop_token& stop, bool& stopped)
{
    for (;;) {
        if (stop.stop_requested()) {
            stopped = true;
            return Status::ok();
        }
        // A stream (stdin, a FIFO) is waited for in short steps: an interrupt ends the wait, and
        // a slow writer's lines are committed every commitIntervalMs, not at the end.
        if (src.parseAhead) return readAhead(src, stop, stopped);
        auto ready = src.file->waitReadable(100);
        if (!ready) return ready.status();
        if (!*ready) {
            if (auto st = maybeCommit(src, false); !st) return st;
            continue;
        }
        auto n = src.file->read(std::span<char>(m_buffer.data(), m_buffer.size()));
        if (!n) return n.status();
        if (*n == 0) return Status::ok();
        if (!noteRead(src, std::string_view(m_buffer.data(), *n))) return Status::ok();
        m_runBytes += *n;
        if (auto st = processChunk(src, std::string_view(m_buffer.data(), *n)); !st) return st;
    }
}

Result<IngestResult> Ingestor::run(std::stop_token stop)
{
    m_buffer.resize(m_options.readBufferBytes);
    m_startMs = steadyMs();
    m_lastCommitMs = m_lastProgressMs = m_startMs;
    m_runStart = m_engine->totals();
    if (m_options.orderAny) return runOrderAny(stop);
    std::vector<std::string> files;
    for (const std::string& s : m_options.sources) {
        if (!isKafkaUri(s)) {
            files.push_back(s);
            continue;
        }
        const auto uri = parseKafkaUri(s);
        if (auto st = uri && uri->aggregates ? runAggregates(s, stop) : runKafka(s, stop); !st)
            return Result<IngestResult>(st);
    }
    auto listed = expandSources(
        files, { m_options.parser.format, m_options.followSymlinks, m_options.parser.time, m_own });
    if (!listed) return Result<IngestResult>(listed.status());
    for (const auto* list : { &listed->skipped, &listed->warnings })
        for (const std::string& s : *list)
            warn(s);
    if (onNote)
        for (const std::string& n : listed->notes)
            onNote(n);
    const std::vector<std::string>* paths = &listed->paths;

    for (std::size_t i = 0; i < paths->size(); ++i) {
        const bool followThis = m_options.follow && i + 1 == paths->size();
        // A followed file (and its rotated predecessor) is live: the wall clock bounds it; an
        // archive is bounded by its own times.
        m_engine->setJumpCheck(!followThis, m_options.maxJumpMs);
        if (auto st = finishPredecessor((*paths)[i], stop); !st) return Result<IngestResult>(st);
        if (stop.stop_requested()) break; // its rest first: the file after it must not be started
        Source src;
        const Counters before = m_engine->totals();
        if (auto st = openSource((*paths)[i], src); !st) return Result<IngestResult>(st);
        src.parseAhead = m_options.threads > 1 && !followThis && src.resumable && src.path != "-";
        bool stopped = false;
        Status st = followThis ? follow(src, stop) : readToEnd(src, stop, stopped);
        if (!st) return Result<IngestResult>(st);
        if (!followThis && !stopped) {
            // An archive ends here: a last line without '\n' is complete.
            Line line;
            while (src.splitter.finish(line, src.parser))
                processLine(src, line);
            if (!m_headerError.empty()) return Result<IngestResult>::error(m_headerError);
            src.pos.offset = src.splitter.consumedOffset();
        }
        if (auto cst = commit(&src); !cst) return Result<IngestResult>(cst);
        (m_result.sources[src.report].run = m_engine->totals()) -= before;
        progress(src.path, true);
        if (stop.stop_requested()) break;
    }
    return finalResult();
}

} // namespace adclick::core
