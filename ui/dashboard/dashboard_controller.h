#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/source_spec.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace adclick::ui {

class IngestWorker;
class QueryWorker;

//! The dashboard's state and its pacing, without widgets: owns the IngestWorker (the source)
//! and the QueryWorker (the snapshots), holds the view parameters, asks for a snapshot about
//! every 100 ms while data arrives (never more often than twice the time the last one took, so
//! queries cannot starve the ingest), and on demand when a parameter changes. Snapshots made for
//! older parameters are dropped; the newest one is published by snapshotChanged().
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
    //! Stops the ingest and waits for its end (shutdown).
    void shutdown();
    const SourceSpec& source() const { return m_spec; }
    const QString& databasePath() const { return m_databasePath; }
    IngestStatus ingestStatus() const;
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
    //! The pace while data arrives (default 100 ms).
    void setRefreshIntervalMs(int ms) { m_intervalMs = ms; }

    SnapshotPtr snapshot() const { return m_snapshot; }
    uint64_t paramsGeneration() const { return m_paramsGeneration; }

signals:
    void snapshotChanged(const adclick::ui::SnapshotPtr& snapshot);
    void ingestStatusChanged(const adclick::ui::IngestStatus& status);
    void ingestFinished(const adclick::ui::IngestStatus& status);
    void sourceChanged();
    void paramsChanged();
    void warning(const QString& message);

private:
    template <typename F> void changeParams(F&& change);
    void onTick();
    void submit(bool details);
    void onSnapshot(const SnapshotPtr& snapshot);
    void onIngestFinished(const IngestStatus& status);

    IngestWorker* m_ingest = nullptr;
    QueryWorker* m_query = nullptr;
    QTimer m_timer;
    QElapsedTimer m_clock;
    SourceSpec m_spec;
    QString m_databasePath;
    ViewParams m_params;
    FilterState m_filter;
    SnapshotPtr m_snapshot;
    uint64_t m_generation = 0, m_paramsGeneration = 1, m_appliedGeneration = 0;
    bool m_dirty = false, m_viewPaused = false, m_sourcePaused = false;
    bool m_refreshAfterIngest = false;
    int m_intervalMs = 100;
    double m_lastQueryMs = 0;
    qint64 m_lastRequestAt = -1'000'000, m_lastDetailsAt = -1'000'000;
};

} // namespace adclick::ui
