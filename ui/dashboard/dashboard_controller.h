#pragma once

#include "ui/dashboard/csv_report.h"
#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/import_preview.h"
#include "ui/dashboard/source_spec.h"
#include "ui/dashboard/store_actions.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <memory>

namespace adclick::ui {

class DemoSession;
class IngestWorker;
class JobTracker;
class KafkaLagWatch;
class QueryWorker;

//! The dashboard's state and its pacing, without widgets, and the only way the widgets reach
//! data. It owns the IngestWorker (the source) and the QueryWorker (the snapshots), holds the
//! view parameters, asks for a snapshot about every 100 ms while data arrives (never more often
//! than twice the time the last one took, so queries cannot starve the ingest), and on demand
//! when a parameter changes. Snapshots made for older parameters are dropped; the newest one is
//! published by snapshotChanged().
//!
//! Everything else that touches a database or a file runs as a background job (late/duplicate
//! events, saved-filter changes, reports, the demo's start), each under a JobTracker: a job's
//! answer (a signal) comes only while its id is current. A newer job of the same kind, or a
//! source switch, makes it stale, so nothing read for an old source reaches the new one's view.
class DashboardController : public QObject {
    Q_OBJECT
public:
    explicit DashboardController(QObject* parent = nullptr);
    ~DashboardController() override;

    // Source.
    //! Starts ingesting `spec` into `databasePath` (default: defaultDatabaseFor(spec)).
    void openSource(const SourceSpec& spec, const QString& databasePath = {});
    //! Shows an existing database without ingesting.
    void openDatabase(const QString& path);
    //! Stops the ingest (an archive: cancel; it commits what it read).
    void stopSource();
    //! Pause: stop the ingest (it commits); resume: start it again, continuing exactly there.
    void setSourcePaused(bool paused);
    bool sourcePaused() const { return m_sourcePaused; }
    //! Starts the embedded brokers and the generated stream (a job), then opens them as the
    //! source; demoStarted() tells how it went.
    void startDemo();
    //! Stops the ingest and waits for its end and for the jobs (shutdown); the demo goes last.
    void shutdown();
    const SourceSpec& source() const { return m_spec; }
    const QString& databasePath() const { return m_databasePath; }
    //! The ingest status the window shows: the current source's only (an old source's run that
    //! is still ending is not), and a run's end only once the snapshot taken after it is shown.
    IngestStatus ingestStatus() const { return m_shownStatus; }
    bool ingestActive() const;

    // View.
    void setViewPaused(bool paused);
    bool viewPaused() const { return m_viewPaused; }
    const ViewParams& params() const { return m_params; }
    void setTopN(int n);
    void setWindowMinutes(int minutes);
    void setWindowEnd(WindowEnd end, int64_t atMs = 0);
    void setChartMinutes(int minutes);
    //! Charts follow the newest data (true) or show [from, to) (setRange).
    void setFollowRange(bool follow);
    void setRange(int64_t fromMs, int64_t toMs);
    void setFilter(const FilterState& filter);
    const FilterState& filter() const { return m_filter; }
    void setSelectedAds(const std::vector<std::string>& ads);
    //! Asks for a snapshot now (with details).
    void refresh();

    SnapshotPtr snapshot() const { return m_snapshot; }
    uint64_t paramsGeneration() const { return m_paramsGeneration; }

    // Jobs. Each returns false when there is nothing to do (no database, no range yet).
    //! Reads the late and duplicate events of the shown chart range; unusualEventsLoaded().
    bool loadUnusualEvents();
    //! Saves the filter under `name` in the database; filterActionFinished(), then a refresh.
    bool saveFilter(const QString& name, const QString& expression);
    bool dropFilter(const QString& name);
    //! Writes a report of the shown snapshot; reportFinished() (at once when there is no range).
    void exportReport(ReportRequest::Kind kind, const QString& path);
    //! Results of jobs dropped as stale so far (all kinds).
    int droppedJobResults() const;
    //! Reads the head of `spec`'s first file (the sniffer) in the background; previewReady().
    //! A newer request makes an older one stale. Nothing is ingested.
    void previewSource(const SourceSpec& spec);

signals:
    void snapshotChanged(const adclick::ui::SnapshotPtr& snapshot);
    //! The view parameters changed: until a snapshot of paramsGeneration() arrives, the one
    //! shown is out of date (the views show that they are updating).
    void paramsChanged();
    void ingestStatusChanged(const adclick::ui::IngestStatus& status);
    void ingestFinished(const adclick::ui::IngestStatus& status);
    //! A source or database was opened (everything shown for the old one is out of date). An
    //! empty snapshot of it (placeholder) and its ingest status follow at once.
    void sourceChanged();
    //! The controller changed the filter: a saved filter the (new) database does not hold was
    //! dropped from it. notice() says so.
    void filterReset(const adclick::ui::FilterState& filter);
    //! Something the user should know that is not an error (what a source switch carried over).
    void notice(const QString& text);
    void warning(const QString& message);
    void unusualEventsLoaded(const adclick::ui::UnusualEventsResult& result);
    void filterActionFinished(const adclick::ui::FilterActionOutcome& outcome);
    void reportFinished(const adclick::ui::ReportOutcome& outcome);
    void demoStarted(bool ok, const QString& error);
    void previewReady(const adclick::ui::ImportPreview& preview);

private:
    template <typename F> void changeParams(F&& change);
    //! A new source or database: the old one's jobs, snapshot and ingest status are out of date.
    void switchSource(const SourceSpec& spec, const QString& databasePath);
    //! After a switch: the filter keeps what still applies (a saved filter only if the new
    //! database may hold it); the sentence saying what was carried over, or empty.
    QString carryFilterOver();
    //! Shows the new source at once: an empty snapshot and its status (also "no source yet").
    void publishPlaceholder();
    //! Drops a saved filter the snapshot found missing from the database (and says so).
    bool dropMissingSavedFilter(const DashboardSnapshot& snapshot);
    void onTick();
    void submit(bool details);
    void onSnapshot(const SnapshotPtr& snapshot);
    //! Takes the worker's status as the shown one when it belongs to the current source and is
    //! not its end (that waits for its snapshot). True when taken.
    bool takeWorkerStatus();
    //! The status a snapshot request carries (see ingestStatus()).
    IngestStatus requestStatus() const;
    //! New high watermarks of a paused Kafka source: the shown snapshot with them.
    void onLagWatch();
    void onIngestFinished(const IngestStatus& status);
    void onFilterAction(const FilterActionOutcome& outcome);
    ReportRequest reportRequest(ReportRequest::Kind kind, const QString& path) const;

    IngestWorker* m_ingest = nullptr;
    QueryWorker* m_query = nullptr;
    QThreadPool m_pool; //!< the jobs; drained before anything they use goes
    JobTracker* m_unusualJob = nullptr;
    JobTracker* m_filterJob = nullptr;
    JobTracker* m_reportJob = nullptr;
    JobTracker* m_demoJob = nullptr;
    JobTracker* m_previewJob = nullptr;
    KafkaLagWatch* m_lagWatch = nullptr; //!< a paused Kafka source's lag
    std::shared_ptr<DemoSession> m_demo;
    QTimer m_timer;
    QElapsedTimer m_clock;
    SourceSpec m_spec;
    QString m_databasePath;
    ViewParams m_params;
    FilterState m_filter;
    SnapshotPtr m_snapshot;
    uint64_t m_generation = 0, m_paramsGeneration = 1, m_appliedGeneration = 0;
    bool m_dirty = false, m_viewPaused = false, m_sourcePaused = false;
    IngestStatus m_shownStatus;
    //! A run ended (m_finalStatus): announced with the first snapshot of m_finalGeneration or newer.
    IngestStatus m_finalStatus;
    bool m_finalPending = false;
    uint64_t m_finalGeneration = 0;
    uint64_t m_staleRun = 0; //!< runs up to this one belong to sources shown before
    //! A saved filter came over to a database that exists: the first snapshot tells whether the
    //! database has it (else it is dropped, with a notice). Later, a missing one is the filter's error.
    bool m_checkSavedFilter = false;
    double m_lastQueryMs = 0;
    qint64 m_lastRequestAt = -1'000'000, m_lastDetailsAt = -1'000'000;
};

} // namespace adclick::ui
