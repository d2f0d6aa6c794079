#pragma once
// The dashboard's sentences: what the status bar, the top-N window line and the events panel
// say about an ingest status, a snapshot or a load. Pure functions, no widgets.

#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/store_actions.h"

#include <QString>

namespace adclick::ui {

//! What to do without a source: "open a log, drop files here, or connect to Kafka".
QString whatToOpen();
//! "Reading F", "Live: F", "Source paused: F", "No source: open a log…", …
QString ingestStateText(const IngestStatus& status, bool sourcePaused, bool hasDatabase);
//! "1.2 M lines · 850 k lines/s · 95 MB/s · ETA 4 s"; empty without progress.
//! `sourcePaused`: the run was stopped by "Pause source" (no rate is shown for it).
QString ingestRateText(const IngestStatus& status, bool sourcePaused = false);
//! "Finished: 80,000 lines in 1.2 s".
QString ingestFinishedText(const IngestStatus& status);
//! Why a snapshot without data has none, and what to do: no source ("open a log, drop files
//! here, or connect to Kafka"), a source being opened, "Waiting for data…" (live), an empty
//! database, a run that ended without clicks — with its notices (every line rejected: the top
//! reject reasons; an empty file) when it has some — or every line so far rejected.
//! `brief`: one short line (charts).
QString noDataText(const DashboardSnapshot& s, bool brief = false);
//! Which minutes the top-N window covers and its totals (or why there is none).
QString windowSummary(const DashboardSnapshot& s, bool utc);
//! "N late or duplicate event(s) between A and B (the newest 1000)", or the error.
QString unusualEventsSummary(const UnusualEventsResult& result, bool utc);
//! What saving or dropping a saved filter did, or why it failed.
QString filterActionText(const FilterActionOutcome& outcome);

} // namespace adclick::ui
