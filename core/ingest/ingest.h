#pragma once

#include "core/base/status.h"
#include "core/input/line_parser.h"
#include "core/input/own_files.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/filter_expr.h"
#include "core/store/kafka_health.h"
#include "core/store/store.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

class Committer;
class InputFile;
class ParseAhead;
struct ParsedBlock;
struct ParsedLine;

struct IngestOptions {
    std::vector<std::string> sources; //!< files, .gz files, directories, "-"
    //! Line format and column map (--format, --map); a resumed source keeps the map it was read with.
    ParserOptions parser;
    // Engine settings; unset ones come from the database (or the defaults for a new one).
    std::optional<int64_t> latenessMs;
    std::optional<LatePolicy> late;
    std::optional<int64_t> dedupHorizonMs;
    //! Clicks later than the wall clock + maxFutureMs are rejected (`future`), whatever the source.
    int64_t maxFutureMs = 300'000;
    //! Archives (sources not followed, not Kafka): a click more than this ahead of the largest
    //! event time so far is rejected (`future`) unless the next click confirms the jump (0: off).
    int64_t maxJumpMs = 86'400'000;
    bool follow = false; //!< after the other sources, keep following the last one
    bool followSymlinks = false; //!< folders: also read links that lead out of the folder
    int64_t idleMs = 30'000; //!< follow mode: an idle source lets the watermark advance with wall time
    StoreOptions store;
    int64_t commitEvents = 1'000'000; //!< commit at least this often (events) ...
    int64_t commitIntervalMs = 1000; //!< ... and at least this often (wall time)
    std::size_t readBufferBytes = 4u << 20;
    //! Raw lines of an open batch are written ahead in pieces of this size (Store::stageRaw).
    std::size_t stageRawBytes = 8u << 20;
    int64_t progressIntervalMs = 1000;
    //! > 0: keep the live top-N over this many final minutes (Engine::enableLiveTop).
    int liveTopMinutes = 0;
    //! Kafka sources: librdkafka properties, and whether to stop once every partition was read to
    //! its end (otherwise follow until stopped).
    std::vector<std::pair<std::string, std::string>> kafkaProperties;
    bool untilEnd = false;
    //! Kafka data gap (retention removed messages we had not read): false → stop with an error
    //! (the alarm is stored); true → record the alarm with the number of lost messages and
    //! continue from the oldest message still there.
    bool skipGap = false;
    //! Finite sources only (not with follow or Kafka): read every source whole, sort the clicks
    //! by event time on disk and count them in that order, with copies found over the whole
    //! input; committed whole at the end (order_any.h, docs/semantics.md "Archives in any order").
    bool orderAny = false;
    //! orderAny: memory for the sorts; beyond it, sorted runs go to disk in sortDir.
    std::size_t sortMemoryBytes = std::size_t(256) << 20;
    //! orderAny: where sorted runs go (unlinked files); empty: the database's folder.
    std::string sortDir;
    //! ≥ 2: archived files (not followed, not stdin) are read and parsed on a thread of their own,
    //! and they and Kafka sources (not a cluster's aggregates) are committed on another while this
    //! one counts (parse_ahead.h, committer.h); the result is that of one thread exactly.
    int threads = 1;
};

struct SourceReport {
    std::string path;
    uint64_t resumedFrom = 0;
    uint64_t offset = 0; //!< content bytes processed when it was left
    Counters run {}; //!< what this run read from it (judgeRun: an all-rejected source is an error)
    std::string columns; //!< the column map in use (LineParser::columnsInUse)
};

struct IngestProgress {
    Counters totals; //!< all-time totals in the database, including the open batch
    int64_t runLines = 0; //!< lines of this run
    uint64_t runBytes = 0;
    double seconds = 0;
    int64_t watermarkMs = kNoTime;
    int64_t maxEventMs = kNoTime;
    std::string source;
    std::vector<KafkaHealth> kafka; //!< one per Kafka source of the run
};

struct IngestResult {
    Counters totals;
    Counters run;
    int64_t watermarkMs = kNoTime;
    int64_t maxEventMs = kNoTime;
    double seconds = 0;
    uint64_t bytes = 0;
    std::size_t dedupKeys = 0;
    std::size_t dedupBytes = 0; //!< memory of the dedup table (bounded by the horizon)
    std::vector<SourceReport> sources;
    std::vector<std::string> warnings;
    std::vector<SlidingTopN::Entry> liveTop; //!< with liveTopMinutes: the top 10 at the end
    std::vector<KafkaHealth> kafka; //!< Kafka sources: their health when the run ended
    std::size_t sortRuns = 0; //!< orderAny: sorted runs written to disk (merges included)
    uint64_t sortSpilledBytes = 0; //!< orderAny: bytes written to them
};

//! Runs sources through parser → engine → store with exactly-once positions. Open() takes the
//! single-writer lock and restores the engine (counters, watermark, dedup keys from raw events);
//! run() continues every source from its stored position.
class Ingestor {
public:
    ~Ingestor();
    static Result<std::unique_ptr<Ingestor>> open(const std::string& dbPath, IngestOptions options);

    std::function<void(const IngestProgress&)> onProgress;
    std::function<void(const std::string&)> onWarning;
    //! Information worth a line on stderr: the reading order of each folder.
    std::function<void(const std::string&)> onNote;

    Result<IngestResult> run(std::stop_token stop = {});

private:
    Ingestor();
    struct Source;
    Status openSource(const std::string& path, Source& src);
    //! A resumed source keeps the column map and time format it was read with: a different
    //! --map, --time-format or --time-zone is an error.
    Status checkParserOptions(const std::string& source, std::string_view parserState) const;
    Status processChunk(Source& src, std::string_view chunk);
    void processLine(Source& src, const struct Line& line);
    //! Counts one parsed line; `ahead`: parsed by ParseAhead (its event and identity stay valid
    //! until the block is drained), otherwise copied out of the parser's buffers.
    void takeLine(Source& src, const ParsedLine& line, bool ahead);
    //! IngestOptions::threads ≥ 2, an archived file: readToEnd with the parsing on a worker.
    Status readAhead(Source& src, std::stop_token& stop, bool& stopped);
    //! readAhead's loop over the blocks, with m_committer running.
    Status countAhead(Source& src, ParseAhead& ahead, std::stop_token& stop, bool& stopped);
    //! processChunk for a block parsed ahead (the same commits, at the same lines).
    Status processBlock(Source& src, const ParsedBlock& block);
    //! Hands the events parsed ahead to the engine, in input order.
    void drainAhead();
    Status maybeCommit(Source& src, bool force);
    //! Nothing to commit: no events, same watermark and position as the last commit.
    bool idleSinceCommit(const Source& src) const;
    Status commit(Source* src);
    //! commit()'s store work on this thread.
    Status commitNow(const std::vector<SourcePosition>& positions);
    //! commit()'s store work handed to m_committer (ingest --threads, committer.h).
    Status handOffBatch(const std::vector<SourcePosition>& positions);
    //! Runs `count` with m_committer doing the store's work; whatever ends it, what was handed
    //! over is committed (or has failed) before the store is used here again, and saved filters
    //! another command changed meanwhile are then synced. count's error comes first.
    Status countWithCommitter(const std::function<Status()>& count);
    //! Writes the open batch's raw frames ahead once they reach IngestOptions::stageRawBytes.
    Status stageRawAhead();
    Status readToEnd(Source& src, std::stop_token& stop, bool& stopped);
    // Following a file (ingest_follow.cpp): its identity (inode, size, first bytes) is checked
    // on every poll; a truncated file's rest is finished from its rotated copy, or counted lost.
    Status follow(Source& src, std::stop_token& stop);
    Status followTruncation(Source& src, std::stop_token& stop);
    Status followRotation(Source& src, std::stop_token& stop);
    //! The file now at src.path, from 0, as a new source; committed with the staged old position.
    Status startGeneration(Source& src, std::unique_ptr<InputFile> file);
    //! Before `path` is opened: the file last read under that path was rotated away while no
    //! ingest ran → finish it from its stored offset wherever it is beside `path` now.
    Status finishPredecessor(const std::string& path, std::stop_token& stop);
    //! Keeps src.head and src.readEnd; false when a followed file no longer starts with the head
    //! (the chunk may be new content after a truncation: src.truncated is set, it is not used).
    bool noteRead(Source& src, std::string_view chunk);
    //! One Kafka source until stopped (or read to its end with untilEnd): ingest_kafka.cpp.
    Status runKafka(const std::string& address, std::stop_token& stop);
    class KafkaRun;
    //! runKafka's loop: poll, count, commit, until stopped or (--until-end) read to the end.
    Status pollKafka(KafkaRun& run, std::stop_token& stop);
    //! A cluster's aggregate topic (kafka://…?kind=aggregates): ingest_aggregates.cpp.
    Status runAggregates(const std::string& address, std::stop_token& stop);
    class AggregateRun;
    //! IngestOptions::orderAny (order_any.cpp); while it reads, processLine hands clicks to it.
    Result<IngestResult> runOrderAny(std::stop_token& stop);
    //! The run's result once its sources are read: totals, watermark, rates, memory, live top-N.
    IngestResult finalResult();
    class OrderAny;
    std::unique_ptr<OrderAny> m_orderAny;
    //! `pos` goes with the next commit; the run's report of the source shows it.
    void stagePosition(const SourcePosition& pos, std::size_t report);
    //! A file source's position as read so far (fingerprint grown with it, parser state) staged,
    //! and the columns it is read with reported.
    void stageSource(Source& src);
    void warn(const std::string& message);
    //! The latest event time accepted now (docs/semantics.md step 0).
    int64_t futureBoundMs() const;
    void progress(const std::string& source, bool force, const KafkaHealth* kafka = nullptr);
    //! Applies saved-filter changes made by other commands (new → back-filled, dropped →
    //! removed) between batches, and hands the ready ones to the engine.
    Status syncSavedFilters();
    //! Seeds the live top-N with the stored panes of its window and the open ones.
    Status seedLiveTop();

    IngestOptions m_options;
    std::unique_ptr<Store> m_store;
    //! The store's files: never opened as sources or rotated copies (own_files.h).
    OwnFiles m_own;
    std::unique_ptr<Engine> m_engine;
    //! While readAhead or a Kafka source with threads ≥ 2 runs: commits (and readAhead's raw
    //! writes) go to this thread (committer.h).
    std::unique_ptr<Committer> m_committer;
    std::vector<SourcePosition> m_known;
    std::vector<SourcePosition> m_pending; //!< positions reached by the open batch
    int64_t m_nextSourceId = 1;
    int64_t m_lastCommitMs = 0;
    int64_t m_committedWatermarkMs = kNoTime;
    int64_t m_lastProgressMs = 0;
    int64_t m_startMs = 0;
    Counters m_runStart;
    uint64_t m_runBytes = 0;
    std::string m_buffer;
    // Events parsed ahead (copied out of the parser's buffers) whose dedup slots are being
    // prefetched; always drained before a commit, so batches still end on line boundaries.
    struct Ahead {
        std::string storage;
        ClickEvent event;
        Hash128 identity;
        const ClickEvent* use = nullptr; //!< &event, or the event in a block parsed ahead
        int stream = Engine::kFileStream; //!< a Kafka partition's engine stream
    };
    static constexpr std::size_t kAhead = 16;
    std::array<Ahead, kAhead> m_ahead;
    std::size_t m_aheadCount = 0;
    IngestResult m_result;
    std::vector<std::pair<int64_t, std::unique_ptr<Filter>>> m_filters; //!< ready saved filters
    std::string m_filterStates; //!< "id:state;…" as last seen, to notice changes cheaply
    std::string m_headerError; //!< a source's first header lacks required columns: the run stops
};

} // namespace adclick::core
