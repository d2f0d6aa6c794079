#include "core/store/maintenance.h"

#include "core/base/click_event.h"
#include "core/base/clock.h"
#include "core/store/connection.h"
#include "core/store/raw_reader.h"
#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"
#include "core/store/store.h"

#include <algorithm>
#include <map>
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
    c.late += isLate(e.status);
}

Result<std::unordered_map<std::string, int64_t>> adIds(const sql::Connection& conn)
{
    std::unordered_map<std::string, int64_t> ids;
    sql::Stmt q(conn, "SELECT id, name FROM ads");
    while (q.step())
        ids.emplace(std::string(q.text(1)), q.int64(0));
    if (q.rc() != SQLITE_DONE)
        return Result<std::unordered_map<std::string, int64_t>>::error(
            sql::describe(conn, q.rc(), "cannot read ads"));
    return ids;
}

Status readRaw(const sql::Connection& conn, TimeRange range, const RawReader::Callback& fn)
{
    if (auto st = refuseRawOnClusterStore(conn); !st) return st;
    auto segments = committedSegments(conn, { range });
    if (!segments) return segments.status();
    RawReader reader(rawDirFor(conn.path()));
    return reader.read(*segments, { range }, fn);
}

Status deleteAggregates(const sql::Connection& conn, int64_t filterId, const char* what)
{
    sql::Stmt del(conn, "DELETE FROM agg WHERE filter_id = ?1");
    del.bind(1, filterId);
    if (!del.run()) return Status::error(sql::describe(conn, del.rc(), what));
    return Status::ok();
}

Status insertCells(const sql::Connection& conn, const CellMap& cells)
{
    auto ids = adIds(conn);
    if (!ids) return ids.status();
    sql::Stmt ins(
        conn, "INSERT INTO agg(filter_id, minute, ad, country, clicks, late) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    for (const auto& [key, c] : cells) {
        const auto& [fid, minute, ad, country] = key;
        ins.reset();
        ins.bind(1, fid)
            .bind(2, minute)
            .bind(3, ids->at(ad))
            .bind(4, country)
            .bind(5, c.clicks)
            .bind(6, c.late);
        if (!ins.run())
            return Status::error(sql::describe(conn, ins.rc(), "cannot back-fill the saved filter"));
    }
    return Status::ok();
}

using ParsedFilters = std::vector<std::pair<int64_t, Filter>>;

//! The ready saved filters: the ones whose aggregates are maintained.
Result<ParsedFilters> readyFilters(const sql::Connection& conn)
{
    auto saved = listSavedFilters(conn);
    if (!saved) return Result<ParsedFilters>(saved.status());
    ParsedFilters filters;
    for (const auto& s : *saved) {
        if (s.state != SavedFilterState::Ready) continue;
        auto f = parseFilter(s.expr);
        if (!f)
            return Result<ParsedFilters>::error(
                "saved filter '" + s.name + "' cannot be parsed: " + f.message());
        filters.emplace_back(s.id, std::move(*f));
    }
    return filters;
}

//! The stored agg cells of the minutes [firstMinute, endMinute), every filter_id.
Result<CellMap> storedCells(const sql::Connection& conn, int64_t firstMinute, int64_t endMinute)
{
    CellMap stored;
    sql::Stmt q(conn,
        "SELECT a.filter_id, a.minute, ads.name, a.country, a.clicks, a.late FROM agg a JOIN ads ON "
        "ads.id = a.ad WHERE a.minute >= ?1 AND a.minute < ?2");
    q.bind(1, firstMinute).bind(2, endMinute);
    while (q.step())
        stored[{ q.int64(0), q.int64(1), std::string(q.text(2)), std::string(q.text(3)) }]
            = { q.int64(4), q.int64(5) };
    if (q.rc() != SQLITE_DONE)
        return Result<CellMap>::error(sql::describe(conn, q.rc(), "cannot read aggregates"));
    return stored;
}

//! Writes the corrections of agg cells toward the raw events, and lists them in the report.
class Corrector {
public:
    Corrector(
        const sql::Connection& conn, std::unordered_map<std::string, int64_t> adIds, RecomputeReport& report)
        : m_conn(conn)
        , m_adIds(std::move(adIds))
        , m_report(report)
        , m_upsert(conn,
              "INSERT INTO agg(filter_id, minute, ad, country, clicks, late) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
              "ON CONFLICT DO UPDATE SET clicks = excluded.clicks, late = excluded.late")
        , m_remove(conn, "DELETE FROM agg WHERE filter_id = ?1 AND minute = ?2 AND ad = ?3 AND country = ?4")
    { }

    Status fix(const CellMap::key_type& key, Cell was, Cell now)
    {
        const auto& [fid, minute, ad, country] = key;
        m_report.corrections.push_back(
            { fid, minute, ad, country, was.clicks, now.clicks, was.late, now.late });
        const bool remove = now.clicks == 0 && now.late == 0;
        sql::Stmt& q = remove ? m_remove : m_upsert;
        q.reset();
        q.bind(1, fid).bind(2, minute).bind(3, m_adIds.at(ad)).bind(4, country);
        if (!remove) q.bind(5, now.clicks).bind(6, now.late);
        if (!q.run()) return Status::error(sql::describe(m_conn, q.rc(), "cannot correct aggregates"));
        return Status::ok();
    }

    //! Walks the union of both maps; every difference is corrected toward `truth`.
    Status correct(const CellMap& truth, const CellMap& stored)
    {
        auto t = truth.begin();
        auto s = stored.begin();
        while (t != truth.end() || s != stored.end()) {
            ++m_report.cellsChecked;
            Status st;
            if (s == stored.end() || (t != truth.end() && t->first < s->first)) {
                st = fix(t->first, {}, t->second);
                ++t;
            } else if (t == truth.end() || s->first < t->first) {
                st = fix(s->first, s->second, {});
                ++s;
            } else {
                if (t->second.clicks != s->second.clicks || t->second.late != s->second.late)
                    st = fix(t->first, s->second, t->second);
                ++t;
                ++s;
            }
            if (!st) return st;
        }
        return Status::ok();
    }

private:
    const sql::Connection& m_conn;
    std::unordered_map<std::string, int64_t> m_adIds;
    RecomputeReport& m_report;
    sql::Stmt m_upsert, m_remove;
};

} // namespace

Result<int64_t> backfillSavedFilter(const sql::Connection& conn, int64_t id, const Filter& filter)
{
    CellMap cells;
    int64_t clicks = 0;
    const TimeRange all { INT64_MIN, INT64_MAX };
    auto st = readRaw(conn, all, [&](const RawEvent& e) {
        if (filter.matches(e.country, e.userId, e.ip)) {
            addRaw(cells, id, e);
            clicks += isCounted(e.status);
        }
        return true;
    });
    if (st) st = deleteAggregates(conn, id, "cannot back-fill the saved filter");
    if (st) st = insertCells(conn, cells);
    if (st) st = dropRollups(conn, id);
    if (st && !cells.empty()) // keys ordered by (filter, minute, …): the first and last minute
        st = rebuildRollups(
            conn, id, std::get<1>(cells.begin()->first), std::get<1>(cells.rbegin()->first) + 1);
    if (st) st = setSavedFilterState(conn, id, SavedFilterState::Ready);
    if (!st) return Result<int64_t>(st);
    return clicks;
}

Status deleteSavedFilter(const sql::Connection& conn, int64_t id)
{
    if (auto st = deleteAggregates(conn, id, "cannot drop the saved filter"); !st) return st;
    if (auto st = dropRollups(conn, id); !st) return st;
    return removeSavedFilterRow(conn, id);
}

Result<RecomputeReport> recomputeRange(const sql::Connection& conn, int64_t fromMs, int64_t toMs)
{
    using R = Result<RecomputeReport>;
    const int64_t fromMinute = paneOf(fromMs);
    const int64_t toMinute = paneOf(toMs - 1) + 1;
    const TimeRange range { fromMinute * kMinuteMs, toMinute * kMinuteMs };
    RecomputeReport report;
    report.minutes = toMinute - fromMinute;

    auto filters = readyFilters(conn);
    if (!filters) return R(filters.status());
    CellMap truth;
    auto st = readRaw(conn, range, [&](const RawEvent& e) {
        ++report.rawEvents;
        addRaw(truth, 0, e);
        for (const auto& [id, f] : *filters)
            if (f.matches(e.country, e.userId, e.ip)) addRaw(truth, id, e);
        return true;
    });
    if (!st) return R(st);
    auto stored = storedCells(conn, fromMinute, toMinute);
    if (!stored) return R(stored.status());
    auto ids = adIds(conn);
    if (!ids) return R(ids.status());
    Corrector corrector(conn, std::move(*ids), report);
    if (auto cst = corrector.correct(truth, *stored); !cst) return R(cst);
    // The rollups follow agg; rebuilt over the whole range, so that a recompute also repairs them.
    if (auto rst = rebuildRollups(conn, std::nullopt, fromMinute, toMinute); !rst) return R(rst);
    return report;
}

namespace {

//! The database as its single writer when no ingest runs; null (and no error) when one does.
Result<std::unique_ptr<Store>> writerIfFree(const std::string& dbPath)
{
    // It must exist and be ours: never create a database here.
    if (auto ro = sql::Connection::openReadOnly(dbPath); !ro)
        return Result<std::unique_ptr<Store>>(ro.status());
    auto store = Store::open(dbPath, {});
    if (!store && store.code() == StatusCode::WriterBusy) return std::unique_ptr<Store>();
    return store;
}

//! A plain connection for the small writes a running ingest picks up itself.
Result<sql::Connection> openSide(const std::string& dbPath)
{
    return sql::Connection::open(dbPath, sql::OpenMode::ReadWrite, 10'000);
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
        const sql::Connection& conn = s->connection();
        auto st = s->transaction([&]() -> Status {
            auto id = insertSavedFilter(conn, name, out.canonical, SavedFilterState::Pending, wallMs());
            if (!id) return id.status();
            auto n = backfillSavedFilter(conn, *id, *parsed);
            if (!n) return n.status();
            out.clicks = *n;
            return Status::ok();
        });
        if (!st) return R(st);
        out.backfilled = true;
        return out;
    }
    auto side = openSide(dbPath);
    if (!side) return R(side.status());
    if (auto id = insertSavedFilter(*side, name, out.canonical, SavedFilterState::Pending, wallMs()); !id)
        return R(id.status());
    return out;
}

Status dropFilter(const std::string& dbPath, const std::string& name)
{
    auto store = writerIfFree(dbPath);
    if (!store) return store.status();
    sql::Connection side;
    if (!*store) {
        auto opened = openSide(dbPath);
        if (!opened) return opened.status();
        side = std::move(*opened);
    }
    const sql::Connection& conn = *store ? (*store)->connection() : side;
    auto rows = listSavedFilters(conn);
    if (!rows) return rows.status();
    const auto row
        = std::find_if(rows->begin(), rows->end(), [&](const SavedFilterRow& r) { return r.name == name; });
    if (row == rows->end()) return Status::error("no saved filter named '" + name + "'");
    if (*store) return (*store)->transaction([&] { return deleteSavedFilter(conn, row->id); });
    return setSavedFilterState(conn, row->id, SavedFilterState::Dropping);
}

Result<std::vector<SavedFilterRow>> listSavedFilters(const std::string& dbPath)
{
    auto conn = sql::Connection::openReadOnly(dbPath);
    if (!conn) return Result<std::vector<SavedFilterRow>>(conn.status());
    return listSavedFilters(*conn);
}

Result<RecomputeReport> recompute(const std::string& dbPath, int64_t fromMs, int64_t toMs)
{
    using R = Result<RecomputeReport>;
    auto conn = openSide(dbPath);
    if (!conn) return R(conn.status());
    if (auto st = sql::exec(*conn, "BEGIN IMMEDIATE"); !st)
        return R::error("cannot start the recompute transaction: " + st.message());
    auto report = recomputeRange(*conn, fromMs, toMs);
    Status st = report ? sql::exec(*conn, "COMMIT") : report.status();
    if (!st) {
        (void)sql::exec(*conn, "ROLLBACK");
        return R(st);
    }
    return report;
}

} // namespace adclick::core
