#include "core/store/store.h"

#include "core/base/failpoint.h"
#include "core/store/raw_reader.h"
#include "core/store/sqlite_util.h"
#include "core/store/store_schema.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace adclick::core {

namespace {

constexpr uint64_t kSegmentMaxBytes = 64ull << 20;

std::string errnoText(const std::string& what)
{
    return what + ": " + std::strerror(errno);
}

int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* latePolicyName(LatePolicy p)
{
    return p == LatePolicy::Update ? "update" : "drop";
}

//! Writes all of `data` at `offset`; a failpoint may cut it in half first.
Status pwriteAll(int fd, const std::string& data, uint64_t offset, const std::string& file)
{
    std::size_t size = data.size();
    if (failpointWantsPartial("commit.raw_write")) size /= 2;
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

std::string segmentFileName(int64_t id)
{
    char name[32];
    std::snprintf(name, sizeof name, "seg-%06lld.tsv", static_cast<long long>(id));
    return name;
}

Store::~Store()
{
    if (m_segFd >= 0) ::close(m_segFd);
    if (m_db) sqlite3_close_v2(m_db);
    if (m_lockFd >= 0) ::close(m_lockFd); // releases the flock
}

Result<std::unique_ptr<Store>> Store::open(const std::string& dbPath, const StoreOptions& options)
{
    std::unique_ptr<Store> s(new Store());
    s->m_path = dbPath;
    s->m_rawDir = rawDirFor(dbPath);
    s->m_options = options;

    // Single-instance lock first: two engines on one database would double-count.
    const std::string lockPath = dbPath + ".lock";
    s->m_lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->m_lockFd < 0)
        return Result<std::unique_ptr<Store>>::error(
            errnoText("cannot create lock file '" + lockPath + "' (is the database folder writable?)"));
    if (::flock(s->m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = {};
        const ssize_t n = ::pread(s->m_lockFd, pid, sizeof pid - 1, 0);
        std::string who
            = n > 0 ? std::string(" (pid ") + std::string(pid, strnlen(pid, sizeof pid)) + ")" : "";
        while (!who.empty() && (who.back() == '\n'))
            who.pop_back();
        return Result<std::unique_ptr<Store>>::error(StatusCode::WriterBusy, "database '" + dbPath
            + "' is in use by another adclick ingest" + who + "; only one writer may run at a time");
    }
    const std::string pidText = std::to_string(::getpid()) + "\n";
    if (::ftruncate(s->m_lockFd, 0) != 0 || ::pwrite(s->m_lockFd, pidText.data(), pidText.size(), 0) < 0) {
        // Only informative: the lock itself is held.
    }

    if (::mkdir(s->m_rawDir.c_str(), 0755) != 0 && errno != EEXIST)
        return Result<std::unique_ptr<Store>>::error(
            errnoText("cannot create raw event folder '" + s->m_rawDir + "'"));

    int rc = sqlite3_open_v2(
        dbPath.c_str(), &s->m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK)
        return Result<std::unique_ptr<Store>>::error(
            sql::describe(s->m_db, rc, "cannot open database '" + dbPath + "'"));
    sqlite3_busy_timeout(s->m_db, 2000);
    const std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=")
        + (options.durable ? "FULL" : "NORMAL")
        + "; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384;";
    if (auto st = sql::exec(s->m_db, pragmas.c_str()); !st)
        return Result<std::unique_ptr<Store>>::error("cannot open database '" + dbPath + "': " + st.message()
            + " (is it an SQLite database, and is its folder writable?)");
    if (auto st = sql::exec(s->m_db, kSchemaSql); !st)
        return Result<std::unique_ptr<Store>>::error(
            "cannot create the schema in '" + dbPath + "': " + st.message());
    {
        sql::Stmt v(s->m_db, "SELECT value FROM meta WHERE key='schema_version'");
        if (v.ok() && v.step() && v.int64(0) != kSchemaVersion)
            return Result<std::unique_ptr<Store>>::error("database '" + dbPath + "' has schema version "
                + std::to_string(v.int64(0)) + ", expected " + std::to_string(kSchemaVersion));
    }
    if (auto st = sql::exec(s->m_db,
            ("INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', "
                + std::to_string(kSchemaVersion) + ")")
                .c_str());
        !st)
        return Result<std::unique_ptr<Store>>::error(
            sql::describe(s->m_db, sqlite3_errcode(s->m_db), "cannot write to '" + dbPath + "'"));
    if (auto st = s->recoverSegments(); !st) return Result<std::unique_ptr<Store>>(st);
    return Result<std::unique_ptr<Store>>(std::move(s));
}

Status Store::recoverSegments()
{
    // Cut every segment back to its committed length; remove files no commit refers to.
    std::vector<int64_t> known;
    sql::Stmt q(m_db, "SELECT id, bytes, events, min_ms, max_ms FROM segments ORDER BY id");
    while (q.step()) {
        const int64_t id = q.int64(0);
        const auto bytes = static_cast<uint64_t>(q.int64(1));
        known.push_back(id);
        const std::string file = m_rawDir + "/" + segmentFileName(id);
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
        m_segId = id;
        m_segBytes = bytes;
        m_segEvents = q.int64(2);
        m_segMinMs = q.isNull(3) ? kNoTime : q.int64(3);
        m_segMaxMs = q.isNull(4) ? kNoTime : q.int64(4);
    }
    if (DIR* dir = ::opendir(m_rawDir.c_str())) {
        while (dirent* ent = ::readdir(dir)) {
            long long id = 0;
            if (std::sscanf(ent->d_name, "seg-%lld.tsv", &id) == 1
                && std::find(known.begin(), known.end(), id) == known.end())
                ::unlink((m_rawDir + "/" + ent->d_name).c_str());
        }
        ::closedir(dir);
    }
    return Status::ok();
}

Status readEngineState(sqlite3* db, StoredState& s)
{
    {
        sql::Stmt q(db, "SELECT key, value FROM meta");
        while (q.step()) {
            const std::string_view key = q.text(0);
            if (key == "lateness_ms") {
                s.settings.latenessMs = q.int64(1);
                s.hasSettings = true;
            } else if (key == "late_policy") {
                s.settings.late = q.text(1) == "update" ? LatePolicy::Update : LatePolicy::Drop;
            } else if (key == "dedup_horizon_ms") {
                s.settings.dedupHorizonMs = q.int64(1);
            } else if (key == "max_event_ms") {
                s.maxEventMs = q.int64(1);
            } else if (key == "watermark_ms") {
                s.watermarkMs = q.int64(1);
            }
        }
        if (q.rc() != SQLITE_DONE)
            return Status::error(sql::describe(db, q.rc(), "cannot read the engine state"));
    }
    {
        sql::Stmt q(db, "SELECT name, value FROM counters");
        while (q.step()) {
            const std::string_view name = q.text(0);
            const int64_t v = q.int64(1);
            Counters& c = s.counters;
            if (name == "lines")
                c.lines = v;
            else if (name == "accepted")
                c.accepted = v;
            else if (name == "duplicates")
                c.duplicates = v;
            else if (name == "late")
                c.late = v;
            else if (name == "late_applied")
                c.lateApplied = v;
            else if (name == "rejected")
                c.rejected = v;
            else if (name.rfind("rejected.", 0) == 0) {
                for (std::size_t i = 0; i < kRejectReasonCount; ++i)
                    if (name.substr(9) == rejectReasonName(static_cast<RejectReason>(i))) c.rejectedBy[i] = v;
            }
        }
    }
    return Status::ok();
}

Result<StoredState> Store::load()
{
    StoredState s;
    if (auto st = readEngineState(m_db, s); !st)
        return Result<StoredState>::error(st.message() + " in '" + m_path + "'");
    {
        sql::Stmt q(m_db, "SELECT count(*) FROM rejects");
        if (q.step()) s.rejectSamples = q.int64(0);
    }
    {
        sql::Stmt q(m_db, "SELECT id, name FROM ads");
        while (q.step())
            s.ads.emplace_back(static_cast<uint32_t>(q.int64(0)), std::string(q.text(1)));
    }
    {
        sql::Stmt q(m_db, "SELECT id, uri, fp_len, fp_hash, offset, max_ms FROM sources ORDER BY id");
        while (q.step())
            s.sources.push_back({ q.int64(0), std::string(q.text(1)), static_cast<uint32_t>(q.int64(2)),
                static_cast<uint64_t>(q.int64(3)), static_cast<uint64_t>(q.int64(4)),
                q.isNull(5) ? kNoTime : q.int64(5) });
    }
    return s;
}

Status Store::saveSettings(const EngineConfig& c)
{
    sql::Stmt q(m_db,
        "INSERT OR REPLACE INTO meta(key, value) VALUES('lateness_ms', ?1), ('late_policy', ?2), "
        "('dedup_horizon_ms', ?3)");
    q.bind(1, c.latenessMs).bind(2, std::string_view(latePolicyName(c.late))).bind(3, c.dedupHorizonMs);
    q.step();
    if (q.rc() != SQLITE_DONE)
        return Status::error(sql::describe(m_db, q.rc(), "cannot write settings to '" + m_path + "'"));
    return Status::ok();
}

Status Store::forEachRawSince(int64_t sinceMs, const std::function<void(const RawEvent&)>& fn)
{
    const std::vector<TimeRange> ranges { { sinceMs, INT64_MAX } };
    auto segments = committedSegments(m_db, ranges);
    if (!segments) return segments.status();
    RawReader reader(m_rawDir);
    return reader.read(*segments, ranges, [&](const RawEvent& e) {
        fn(e);
        return true;
    });
}

Status Store::beginImmediate()
{
    // busy_timeout covers short locks; a long lock by another connection is retried with
    // backoff up to lockRetryMs, and then reported — nothing of the batch is lost meanwhile.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_options.lockRetryMs);
    int delayMs = 50;
    for (;;) {
        const int rc = sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return Status::ok();
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return Status::error(sql::describe(m_db, rc, "cannot start a transaction on '" + m_path + "'"));
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
        const int rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return Status::ok();
        st = Status::error(sql::describe(m_db, rc, "cannot commit to '" + m_path + "'"));
    }
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
}

Status Store::stageRaw(std::string& raw)
{
    Status st = writeRaw(raw);
    if (!st) dropStagedRaw();
    raw.clear();
    return st;
}

void Store::dropStagedRaw()
{
    if (m_staged > 0 && m_segFd >= 0) (void)::ftruncate(m_segFd, static_cast<off_t>(m_segBytes));
    m_staged = 0;
}

Status Store::writeRaw(const std::string& bytes)
{
    if (bytes.empty()) return Status::ok();
    // A new segment starts only between batches, so a batch's raw bytes stay in one file.
    if (m_segFd < 0 || (m_staged == 0 && m_segBytes >= kSegmentMaxBytes)) {
        if (m_segFd >= 0) {
            ::close(m_segFd);
            m_segFd = -1;
        }
        if (m_segId == 0 || m_segBytes >= kSegmentMaxBytes) {
            ++m_segId;
            m_segBytes = 0;
            m_segEvents = 0;
            m_segMinMs = m_segMaxMs = kNoTime;
        }
        const std::string file = m_rawDir + "/" + segmentFileName(m_segId);
        m_segFd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_segFd < 0) return Status::error(errnoText("cannot open raw segment '" + file + "'"));
    }
    const std::string file = m_rawDir + "/" + segmentFileName(m_segId);
    if (auto st = pwriteAll(m_segFd, bytes, m_segBytes + m_staged, file); !st) return st;
    m_staged += bytes.size();
    if (m_options.durable && ::fdatasync(m_segFd) != 0)
        return Status::error(errnoText("cannot sync raw segment '" + file + "'"));
    return Status::ok();
}

Status Store::writePositions(const std::vector<SourcePosition>& positions)
{
    sql::Stmt q(m_db,
        "INSERT INTO sources(id, uri, fp_len, fp_hash, offset, updated_ms, max_ms) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(id) DO UPDATE SET uri=excluded.uri, fp_len=excluded.fp_len, fp_hash=excluded.fp_hash, "
        "offset=excluded.offset, updated_ms=excluded.updated_ms, max_ms=excluded.max_ms");
    const int64_t now = nowMs();
    for (const SourcePosition& p : positions) {
        q.reset();
        q.bind(1, p.id).bind(2, p.uri).bind(3, int64_t(p.fpLen)).bind(4, static_cast<int64_t>(p.fpHash));
        q.bind(5, static_cast<int64_t>(p.offset)).bind(6, now);
        if (p.maxEventMs == kNoTime)
            sqlite3_bind_null(q.get(), 7);
        else
            q.bind(7, p.maxEventMs);
        q.step();
        if (q.rc() != SQLITE_DONE)
            return Status::error(
                sql::describe(m_db, q.rc(), "cannot store source positions in '" + m_path + "'"));
    }
    return Status::ok();
}

Status Store::writeKafkaHealth(const KafkaHealth& h)
{
    auto fail = [this](int rc) {
        return Status::error(sql::describe(m_db, rc, "cannot store the Kafka health in '" + m_path + "'"));
    };
    {
        sql::Stmt q(m_db,
            "INSERT OR REPLACE INTO kafka_sources(source, topic, broker_state, rebalances, gap, "
            "transient_errors, last_error, updated_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        q.bind(1, h.source).bind(2, h.topic).bind(3, h.brokerState).bind(4, h.rebalances).bind(5, h.gap);
        q.bind(6, h.transientErrors).bind(7, h.lastError).bind(8, h.updatedMs);
        if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc());
    }
    {
        sql::Stmt del(m_db, "DELETE FROM kafka_partitions WHERE source = ?1");
        del.bind(1, h.source);
        if (del.step(), del.rc() != SQLITE_DONE) return fail(del.rc());
    }
    sql::Stmt q(m_db,
        "INSERT INTO kafka_partitions(source, partition, position, high_watermark, lag_messages, lag_ms, "
        "max_event_ms, idle) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (const PartitionHealth& p : h.partitions) {
        q.reset();
        q.bind(1, h.source).bind(2, int64_t(p.partition)).bind(3, p.position).bind(4, p.highWatermark);
        q.bind(5, p.lagMessages).bind(6, p.lagMs);
        if (p.maxEventMs == kNoTime)
            sqlite3_bind_null(q.get(), 7);
        else
            q.bind(7, p.maxEventMs);
        q.bind(8, int64_t(p.idle ? 1 : 0));
        if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc());
    }
    return Status::ok();
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
            if (st) st = writePositions(positions);
            if (st) st = sql::exec(m_db, "COMMIT");
            failpoint("commit.between_txns");
        }
        if (st) st = commitTxn(batch, maxEventMs, watermarkMs, positions);
    }
    if (!st) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        // Forget the uncommitted raw bytes so the next batch overwrites them.
        dropStagedRaw();
        return st;
    }
    m_segBytes += m_staged;
    m_staged = 0;
    m_segEvents += batch.rawEvents;
    if (batch.rawMinMs != kNoTime && (m_segMinMs == kNoTime || batch.rawMinMs < m_segMinMs))
        m_segMinMs = batch.rawMinMs;
    if (batch.rawMaxMs != kNoTime && (m_segMaxMs == kNoTime || batch.rawMaxMs > m_segMaxMs))
        m_segMaxMs = batch.rawMaxMs;
    failpoint("commit.after_commit");
    return Status::ok();
}

Status Store::commitTxn(
    const Batch& batch, int64_t maxEventMs, int64_t watermarkMs, const std::vector<SourcePosition>& positions)
{
    if (auto st = beginImmediate(); !st) return st;
    auto fail = [this](int rc, const char* what) {
        return Status::error(sql::describe(m_db, rc, std::string(what) + " in '" + m_path + "'"));
    };

    if (!batch.newAds.empty()) {
        sql::Stmt q(m_db, "INSERT INTO ads(id, name) VALUES(?1, ?2)");
        for (const auto& [id, name] : batch.newAds) {
            q.reset();
            q.bind(1, int64_t(id)).bind(2, name);
            if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc(), "cannot store ads");
        }
    }
    {
        // Sorted by the primary key so the B-tree is written in order.
        std::vector<std::pair<PaneKey, PaneDelta>> rows = batch.panes.items();
        std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
            const PaneKey &x = a.first, &y = b.first;
            if (x.filterId != y.filterId) return x.filterId < y.filterId;
            if (x.minute != y.minute) return x.minute < y.minute;
            if (x.ad != y.ad) return x.ad < y.ad;
            return x.country < y.country;
        });
        sql::Stmt q(m_db,
            "INSERT INTO agg(filter_id, minute, ad, country, clicks, late) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
            "ON CONFLICT DO UPDATE SET clicks = clicks + excluded.clicks, late = late + excluded.late");
        std::size_t n = 0;
        for (const auto& [k, d] : rows) {
            q.reset();
            char country[4];
            uint32_t c = k.country;
            int len = 0;
            for (; c && len < 4; c >>= 8)
                country[len++] = static_cast<char>(c & 0xff);
            q.bind(1, int64_t(k.filterId)).bind(2, k.minute).bind(3, int64_t(k.ad));
            q.bind(4, std::string_view(country, static_cast<std::size_t>(len)));
            q.bind(5, d.clicks).bind(6, d.late);
            if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc(), "cannot store aggregates");
            if (++n == rows.size() / 2) failpoint("commit.mid_txn");
        }
    }
    {
        sql::Stmt q(m_db,
            "INSERT INTO minute_stats(minute, accepted, duplicates, late) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT DO UPDATE SET accepted = accepted + excluded.accepted, "
            "duplicates = duplicates + excluded.duplicates, late = late + excluded.late");
        for (const auto& [minute, d] : batch.minutes) {
            q.reset();
            q.bind(1, minute).bind(2, d.accepted).bind(3, d.duplicates).bind(4, d.late);
            if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc(), "cannot store minute statistics");
        }
    }
    {
        sql::Stmt q(m_db,
            "INSERT INTO counters(name, value) VALUES(?1, ?2) ON CONFLICT DO UPDATE SET value = value + "
            "excluded.value");
        const Counters& c = batch.counters;
        auto add = [&](std::string_view name, int64_t v) {
            if (v == 0) return true;
            q.reset();
            q.bind(1, name).bind(2, v);
            q.step();
            return q.rc() == SQLITE_DONE;
        };
        bool ok = add("lines", c.lines) && add("accepted", c.accepted) && add("duplicates", c.duplicates)
            && add("late", c.late) && add("late_applied", c.lateApplied) && add("rejected", c.rejected);
        for (std::size_t i = 0; ok && i < kRejectReasonCount; ++i)
            ok = add(
                "rejected." + std::string(rejectReasonName(static_cast<RejectReason>(i))), c.rejectedBy[i]);
        if (!ok) return fail(q.rc(), "cannot store counters");
    }
    if (!batch.rejects.empty()) {
        sql::Stmt q(m_db, "INSERT INTO rejects(source, offset, reason, line) VALUES(?1, ?2, ?3, ?4)");
        for (const RejectSample& r : batch.rejects) {
            q.reset();
            q.bind(1, r.source).bind(2, static_cast<int64_t>(r.offset)).bind(3, rejectReasonName(r.reason));
            q.bindBlob(4, r.line);
            if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc(), "cannot store rejected lines");
        }
    }
    if (m_staged > 0) {
        int64_t minMs = m_segMinMs, maxMs = m_segMaxMs;
        if (batch.rawMinMs != kNoTime && (minMs == kNoTime || batch.rawMinMs < minMs)) minMs = batch.rawMinMs;
        if (batch.rawMaxMs != kNoTime && (maxMs == kNoTime || batch.rawMaxMs > maxMs)) maxMs = batch.rawMaxMs;
        sql::Stmt q(m_db,
            "INSERT INTO segments(id, file, bytes, events, min_ms, max_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
            "ON CONFLICT(id) DO UPDATE SET bytes=excluded.bytes, events=excluded.events, "
            "min_ms=excluded.min_ms, "
            "max_ms=excluded.max_ms");
        q.bind(1, m_segId).bind(2, segmentFileName(m_segId));
        q.bind(3, static_cast<int64_t>(m_segBytes + m_staged)).bind(4, m_segEvents + batch.rawEvents);
        q.bind(5, minMs).bind(6, maxMs);
        if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc(), "cannot store the raw segment length");
    }
    if (maxEventMs != kNoTime) {
        sql::Stmt q(
            m_db, "INSERT OR REPLACE INTO meta(key, value) VALUES('max_event_ms', ?1), ('watermark_ms', ?2)");
        q.bind(1, maxEventMs).bind(2, watermarkMs);
        if (q.step(), q.rc() != SQLITE_DONE) return fail(q.rc(), "cannot store the watermark");
    }
    if (activeFault() != Fault::OffsetSeparateTxn)
        if (auto st = writePositions(positions); !st) return st;
    if (m_health)
        if (auto st = writeKafkaHealth(*m_health); !st) return st;
    failpoint("commit.before_commit");
    const int rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(rc, "cannot commit");
    return Status::ok();
}

} // namespace adclick::core
