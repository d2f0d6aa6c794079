#pragma once
// The blocking store operations the DashboardController runs as background jobs (each on a
// connection of its own). Plain functions of values: any thread, no Qt objects.

#include "ui/dashboard/dashboard_types.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace adclick::ui {

//! The "Load" of the events panel reads at most this many late and duplicate events.
inline constexpr std::size_t kUnusualEventsLimit = 1000;

//! Late and duplicate events of [fromMs, toMs) in one database.
struct UnusualEventsResult {
    QString databasePath;
    int64_t fromMs = 0, toMs = 0;
    std::vector<UnusualEvent> events; //!< the newest kUnusualEventsLimit
    QString error; //!< empty: read
};

//! How saving or dropping a saved filter went.
struct FilterActionOutcome {
    enum class Action { Save, Drop };
    Action action = Action::Save;
    QString name;
    QString error; //!< empty: done
    bool backfilled = false; //!< Save: back-filled now (false: the running ingest back-fills it)
    bool ok() const { return error.isEmpty(); }
};

UnusualEventsResult readUnusualEvents(const QString& databasePath, int64_t fromMs, int64_t toMs);
FilterActionOutcome saveFilterIn(const QString& databasePath, const QString& name, const QString& expression);
FilterActionOutcome dropFilterIn(const QString& databasePath, const QString& name);

} // namespace adclick::ui
