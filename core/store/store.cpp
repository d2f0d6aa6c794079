#include "core/store/store.h"

#include "core/base/failpoint.h"
#include "core/store/integrity.h"
#include "core/store/raw_file_observer.h"
#include "core/store/raw_reader.h"
#include "core/store/rollups.h"
#include "core/store/schema_upgrade.h"
#include "core/store/sqlite_util.h"
#include "core/store/store_reads.h"
#include "core/store/store_schema.h"
#include "core/store/store_writes.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace adclick::core {

namespace {

//! WAL pages after which a commit checkpoints (SQLite's wal_autocheckpoint, done here so that
//! the raw segment is synced first: see Store::walHook).
constexpr int kCheckpointPages = 16384;

RawFileObserver* g_rawObserver = nullptr;

std::string errnoText(const std::string& what)
{
    return what + ": " + std::strerror(errno);
}

const char* latePolicyName(LatePolicy p)
{
    return p == LatePolicy::Update ? "update" : "drop";
}

//! Writes all of `data` at `offset`; a failpoint may cut it in half first.
Status pwriteAll(int fd, std::string_view data, uint64_t offset, const std::string& file)
{
    std::size_t size = data.size();
    if (failpointWantsPartial("commit.raw_write")) size /= 2;
    if (g_rawObserver && !g_rawObserver->beforeWrite(file)) {
        errno = EIO;
        return Status::error(errnoText("cannot write raw events to '" + file + "'"));
    }
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pwrite(fd, data.data() + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const bool full = errno == ENOSPC || errno == EFBIG || errno == EDQUOT;
            return Status::error(errnoText("cannot write raw events to '" + file + "'")
                + (full ? " (the disk is full or the file size limit was reached: free space and run the "
                          "same "
                          "command again; nothing was lost)"
                        : ""));
        }
        done += static_cast<std::size_t>(n);
    }
    failpoint("commit.raw_write");
    return Status::ok();
}

} // namespace

void setRawFileObserver(RawFileObserver* observer)
{
    g_rawObserver = observer;
}

std::string segmentFileName(int64_t id)
{
    char name[32];
    std::snprintf(name, sizeof name, "seg-%06lld%s", static_cast<long long>(id), kRawFrameExtension);
    return name;
}

Store::~Store()
{
    if (m_segFd >= 0) {
        // Closing the last connection checkpoints: the database file must not get ahead of
        // the raw bytes it counts (power loss).
        (void)syncSegment();
        ::close(m_segFd);
    }
    m_conn.close(); // before the writer lock is released
    if (m_lockFd >= 0) ::close(m_lockFd); // releases the flock
}

namespace {

bool pathExists(const std::string& path)
{
    struct stat st { };
    return ::lstat(path.c_str(), &st) == 0;
}

//! The files an open may create beside a database, and which of them were there before it: a
//! failed open removes only what it created, so that `--db` naming a file that is no database
//! leaves nothing behind (no lock file, no empty raw folder). A database that was there before
//! keeps its -wal and -shm whatever happens: a reader may be using them.
struct OpenFootprint {
    std::vector<std::pair<std::string, bool>> files; //!< path, existed before
    std::string raw;
    bool rawExisted = false;

    OpenFootprint(const std::string& dbPath, const std::string& rawDir)
        : raw(rawDir)
        , rawExisted(pathExists(rawDir))
    {
        files.emplace_back(dbPath + ".lock", pathExists(dbPath + ".lock"));
        if (!pathExists(dbPath))
            for (const char* suffix : { "", "-wal", "-shm", "-journal" })
                files.emplace_back(dbPath + suffix, pathExists(dbPath + suffix));
    }

    //! After the failed Store closed its files, while it still holds the lock.
    void removeCreated() const
    {
        if (!rawExisted) ::rmdir(raw.c_str()); // only while empty: nothing was written into it
        for (auto it = files.rbegin(); it != files.rend(); ++it) // the lock file last
            if (!it->second) ::unlink(it->first.c_str());
    }
};

} // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& dbPath, const StoreOptions& options)
{
    using R = Result<std::unique_ptr<Store>>;
    const OpenFootprint footprint(dbPath, rawDirFor(dbPath));
    std::unique_ptr<Store> s(new Store());
    s->m_path = dbPath;
    s->m_rawDir = rawDirFor(dbPath);
    s->m_options = options;
    const Status st = s->openFiles();
    if (st) return R(std::move(s));
    // Without the lock nothing here is ours to remove (another writer may be creating it); with
    // it, what this open created goes while the lock is still held.
    if (s->m_locked) {
        s->closeFiles();
        footprint.removeCreated();
    }
    return R(st);
}

Status Store::openFiles()
{
    // Single-instance lock first: two engines on one database would double-count.
    if (auto st = lockWriter(); !st) return st;
    if (::mkdir(m_rawDir.c_str(), 0755) != 0 && errno != EEXIST)
        return Status::error(errnoText("cannot create raw event folder '" + m_rawDir + "'"));
    if (auto st = openDatabase(); !st) return st;
    return recoverSegments();
}

void Store::closeFiles()
{
    if (m_segFd >= 0) ::close(m_segFd);
    m_segFd = -1;
    m_conn.close();
}

Status Store::lockWriter()
{
    const std::string lockPath = m_path + ".lock";
    // A failed open removes the lock file it created (Store::open): a lock taken on a file that
    // was removed meanwhile locks nothing, so it is taken again on the file now at the path.
    for (int attempt = 0;; ++attempt) {
        if (auto st = lockFile(lockPath); !st) return st;
        struct stat held { };
        struct stat named { };
        if (::fstat(m_lockFd, &held) == 0 && ::stat(lockPath.c_str(), &named) == 0
            && held.st_dev == named.st_dev && held.st_ino == named.st_ino)
            break;
        ::close(m_lockFd);
        m_lockFd = -1;
        if (attempt == 100)
            return Status::error("cannot take the lock file '" + lockPath + "': it keeps changing");
    }
    m_locked = true;
    const std::string pidText = std::to_string(::getpid()) + "\n";
    if (::ftruncate(m_lockFd, 0) != 0 || ::pwrite(m_lockFd, pidText.data(), pidText.size(), 0) < 0) {
        // Only informative: the lock itself is held.
    }
    return Status::ok();
}

Status Store::lockFile(const std::string& lockPath)
{
    m_lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_lockFd < 0)
        return Status::error(
            errnoText("cannot create lock file '" + lockPath + "' (is the database folder writable?)"));
    if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = {};
        const ssize_t n = ::pread(m_lockFd, pid, sizeof pid - 1, 0);
        // The lock file holds "PID\n": the message names the pid on one line.
        std::string holder = n > 0 ? std::string(pid, strnlen(pid, sizeof pid)) : "";
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r'))
            holder.pop_back();
        const std::string who = holder.empty() ? "" : " (pid " + holder + ")";
        return Status::error(StatusCode::WriterBusy,
            "database '" + m_path + "' is in use by another adclick ingest" + who
                + "; only one writer may run at a time");
    }
    return Status::ok();
}

namespace {

//! The tables kSchemaSql creates.
std::vector<std::string> schemaTables()
{
    std::vector<std::string> names;
    const std::string_view sqlText = kSchemaSql;
    constexpr std::string_view kCreate = "CREATE TABLE IF NOT EXISTS ";
    for (auto at = sqlText.find(kCreate); at != std::string_view::npos; at = sqlText.find(kCreate, at)) {
        at += kCreate.size();
        const auto end = sqlText.find_first_of("( ", at);
        names.emplace_back(sqlText.substr(at, end - at));
    }
    return names;
}

//! Refuses an SQLite file that holds objects of another application: an ingest adds its tables
//! only to an empty file or to its own database (a crash may have left part of our schema).
Status checkNotForeign(const sql::Connection& conn)
{
    sql::Stmt q(conn,
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "AND type IN ('table', 'view', 'trigger') ORDER BY name");
    if (!q.ok()) return Status::ok(); // not an SQLite file: the pragmas below say so
    const std::vector<std::string> ours = schemaTables();
    std::vector<std::string> foreign;
    while (q.step()) {
        const std::string name(q.text(0));
        if (std::find(ours.begin(), ours.end(), name) == ours.end()) foreign.push_back(name);
    }
    if (foreign.empty()) return Status::ok();
    return Status::error("'" + conn.path() + "' is an SQLite database of another application (it has '"
        + foreign.front() + "'"
        + (foreign.size() > 1 ? " and " + std::to_string(foreign.size() - 1) + " more" : "")
        + "); adclick writes only into a new file or its own database, so nothing was changed");
}

} // namespace

Status Store::openDatabase()
{
    auto conn = sql::Connection::open(m_path, sql::OpenMode::Create, 2000);
    if (!conn) return conn.status();
    m_conn = std::move(*conn);
    if (auto st = checkNotForeign(m_conn); !st) return st;
    // Before anything is written: damage is reported, never counted on.
    if (auto st = checkDatabaseIntegrity(m_conn); !st) return st;
    const std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=")
        + (m_options.durable ? "FULL" : "NORMAL") + "; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536;";
    if (auto st = sql::exec(m_conn, pragmas.c_str()); !st)
        return Status::error("cannot open database '" + m_path + "': " + st.message()
            + " (is it an SQLite database, and is its folder writable?)");
    // Replaces SQLite's automatic checkpoints (wal_autocheckpoint is a WAL hook too).
    sqlite3_wal_hook(m_conn.handle(), &Store::walHook, this);
    if (auto st = sql::exec(m_conn, kSchemaSql); !st)
        return Status::error("cannot create the schema in '" + m_path + "': " + st.message());
    if (auto st = sql::checkSchemaVersion(m_conn, true); !st) return st;
    const std::string version = "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', "
        + std::to_string(kSchemaVersion) + ")";
    if (auto st = sql::exec(m_conn, version.c_str()); !st)
        return Status::error(
            sql::describe(m_conn, sqlite3_errcode(m_conn.handle()), "cannot write to '" + m_path + "'"));
    return upgradeSchema();
}

Status Store::upgradeSchema()
{
    sql::Stmt v(m_conn, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!v.step() || v.int64(0) >= kSchemaVersion) return sql::exec(m_conn, kRollupRankIndexSql); // new db
    const int64_t from = v.int64(0);
    v = sql::Stmt(); // finalised before the transaction
    // Every step in one transaction: a crash leaves the database at its old version.
    if (auto st = transaction([&] { return upgradeSchemaSteps(m_conn, m_rawDir, from); }); !st)
        return Status::error("cannot move '" + m_path + "' to schema version "
            + std::to_string(kSchemaVersion) + ": " + st.message());
    return Status::ok();
}

Status Store::recoverSegments()
{
    // Cut every segment back to its committed length; remove files no commit refers to.
    std::vector<int64_t> known;
    sql::Stmt q(m_conn, "SELECT id, bytes, events, min_ms, max_ms, file FROM segments ORDER BY id");
    while (q.step()) {
        const int64_t id = q.int64(0);
        const auto bytes = static_cast<uint64_t>(q.int64(1));
        known.push_back(id);
        const std::string name(q.text(5));
        if (name.empty() || name.find('/') != std::string::npos)
            return Status::error("raw segment " + std::to_string(id) + " has a bad file name '" + name + "'");
        const std::string file = m_rawDir + "/" + name;
        struct stat st { };
        if (::stat(file.c_str(), &st) != 0) {
            if (bytes > 0)
                return Status::error("raw segment '" + file + "' is missing, but the database says it holds "
                    + std::to_string(bytes) + " committed bytes; restore it from a backup");
            continue;
        }
        if (static_cast<uint64_t>(st.st_size) < bytes)
            return Status::error("raw segment '" + file + "' is shorter than its committed length ("
                + std::to_string(st.st_size) + " < " + std::to_string(bytes)
                + " bytes): it was damaged outside adclick");
        if (static_cast<uint64_t>(st.st_size) > bytes
            && ::truncate(file.c_str(), static_cast<off_t>(bytes)) != 0)
            return Status::error(errnoText("cannot cut uncommitted bytes off '" + file + "'"));
        m_seg = { id, bytes, q.int64(2), q.isNull(3) ? kNoTime : q.int64(3),
            q.isNull(4) ? kNoTime : q.int64(4) };
        m_segText = name != segmentFileName(id);
    }
    if (m_seg.id != 0) {
        auto blocks = readRawBlocks(m_conn, m_seg.id);
        if (!blocks) return blocks.status();
        m_block = lastBlockOf(*blocks);
    }
    if (DIR* dir = ::opendir(m_rawDir.c_str())) {
        while (dirent* ent = ::readdir(dir)) {
            long long id = 0;
            if (std::sscanf(ent->d_name, "seg-%lld.", &id) == 1
                && std::find(known.begin(), known.end(), id) == known.end())
                ::unlink((m_rawDir + "/" + ent->d_name).c_str());
        }
        ::closedir(dir);
    }
    return Status::ok();
}

Result<StoredState> Store::load()
{
    StoredState s;
    if (auto st = readEngineState(m_conn, s); !st)
        return Result<StoredState>::error(st.message() + " in '" + m_path + "'");
    {
        sql::Stmt q(m_conn, "SELECT count(*) FROM rejects");
        if (q.step()) s.rejectSamples = q.int64(0);
    }
    {
        sql::Stmt q(m_conn, "SELECT id, name FROM ads");
        while (q.step())
            s.ads.emplace_back(static_cast<uint32_t>(q.int64(0)), std::string(q.text(1)));
    }
    auto sources = readSources(m_conn);
    if (!sources) return Result<StoredState>(sources.status());
    if (auto st = readParserStates(m_conn, *sources); !st) return Result<StoredState>(st);
    s.sources = std::move(*sources);
    return s;
}

Status Store::saveSettings(const EngineConfig& c)
{
    sql::Stmt q(m_conn,
        "INSERT OR REPLACE INTO meta(key, value) VALUES('lateness_ms', ?1), ('late_policy', ?2), "
        "('dedup_horizon_ms', ?3)");
    q.bind(1, c.latenessMs).bind(2, std::string_view(latePolicyName(c.late))).bind(3, c.dedupHorizonMs);
    if (!q.run())
        return Status::error(sql::describe(m_conn, q.rc(), "cannot write settings to '" + m_path + "'"));
    return Status::ok();
}

Status Store::forEachRawSince(int64_t sinceMs, const std::function<void(const RawEvent&)>& fn)
{
    const std::vector<TimeRange> ranges { { sinceMs, INT64_MAX } };
    auto segments = committedSegments(m_conn, ranges);
    if (!segments) return segments.status();
    RawReader reader(m_rawDir);
    return reader.read(*segments, ranges, [&](const RawEvent& e) {
        fn(e);
        return true;
    });
}

Status Store::forEachAdMinuteSince(
    int64_t firstMinute, const std::function<void(int64_t minute, std::string_view ad, int64_t clicks)>& fn)
{
    sql::Stmt q(m_conn,
        "SELECT a.minute, ads.name, sum(a.clicks) FROM agg a JOIN ads ON ads.id = a.ad "
        "WHERE a.filter_id = 0 AND a.minute >= ?1 GROUP BY a.minute, a.ad");
    q.bind(1, firstMinute);
    while (q.step())
        fn(q.int64(0), q.text(1), q.int64(2));
    if (q.rc() != SQLITE_DONE)
        return Status::error(sql::describe(m_conn, q.rc(), "cannot read aggregates in '" + m_path + "'"));
    return Status::ok();
}

Status Store::beginImmediate()
{
    // Short locks: busy_timeout; a long one is retried up to lockRetryMs, then reported (batch kept).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_options.lockRetryMs);
    int delayMs = 50;
    for (;;) {
        const int rc = sqlite3_exec(m_conn.handle(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return Status::ok();
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return Status::error(sql::describe(m_conn, rc, "cannot start a transaction on '" + m_path + "'"));
        if (std::chrono::steady_clock::now() >= deadline)
            return Status::error("database '" + m_path + "' stayed locked by another connection for "
                + std::to_string(m_options.lockRetryMs / 1000)
                + " s; nothing was lost: run the same command again when it is free");
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        delayMs = std::min(delayMs * 2, 1000);
    }
}

Status Store::transaction(const std::function<Status()>& body)
{
    if (auto st = beginImmediate(); !st) return st;
    Status st = body();
    if (st) {
        const int rc = sqlite3_exec(m_conn.handle(), "COMMIT", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return Status::ok();
        st = Status::error(sql::describe(m_conn, rc, "cannot commit to '" + m_path + "'"));
    }
    rollback();
    return st;
}

void Store::rollback()
{
    sqlite3_exec(m_conn.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    m_hold = false;
}

Status Store::beginHold()
{
    if (auto st = beginImmediate(); !st) return st;
    m_hold = true;
    return Status::ok();
}

Status Store::endHold()
{
    m_hold = false;
    failpoint("commit.before_commit");
    const int rc = sqlite3_exec(m_conn.handle(), "COMMIT", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return Status::ok();
    Status st = Status::error(sql::describe(m_conn, rc, "cannot commit in '" + m_path + "'"));
    rollback();
    return st;
}

void Store::abandonHold()
{
    if (m_hold) rollback();
}

Status Store::stageRaw(RawBatch& raw)
{
    Status st = stageFrames(raw.frames());
    raw.clear();
    return st;
}

void Store::dropStagedRaw()
{
    if (m_staged > 0 && m_segFd >= 0) (void)::ftruncate(m_segFd, static_cast<off_t>(m_seg.bytes));
    m_staged = 0;
    m_stagedBlocks.clear();
}

Status Store::writeFrames(std::string_view bytes)
{
    if (bytes.empty()) return Status::ok();
    // A new segment starts only between batches, so a batch's raw bytes stay in one file.
    if (m_segFd < 0 || (m_staged == 0 && m_seg.bytes >= m_options.segmentMaxBytes)) {
        if (m_segFd >= 0) {
            if (auto st = syncSegment(); !st) return st; // see walHook
            ::close(m_segFd);
            m_segFd = -1;
        }
        if (m_seg.id == 0 || m_seg.bytes >= m_options.segmentMaxBytes || m_segText) {
            m_seg = SegmentRow { m_seg.id + 1 }; // empty
            m_block = RawBlock {};
            m_segText = false;
        }
        const std::string file = m_rawDir + "/" + segmentFileName(m_seg.id);
        m_segFd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_segFd < 0) return Status::error(errnoText("cannot open raw segment '" + file + "'"));
    }
    const std::string file = m_rawDir + "/" + segmentFileName(m_seg.id);
    if (m_staged == 0) {
        m_stagedBlock = m_block;
        m_stagedBlocks.clear();
    }
    if (auto st = pwriteAll(m_segFd, bytes, m_seg.bytes + m_staged, file); !st) return st;
    m_staged += bytes.size();
    appendToBlocks(m_stagedBlock, bytes, m_stagedBlocks);
    if (m_options.durable) return syncSegment();
    return Status::ok();
}

Status Store::syncSegment()
{
    if (m_segFd < 0) return Status::ok();
    const std::string file = m_rawDir + "/" + segmentFileName(m_seg.id);
    if (g_rawObserver && !g_rawObserver->beforeSync(file))
        errno = EIO;
    else if (::fdatasync(m_segFd) == 0)
        return Status::ok();
    return Status::error(errnoText("cannot sync raw segment '" + file + "'"));
}

int Store::walHook(void* self, sqlite3* db, const char* name, int pages)
{
    // A checkpoint makes commits durable in the database file even without --durable. The raw
    // bytes they count are synced first, so that a power loss never leaves the database ahead
    // of its raw segments; if that sync fails, the checkpoint waits for a later commit.
    if (pages < kCheckpointPages) return SQLITE_OK;
    if (!static_cast<Store*>(self)->syncSegment()) return SQLITE_OK;
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
}

SegmentRow Store::segmentWith(const Batch& batch) const
{
    SegmentRow s = m_seg;
    s.bytes += m_staged;
    s.events += batch.rawEvents;
    if (batch.rawMinMs != kNoTime && (s.minMs == kNoTime || batch.rawMinMs < s.minMs))
        s.minMs = batch.rawMinMs;
    if (batch.rawMaxMs != kNoTime && (s.maxMs == kNoTime || batch.rawMaxMs > s.maxMs))
        s.maxMs = batch.rawMaxMs;
    return s;
}

Status Store::commit(
    const Batch& batch, int64_t maxEventMs, int64_t watermarkMs, const std::vector<SourcePosition>& positions)
{
    failpoint("commit.begin");
    Status st = writeRaw(batch.raw);
    if (st) {
        failpoint("commit.after_raw");
        if (activeFault() == Fault::OffsetSeparateTxn) {
            // Deliberately wrong (R6): positions become durable before the results they belong to.
            st = beginImmediate();
            if (st) st = writePositions(m_conn, positions);
            if (st) st = sql::exec(m_conn, "COMMIT");
            failpoint("commit.between_txns");
        }
        if (st) st = commitTxn(batch, maxEventMs, watermarkMs, positions);
    }
    if (!st) {
        rollback();
        dropStagedRaw(); // the next batch overwrites the uncommitted raw bytes
        return st;
    }
    m_seg = segmentWith(batch);
    if (m_staged > 0) m_block = m_stagedBlock;
    m_stagedBlocks.clear();
    m_staged = 0;
    failpoint("commit.after_commit");
    return Status::ok();
}

Status Store::commitTxn(
    const Batch& batch, int64_t maxEventMs, int64_t watermarkMs, const std::vector<SourcePosition>& positions)
{
    if (!m_hold)
        if (auto st = beginImmediate(); !st) return st;
    // The order of these writes is part of the commit protocol the crash tests check.
    Status st = writeNewAds(m_conn, batch.newAds);
    const PaneCells cells = batch.panes.sortedItems(); // agg's key order, for agg and the rollups
    if (st) st = writeAggregates(m_conn, cells);
    if (st && failpointFails("commit.fail_txn"))
        st = Status::error("cannot store aggregates in '" + m_path + "': injected failure (commit.fail_txn)");
    if (st) st = writeRollups(m_conn, cells);
    if (st) st = writeMinuteStats(m_conn, batch.minutes);
    if (st) st = addCounters(m_conn, batch.counters);
    if (st) st = writeRejects(m_conn, batch.rejects);
    if (st && m_staged > 0) st = writeSegment(m_conn, segmentWith(batch));
    if (st && m_staged > 0) st = writeRawBlocks(m_conn, m_seg.id, m_stagedBlocks);
    if (st && maxEventMs != kNoTime) st = writeWatermark(m_conn, maxEventMs, watermarkMs);
    if (st) st = writeJumpCandidate(m_conn, batch.jumpCandidateMs);
    if (st && activeFault() != Fault::OffsetSeparateTxn) st = writePositions(m_conn, positions);
    if (st && m_health) st = writeKafkaHealth(m_conn, *m_health);
    if (!st || m_hold) return st; // held: endHold() commits
    failpoint("commit.before_commit");
    const int rc = sqlite3_exec(m_conn.handle(), "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Status::error(sql::describe(m_conn, rc, "cannot commit in '" + m_path + "'"));
    return Status::ok();
}

} // namespace adclick::core
