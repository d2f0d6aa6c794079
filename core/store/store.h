#pragma once

#include "core/base/status.h"
#include "core/pipeline/batch.h"
#include "core/pipeline/raw_format.h"
#include "core/store/connection.h"
#include "core/store/kafka_health.h"
#include "core/store/raw_blocks.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace adclick::core {

//! A source position row: a file known by its content fingerprint, and how far it was processed.
struct SourcePosition {
    int64_t id = 0;
    std::string uri;
    uint32_t fpLen = 0;
    uint64_t fpHash = 0;
    uint64_t offset = 0;
    //! Kafka partitions: the largest event time read from this partition (its own watermark's
    //! base, kept so that a restart combines partition watermarks exactly as before); kNoTime else.
    int64_t maxEventMs = INT64_MIN;
    //! The line parser's state at `offset` (LineParser::state: the CSV header that applies), so a
    //! resume reads on exactly as the parser did; absent when stored by an older version.
    std::optional<std::string> parserState = std::nullopt;
};

struct StoreOptions {
    //! fdatasync raw segments and synchronous=FULL: acknowledged batches survive power loss,
    //! not only process crashes (the default, WAL + synchronous=NORMAL).
    bool durable = false;
    //! How long to keep retrying while another connection holds the write lock.
    int lockRetryMs = 60'000;
    //! A raw segment file is closed and the next one started (between batches) once it holds
    //! this many bytes; lowered only by tests and tuning (ingest --segment-bytes).
    uint64_t segmentMaxBytes = 64ull << 20;
};

//! What a restarted engine needs from the store.
struct StoredState {
    bool hasSettings = false;
    EngineConfig settings;
    int64_t maxEventMs = kNoTime;
    int64_t watermarkMs = kNoTime;
    int64_t jumpCandidateMs = kNoTime; //!< Batch::jumpCandidateMs of the last commit
    Counters counters;
    int64_t rejectSamples = 0;
    std::vector<std::pair<uint32_t, std::string>> ads;
    std::vector<SourcePosition> sources;
};

//! A row of the segments table: a raw segment file, its committed length and event range.
struct SegmentRow {
    int64_t id = 0;
    uint64_t bytes = 0; //!< committed length
    int64_t events = 0, minMs = kNoTime, maxMs = kNoTime;
};

//! The single writer of an AdClick database: SQLite (WAL) plus append-only raw segment files in
//! `<db>.raw/`. Holding `<db>.lock` (flock) makes it the only writer; a second one is refused at
//! once. Every commit writes the raw lines first and then, in one SQLite transaction, the
//! aggregates, counters, samples, source positions and the segment's new committed length —
//! so after a crash the database is the result of a prefix of the input, and raw bytes past a
//! segment's committed length are cut off on the next open.
class Store {
public:
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    static Result<std::unique_ptr<Store>> open(const std::string& dbPath, const StoreOptions& options);

    const std::string& path() const { return m_path; }
    Result<StoredState> load();

    //! Stores the engine settings on first use. They cannot change later: that would make the
    //! aggregates depend on when the change happened.
    Status saveSettings(const EngineConfig& config);

    //! Calls `fn` for every committed raw event in segments whose time range reaches `sinceMs`.
    Status forEachRawSince(int64_t sinceMs, const std::function<void(const RawEvent&)>& fn);

    //! Calls `fn` with the clicks (all, filter 0) of every ad in every minute from `firstMinute` on.
    Status forEachAdMinuteSince(int64_t firstMinute,
        const std::function<void(int64_t minute, std::string_view ad, int64_t clicks)>& fn);

    //! Writes the batch's raw events so far to the segment ahead of the commit (uncommitted until
    //! then, and cut off if the process dies first) and empties `raw`, so a big batch does not
    //! hold all its raw bytes in memory.
    Status stageRaw(RawBatch& raw);
    //! The same for frames already taken out of the batch (RawBatch::takeFrames).
    Status stageFrames(std::string_view frames)
    {
        Status st = writeFrames(frames);
        if (!st) dropStagedRaw();
        return st;
    }

    //! Commits one batch with the positions it reached. On failure nothing of the batch is
    //! stored (the raw bytes written for it are cut back) and the message says why.
    Status commit(const Batch& batch, int64_t maxEventMs, int64_t watermarkMs,
        const std::vector<SourcePosition>& positions);

    //! Holds every commit() until endHold() in one SQLite transaction, so that a run's results
    //! appear whole or not at all (ingest --order any): a crash or an error before endHold()
    //! leaves the database as it was (raw bytes written meanwhile are cut off on the next open).
    //! Readers see the database as before meanwhile; other writers wait.
    Status beginHold();
    //! Commits what the held commits wrote.
    Status endHold();
    //! Rolls back what the held commits wrote; the Store must not write afterwards.
    void abandonHold();

    //! Kafka health to write with the next commit (replacing the stored rows of its source).
    void setKafkaHealth(KafkaHealth health) { m_health = std::move(health); }

    //! Runs `body` in one write transaction (BEGIN IMMEDIATE, with the lock retries); rolls
    //! back when it fails.
    Status transaction(const std::function<Status()>& body);

    //! For the store's own functions (saved_filters.h, maintenance.h, store_reads.h) that the
    //! writer runs on its connection, inside transaction() where they write.
    const sql::Connection& connection() const { return m_conn; }

private:
    Store() = default;
    Status recoverSegments();
    Status beginImmediate();
    Status writeRaw(const RawBatch& raw) { return raw.empty() ? Status::ok() : writeFrames(raw.frames()); }
    Status writeFrames(std::string_view bytes);
    void dropStagedRaw();
    //! open()'s steps: the lock, the raw folder, the database, the segments.
    Status openFiles();
    //! A failed open: the segment and the database closed, the lock still held.
    void closeFiles();
    Status lockWriter();
    //! Opens (creates) `lockPath` and takes its flock without waiting.
    Status lockFile(const std::string& lockPath);
    Status openDatabase();
    //! fdatasync of the current segment (through the test seam of raw_file_observer.h).
    Status syncSegment();
    static int walHook(void* self, sqlite3* db, const char* name, int pages);
    Status upgradeSchema();
    void rollback();
    Status commitTxn(const Batch& batch, int64_t maxEventMs, int64_t watermarkMs,
        const std::vector<SourcePosition>& positions);
    //! The current segment's row once `batch` is committed.
    SegmentRow segmentWith(const Batch& batch) const;

    std::string m_path;
    std::string m_rawDir;
    StoreOptions m_options;
    sql::Connection m_conn;
    int m_lockFd = -1;
    bool m_locked = false; //!< the writer lock is held (not merely the lock file open)
    // The segment raw lines are appended to, as committed (id 0: none yet).
    SegmentRow m_seg;
    int m_segFd = -1;
    bool m_segText = false; //!< m_seg is a text segment of schema version ≤ 2: never appended to
    uint64_t m_staged = 0; //!< bytes of the open batch already written after m_seg.bytes
    RawBlock m_block; //!< the segment's last checksum block, as committed
    RawBlock m_stagedBlock; //!< the same with the staged bytes
    std::vector<RawBlock> m_stagedBlocks; //!< the blocks the staged bytes changed
    std::optional<KafkaHealth> m_health;
    bool m_hold = false; //!< beginHold(): commits write into one open transaction
};

//! Name of a new raw segment file inside `<db>.raw/` (`seg-NNNNNN.acr`, raw_frame.h; databases
//! of schema version ≤ 2 also hold text segments `seg-NNNNNN.tsv`).
std::string segmentFileName(int64_t id);

} // namespace adclick::core
