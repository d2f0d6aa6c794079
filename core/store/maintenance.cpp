#include "core/store/maintenance.h"

#include "core/base/click_event.h"
#include "core/store/raw_reader.h"
#include "core/store/sqlite_util.h"
#include "core/store/stats.h"
#include "core/store/store.h"

#include <chrono>

#include <map>
#include <sqlite3.h>
#include <tuple>
#include <unordered_map>

namespace adclick::core {

namespace {

struct Cell {
    int64_t clicks = 0, late = 0;
};
// (filter_id, minute, ad name, country) → counts, ordered like the agg primary key per filter.
using CellMap = std::map<std::tuple<int64_t, int64_t, std::string, std::string>, Cell>;

void addRaw(CellMap& cells, int64_t filterId, const RawEvent& e)
{
    if (e.status == RawStatus::Duplicate) return;
    Cell& c = cells[{ filterId, paneOf(e.timeMs), std::string(e.adId), std::string(e.country) }];
    c.clicks += isCounted(e.status);
    c.late += e.status == RawStatus::LateDropped || e.status == RawStatus::LateApplied;
}

Result<std::unordered_map<std::string, int64_t>> adIds(sqlite3* db)
{
    std::unordered_map<std::string, int64_t> ids;
    sql::Stmt q(db, "SELECT id, name FROM ads");
    while (q.step())
        ids.emplace(std::string(q.text(1)), q.int64(0));
    if (q.rc() != SQLITE_DONE)
        return Result<std::unordered_map<std::string, int64_t>>::error(
            sql::describe(db, q.rc(), "cannot read ads"));
    return ids;
}

Status readRaw(sqlite3* db, const std::string& rawDir, TimeRange range, const RawReader::Callback& fn)
{
    auto segments = committedSegments(db, { range });
    if (!segments) return segments.status();
    RawReader reader(rawDir);
    return reader.read(*segments, { range }, fn);
}

} // namespace

Result<std::vector<SavedFilterRow>> listSavedFilters(sqlite3* db)
{
    std::vector<SavedFilterRow> rows;
    sql::Stmt q(db, "SELECT id, name, expr, state FROM saved_filters ORDER BY id");
    if (!q.ok())
        return Result<std::vector<SavedFilterRow>>::error(
            sql::describe(db, q.rc(), "cannot read saved filters"));
    while (q.step())
        rows.push_back(
            { q.int64(0), std::string(q.text(1)), std::string(q.text(2)), std::string(q.text(3)) });
    return rows;
}

Result<int64_t> backfillSavedFilter(sqlite3* db, const std::string& rawDir, int64_t id, const Filter& filter)
{
    CellMap cells;
    int64_t clicks = 0;
    const TimeRange all { INT64_MIN, INT64_MAX };
    auto st = readRaw(db, rawDir, all, [&](const RawEvent& e) {
        if (filter.matches(e.country, e.userId, e.ip)) {
            addRaw(cells, id, e);
            clicks += isCounted(e.status);
        }
        return true;
    });
    if (!st) return Result<int64_t>(st);
    auto ids = adIds(db);
    if (!ids) return Result<int64_t>(ids.status());
    sql::Stmt del(db, "DELETE FROM agg WHERE filter_id = ?1");
    del.bind(1, id);
    if (del.step(), del.rc() != SQLITE_DONE)
        return Result<int64_t>::error(sql::describe(db, del.rc(), "cannot back-fill the saved filter"));
    sql::Stmt ins(
        db, "INSERT INTO agg(filter_id, minute, ad, country, clicks, late) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    for (const auto& [key, c] : cells) {
        const auto& [fid, minute, ad, country] = key;
        ins.reset();
        ins.bind(1, fid)
            .bind(2, minute)
            .bind(3, ids->at(ad))
            .bind(4, country)
            .bind(5, c.clicks)
            .bind(6, c.late);
        if (ins.step(), ins.rc() != SQLITE_DONE)
            return Result<int64_t>::error(sql::describe(db, ins.rc(), "cannot back-fill the saved filter"));
    }
    sql::Stmt ready(db, "UPDATE saved_filters SET state = 'ready' WHERE id = ?1");
    ready.bind(1, id);
    if (ready.step(), ready.rc() != SQLITE_DONE)
        return Result<int64_t>::error(sql::describe(db, ready.rc(), "cannot mark the saved filter ready"));
    return clicks;
}

Status deleteSavedFilter(sqlite3* db, int64_t id)
{
    sql::Stmt a(db, "DELETE FROM agg WHERE filter_id = ?1");
    a.bind(1, id);
    sql::Stmt f(db, "DELETE FROM saved_filters WHERE id = ?1");
    f.bind(1, id);
    if ((a.step(), a.rc() != SQLITE_DONE) || (f.step(), f.rc() != SQLITE_DONE))
        return Status::error(sql::describe(db, sqlite3_errcode(db), "cannot drop the saved filter"));
    return Status::ok();
}

Result<RecomputeReport> recomputeRange(sqlite3* db, const std::string& rawDir, int64_t fromMs, int64_t toMs)
{
    using R = Result<RecomputeReport>;
    const int64_t fromMinute = paneOf(fromMs);
    const int64_t toMinute = paneOf(toMs - 1) + 1;
    const TimeRange range { fromMinute * kMinuteMs, toMinute * kMinuteMs };
    RecomputeReport report;
    report.minutes = toMinute - fromMinute;

    auto saved = listSavedFilters(db);
    if (!saved) return R(saved.status());
    std::vector<std::pair<int64_t, Filter>> filters;
    for (const auto& s : *saved) {
        if (s.state != "ready") continue;
        auto f = parseFilter(s.expr);
        if (!f) return R::error("saved filter '" + s.name + "' cannot be parsed: " + f.message());
        filters.emplace_back(s.id, std::move(*f));
    }

    CellMap truth;
    auto st = readRaw(db, rawDir, range, [&](const RawEvent& e) {
        ++report.rawEvents;
        addRaw(truth, 0, e);
        for (const auto& [id, f] : filters)
            if (f.matches(e.country, e.userId, e.ip)) addRaw(truth, id, e);
        return true;
    });
    if (!st) return R(st);

    CellMap stored;
    {
        sql::Stmt q(db,
            "SELECT a.filter_id, a.minute, ads.name, a.country, a.clicks, a.late FROM agg a JOIN ads ON "
            "ads.id = a.ad "
            "WHERE a.minute >= ?1 AND a.minute < ?2");
        q.bind(1, fromMinute).bind(2, toMinute);
        while (q.step())
            stored[{ q.int64(0), q.int64(1), std::string(q.text(2)), std::string(q.text(3)) }]
                = { q.int64(4), q.int64(5) };
        if (q.rc() != SQLITE_DONE) return R::error(sql::describe(db, q.rc(), "cannot read aggregates"));
    }
    auto ids = adIds(db);
    if (!ids) return R(ids.status());

    // Walk the union of both maps; every difference is corrected toward the raw events.
    sql::Stmt upsert(db,
        "INSERT INTO agg(filter_id, minute, ad, country, clicks, late) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT DO UPDATE SET clicks = excluded.clicks, late = excluded.late");
    sql::Stmt remove(db, "DELETE FROM agg WHERE filter_id = ?1 AND minute = ?2 AND ad = ?3 AND country = ?4");
    auto fix = [&](const CellMap::key_type& key, Cell was, Cell now) -> Status {
        const auto& [fid, minute, ad, country] = key;
        report.corrections.push_back(
            { fid, minute, ad, country, was.clicks, now.clicks, was.late, now.late });
        sql::Stmt& q = (now.clicks == 0 && now.late == 0) ? remove : upsert;
        q.reset();
        q.bind(1, fid).bind(2, minute).bind(3, ids->at(ad)).bind(4, country);
        if (&q == &upsert) q.bind(5, now.clicks).bind(6, now.late);
        if (q.step(), q.rc() != SQLITE_DONE)
            return Status::error(sql::describe(db, q.rc(), "cannot correct aggregates"));
        return Status::ok();
    };
    auto t = truth.begin();
    auto s = stored.begin();
    while (t != truth.end() || s != stored.end()) {
        ++report.cellsChecked;
        Status fst;
        if (s == stored.end() || (t != truth.end() && t->first < s->first)) {
            fst = fix(t->first, {}, t->second);
            ++t;
        } else if (t == truth.end() || s->first < t->first) {
            fst = fix(s->first, s->second, {});
            ++s;
        } else {
            if (t->second.clicks != s->second.clicks || t->second.late != s->second.late)
                fst = fix(t->first, s->second, t->second);
            ++t;
            ++s;
        }
        if (!fst) return R(fst);
    }
    return report;
}

namespace {

int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

//! The database as its single writer when no ingest runs; null (and no error) when one does.
Result<std::unique_ptr<Store>> writerIfFree(const std::string& dbPath)
{
    auto ro = openReadOnly(dbPath); // exists and is ours: never create a database here
    if (!ro) return Result<std::unique_ptr<Store>>(ro.status());
    sqlite3_close_v2(*ro);
    auto store = Store::open(dbPath, {});
    if (!store && store.code() == StatusCode::WriterBusy)
        return std::unique_ptr<Store>();
    return store;
}

//! A plain connection for the small writes a running ingest picks up itself.
struct SideConnection {
    sqlite3* db = nullptr;
    ~SideConnection() { sqlite3_close_v2(db); }
};

Status openSide(const std::string& dbPath, SideConnection& conn)
{
    auto ro = openReadOnly(dbPath);
    if (!ro) return ro.status();
    sqlite3_close_v2(*ro);
    if (sqlite3_open_v2(dbPath.c_str(), &conn.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        return Status::error(
            sql::describe(conn.db, sqlite3_errcode(conn.db), "cannot open '" + dbPath + "'"));
    sqlite3_busy_timeout(conn.db, 10'000);
    return Status::ok();
}

Status insertPending(sqlite3* db, const std::string& name, const std::string& canonical)
{
    sql::Stmt q(db, "INSERT INTO saved_filters(name, expr, state, created_ms) VALUES(?1, ?2, 'pending', ?3)");
    q.bind(1, name).bind(2, canonical).bind(3, nowMs());
    q.step();
    if ((q.rc() & 0xff) == SQLITE_CONSTRAINT)
        return Status::error("a saved filter named '" + name + "' exists already");
    if (q.rc() != SQLITE_DONE) return Status::error(sql::describe(db, q.rc(), "cannot save the filter"));
    return Status::ok();
}

} // namespace

Result<SavedFilterOutcome> saveFilter(
    const std::string& dbPath, const std::string& name, const std::string& expr)
{
    using R = Result<SavedFilterOutcome>;
    if (name.empty()) return R::error("a saved filter needs a name");
    auto parsed = parseFilter(expr);
    if (!parsed) return R(parsed.status());
    if (parsed->empty()) return R::error("a saved filter needs a non-empty expression");
    if (!parsed->savedRefs().empty())
        return R::error("a saved filter cannot refer to other saved filters (@name); write its conditions");
    SavedFilterOutcome out;
    out.canonical = parsed->canonical();
    auto store = writerIfFree(dbPath);
    if (!store) return R(store.status());
    if (Store* s = store->get()) {
        auto st = s->transaction([&]() -> Status {
            if (auto ist = insertPending(s->db(), name, out.canonical); !ist) return ist;
            auto n = backfillSavedFilter(s->db(), s->rawDir(), sqlite3_last_insert_rowid(s->db()), *parsed);
            if (!n) return n.status();
            out.clicks = *n;
            return Status::ok();
        });
        if (!st) return R(st);
        out.backfilled = true;
        return out;
    }
    SideConnection conn;
    if (auto st = openSide(dbPath, conn); !st) return R(st);
    if (auto st = insertPending(conn.db, name, out.canonical); !st) return R(st);
    return out;
}

Status dropFilter(const std::string& dbPath, const std::string& name)
{
    auto store = writerIfFree(dbPath);
    if (!store) return store.status();
    SideConnection side;
    sqlite3* db = nullptr;
    if (*store) {
        db = (*store)->db();
    } else {
        if (auto st = openSide(dbPath, side); !st) return st;
        db = side.db;
    }
    int64_t id = 0;
    {
        sql::Stmt q(db, "SELECT id FROM saved_filters WHERE name = ?1");
        q.bind(1, name);
        if (q.step()) id = q.int64(0);
    }
    if (id == 0) return Status::error("no saved filter named '" + name + "'");
    if (*store) return (*store)->transaction([&] { return deleteSavedFilter(db, id); });
    return sql::exec(
        db, ("UPDATE saved_filters SET state = 'dropping' WHERE id = " + std::to_string(id)).c_str());
}

Result<std::vector<SavedFilterRow>> listSavedFilters(const std::string& dbPath)
{
    auto ro = openReadOnly(dbPath);
    if (!ro) return Result<std::vector<SavedFilterRow>>(ro.status());
    auto rows = listSavedFilters(*ro);
    sqlite3_close_v2(*ro);
    return rows;
}

Result<RecomputeReport> recompute(const std::string& dbPath, int64_t fromMs, int64_t toMs)
{
    using R = Result<RecomputeReport>;
    SideConnection conn;
    if (auto st = openSide(dbPath, conn); !st) return R(st);
    if (auto st = sql::exec(conn.db, "BEGIN IMMEDIATE"); !st)
        return R::error("cannot start the recompute transaction: " + st.message());
    auto report = recomputeRange(conn.db, rawDirFor(dbPath), fromMs, toMs);
    Status st = report ? sql::exec(conn.db, "COMMIT") : report.status();
    if (!st) {
        sqlite3_exec(conn.db, "ROLLBACK", nullptr, nullptr, nullptr);
        return R(st);
    }
    return report;
}

} // namespace adclick::core
