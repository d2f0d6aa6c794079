#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The saved_filters table: the only code that reads or writes it. (Their aggregates, agg rows
// with filter_id = id, are maintenance.h's.)

namespace adclick::core {

namespace sql {
class Connection;
}

//! Pending until the writer back-fills it, then Ready (its aggregates are complete); Dropping:
//! a command asked the running ingest to drop it.
enum class SavedFilterState { Pending, Ready, Dropping };

//! The stored text of a state, also what users see: "pending", "ready", "dropping".
std::string_view savedFilterStateName(SavedFilterState state);
//! The state a stored text names; nullopt for any other text.
std::optional<SavedFilterState> savedFilterStateFromName(std::string_view name);

struct SavedFilterRow {
    int64_t id = 0;
    std::string name;
    std::string expr; //!< canonical text
    SavedFilterState state = SavedFilterState::Pending;
    int64_t createdMs = 0;
};

//! Saved filters, in id order. A row with a state this build does not know is an error.
Result<std::vector<SavedFilterRow>> listSavedFilters(const sql::Connection& conn);

//! "id:state;…" over `rows`: two equal summaries mean no filter was added, removed or changed state.
std::string savedFilterStates(const std::vector<SavedFilterRow>& rows);

//! Adds a saved filter and returns its id; a name in use already is an error.
Result<int64_t> insertSavedFilter(const sql::Connection& conn, const std::string& name,
    const std::string& expr, SavedFilterState state, int64_t createdMs);

Status setSavedFilterState(const sql::Connection& conn, int64_t id, SavedFilterState state);

//! Removes the row only; its aggregates are the caller's (deleteSavedFilter in maintenance.h).
Status removeSavedFilterRow(const sql::Connection& conn, int64_t id);

} // namespace adclick::core
