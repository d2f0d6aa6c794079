#include "core/store/saved_filters.h"

#include "core/store/sqlite_util.h"

#include <array>

namespace adclick::core {

namespace {

//! The stored texts, indexed by SavedFilterState.
constexpr std::array<std::string_view, 3> kStateNames { "pending", "ready", "dropping" };
static_assert(kStateNames.size() == static_cast<std::size_t>(SavedFilterState::Dropping) + 1);

} // namespace

std::string_view savedFilterStateName(SavedFilterState state)
{
    return kStateNames[static_cast<std::size_t>(state)];
}

std::optional<SavedFilterState> savedFilterStateFromName(std::string_view name)
{
    for (std::size_t i = 0; i < kStateNames.size(); ++i)
        if (kStateNames[i] == name) return static_cast<SavedFilterState>(i);
    return std::nullopt;
}

Result<std::vector<SavedFilterRow>> listSavedFilters(const sql::Connection& conn)
{
    using R = Result<std::vector<SavedFilterRow>>;
    std::vector<SavedFilterRow> rows;
    sql::Stmt q(conn, "SELECT id, name, expr, state, created_ms FROM saved_filters ORDER BY id");
    if (!q.ok()) return R::error(sql::describe(conn, q.rc(), "cannot read saved filters"));
    while (q.step()) {
        const auto state = savedFilterStateFromName(q.text(3));
        if (!state)
            return R::error("saved filter '" + std::string(q.text(1)) + "' has an unknown state '"
                + std::string(q.text(3)) + "' in '" + conn.path() + "'");
        rows.push_back({ q.int64(0), std::string(q.text(1)), std::string(q.text(2)), *state, q.int64(4) });
    }
    if (q.rc() != SQLITE_DONE) return R::error(sql::describe(conn, q.rc(), "cannot read saved filters"));
    return rows;
}

std::string savedFilterStates(const std::vector<SavedFilterRow>& rows)
{
    std::string out;
    for (const SavedFilterRow& row : rows)
        out += (out.empty() ? "" : ";") + std::to_string(row.id) + ":"
            + std::string(savedFilterStateName(row.state));
    return out;
}

Result<int64_t> insertSavedFilter(const sql::Connection& conn, const std::string& name,
    const std::string& expr, SavedFilterState state, int64_t createdMs)
{
    sql::Stmt q(conn, "INSERT INTO saved_filters(name, expr, state, created_ms) VALUES(?1, ?2, ?3, ?4)");
    q.bind(1, name).bind(2, expr).bind(3, savedFilterStateName(state)).bind(4, createdMs);
    if (q.run()) return conn.lastInsertId();
    if ((q.rc() & 0xff) == SQLITE_CONSTRAINT)
        return Result<int64_t>::error("a saved filter named '" + name + "' exists already");
    return Result<int64_t>::error(sql::describe(conn, q.rc(), "cannot save the filter"));
}

Status setSavedFilterState(const sql::Connection& conn, int64_t id, SavedFilterState state)
{
    sql::Stmt q(conn, "UPDATE saved_filters SET state = ?2 WHERE id = ?1");
    q.bind(1, id).bind(2, savedFilterStateName(state));
    if (q.run()) return Status::ok();
    return Status::error(sql::describe(
        conn, q.rc(), "cannot mark the saved filter " + std::string(savedFilterStateName(state))));
}

Status removeSavedFilterRow(const sql::Connection& conn, int64_t id)
{
    sql::Stmt q(conn, "DELETE FROM saved_filters WHERE id = ?1");
    q.bind(1, id);
    if (q.run()) return Status::ok();
    return Status::error(sql::describe(conn, q.rc(), "cannot drop the saved filter"));
}

} // namespace adclick::core
