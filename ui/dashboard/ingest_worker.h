#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/source_spec.h"

#include <QObject>

#include <atomic>
#include <mutex>
#include <stop_token>
#include <thread>

namespace adclick::ui {

//! The core's options for an ingest of `spec` (the worker's; tests check what a choice becomes).
core::IngestOptions ingestOptionsFor(const SourceSpec& spec);

//! Held while this process opens a database's connections or removes its files, so that a
//! removal never races an open (SQLite creates a -shm when it opens a WAL database).
std::mutex& databaseFilesGate();

//! Removes a database and everything beside it (-wal, -shm, -journal, .raw/, .lock). Only for a
//! database this process created and found empty, while it still holds the writer lock.
void removeDatabaseFiles(const QString& databasePath);

//! Runs the core Ingestor for one source and one database on a thread of its own. The GUI
//! never waits for it: start() and stop() return at once, the state arrives as statusChanged()
//! (at most every ~100 ms, coalesced) and finished(). Stopping is the core's clean stop: request_stop
//! on the run's stop_token; the core commits what it read and returns, so a later start() of the
//! same source continues exactly where it stopped (that is also how "pause source" works).
class IngestWorker : public QObject {
    Q_OBJECT
public:
    explicit IngestWorker(QObject* parent = nullptr);
    //! Stops a running ingest and waits for its clean end (only at shutdown).
    ~IngestWorker() override;

    //! Starts ingesting. A run still going is stopped first; the new one starts once it ended.
    void start(const SourceSpec& spec, const QString& databasePath);
    //! Asks the running ingest to stop (commit and end); finished() follows. No-op when idle.
    void stop();
    //! Stops and waits (shutdown, tests).
    void stopAndWait();

    IngestStatus status() const;
    bool isActive() const;
    const SourceSpec& spec() const { return m_spec; }
    const QString& databasePath() const { return m_databasePath; }
    //! The number of the newest run started (status().run of its reports).
    uint64_t lastRun() const { return m_run; }

signals:
    void statusChanged();
    //! The run ended: finished, stopped (cancelled) or failed (status().message says why).
    void finished(const adclick::ui::IngestStatus& status);
    void warning(const QString& message);

private:
    void launch();
    void runThread(std::stop_token stop, uint64_t run, SourceSpec spec, QString databasePath);
    void publish(const IngestStatus& status, bool final);
    void onThreadFinished(uint64_t run);

    SourceSpec m_spec;
    QString m_databasePath;
    bool m_pendingStart = false;
    uint64_t m_run = 0;
    mutable std::mutex m_mutex;
    IngestStatus m_status; //!< guarded by m_mutex
    std::atomic<bool> m_notifyQueued { false };
    std::jthread m_thread;
};

} // namespace adclick::ui
