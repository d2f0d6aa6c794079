#include "core/store/stats.h"

#include "core/store/sqlite_util.h"
#include "core/store/store_schema.h"

#include <cerrno>
#include <cstring>

#include <sqlite3.h>
#include <sys/stat.h>

namespace adclick::core {

Result<sqlite3*> openReadOnly(const std::string& dbPath)
{
    using R = Result<sqlite3*>;
    struct stat st { };
    if (::stat(dbPath.c_str(), &st) != 0) {
        if (errno == ENOENT) return R::error("database '" + dbPath + "' does not exist");
        return R::error("cannot open database '" + dbPath + "': " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) return R::error("'" + dbPath + "' is a folder, not an AdClick database");
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    auto failWith = [&](std::string msg) {
        sqlite3_close_v2(db);
        return R::error(std::move(msg));
    };
    if (rc != SQLITE_OK) return failWith(sql::describe(db, rc, "cannot open database '" + dbPath + "'"));
    sqlite3_busy_timeout(db, 5000);
    std::string problem;
    {
        sql::Stmt v(db, "SELECT value FROM meta WHERE key = 'schema_version'");
        if (!v.ok()) {
            const int code = sqlite3_errcode(db) & 0xff;
            if (code == SQLITE_NOTADB || code == SQLITE_ERROR || code == SQLITE_CORRUPT)
                problem = "'" + dbPath + "' is not an AdClick database (" + sqlite3_errmsg(db) + ")";
            else
                problem = sql::describe(db, code, "cannot read database '" + dbPath + "'");
        } else if (!v.step()) {
            problem = v.rc() != SQLITE_DONE
                ? sql::describe(db, v.rc(), "cannot read database '" + dbPath + "'")
                : "'" + dbPath + "' is not an AdClick database (no meta.schema_version)";
        } else if (v.int64(0) != kSchemaVersion) {
            problem = "database '" + dbPath + "' has schema version " + std::string(v.text(0))
                + "; this adclick reads version " + std::to_string(kSchemaVersion);
        }
    }
    if (!problem.empty()) return failWith(problem);
    return db;
}

Status readKafkaHealth(sqlite3* db, std::vector<KafkaHealth>& out)
{
    {
        sql::Stmt q(db,
            "SELECT source, topic, broker_state, rebalances, gap, transient_errors, last_error, updated_ms "
            "FROM kafka_sources ORDER BY source");
        // A database no writer of this version has opened yet has no Kafka tables: no health.
        if (!q.ok()) return Status::ok();
        while (q.step()) {
            KafkaHealth h;
            h.source = q.text(0);
            h.topic = q.text(1);
            h.brokerState = q.text(2);
            h.rebalances = q.int64(3);
            h.gap = q.text(4);
            h.transientErrors = q.int64(5);
            h.lastError = q.text(6);
            h.updatedMs = q.int64(7);
            out.push_back(std::move(h));
        }
        if (q.rc() != SQLITE_DONE)
            return Status::error(sql::describe(db, q.rc(), "cannot read the Kafka health"));
    }
    sql::Stmt q(db,
        "SELECT partition, position, high_watermark, lag_messages, lag_ms, max_event_ms, idle "
        "FROM kafka_partitions WHERE source = ?1 ORDER BY partition");
    for (KafkaHealth& h : out) {
        q.reset();
        q.bind(1, h.source);
        while (q.step())
            h.partitions.push_back({ static_cast<int32_t>(q.int64(0)), q.int64(1), q.int64(2), q.int64(3),
                q.int64(4), q.isNull(5) ? kNoTime : q.int64(5), q.int64(6) != 0 });
        if (q.rc() != SQLITE_DONE)
            return Status::error(sql::describe(db, q.rc(), "cannot read the Kafka health"));
    }
    return Status::ok();
}

Result<StatsReport> readStats(const std::string& dbPath, int rejectSampleLimit)
{
    auto opened = openReadOnly(dbPath);
    if (!opened) return Result<StatsReport>(opened.status());
    sqlite3* db = *opened;
    struct Closer {
        sqlite3* db;
        ~Closer() { sqlite3_close_v2(db); }
    } closer { db };

    StatsReport r;
    // One read transaction: every figure comes from the same committed batch.
    sql::ReadTransaction txn(db);
    {
        StoredState state;
        if (auto st = readEngineState(db, state); !st) return Result<StatsReport>(st);
        r.settings = state.settings;
        r.counters = state.counters;
        r.maxEventMs = state.maxEventMs;
        r.watermarkMs = state.watermarkMs;
    }
    {
        sql::Stmt q(db,
            "SELECT (SELECT count(*) FROM ads), (SELECT count(*) FROM agg), "
            "(SELECT count(*) FROM segments), (SELECT total(bytes) FROM segments), "
            "(SELECT total(events) FROM segments)");
        if (q.step()) {
            r.ads = q.int64(0);
            r.aggRows = q.int64(1);
            r.raw = { q.int64(2), q.int64(3), q.int64(4) };
        }
    }
    {
        sql::Stmt q(db, "SELECT id, uri, fp_len, fp_hash, offset FROM sources ORDER BY id");
        while (q.step())
            r.sources.push_back({ q.int64(0), std::string(q.text(1)), static_cast<uint32_t>(q.int64(2)),
                static_cast<uint64_t>(q.int64(3)), static_cast<uint64_t>(q.int64(4)) });
    }
    {
        sql::Stmt q(db, "SELECT source, offset, reason, line FROM rejects ORDER BY id LIMIT ?1");
        q.bind(1, int64_t(rejectSampleLimit));
        while (q.step())
            r.rejectSamples.push_back({ std::string(q.text(0)), q.int64(1), std::string(q.text(2)),
                std::string(static_cast<const char*>(sqlite3_column_blob(q.get(), 3))
                        ? std::string_view(static_cast<const char*>(sqlite3_column_blob(q.get(), 3)),
                            static_cast<std::size_t>(sqlite3_column_bytes(q.get(), 3)))
                        : std::string_view()) });
    }
    if (auto st = readKafkaHealth(db, r.kafka); !st) return Result<StatsReport>(st);
    return r;
}

} // namespace adclick::core
