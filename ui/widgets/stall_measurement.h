#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>

namespace adclick::ui {

class MainWindow;
class StallProbe;

//! `adclick-monitor --measure-stalls S`: watches a running window for S seconds (or, for an
//! archive, until it is read and its final snapshot is shown) and reports the GUI thread's
//! event-loop stalls, the ingest rate, the time to the first top-N, and the top-N shown last
//! (in the form of `adclick popular`, for comparison).
class StallMeasurement : public QObject {
    Q_OBJECT
public:
    StallMeasurement(MainWindow* window, double seconds, bool untilArchiveRead);

    QJsonObject result() const;

signals:
    void finished(const QJsonObject& result);

private:
    void finish();

    MainWindow* m_window;
    StallProbe* m_probe;
    QElapsedTimer m_clock;
    SnapshotPtr m_last;
    int m_snapshots = 0;
    qint64 m_firstDataMs = -1;
    bool m_ingestEnded = false;
    bool m_done = false;
};

} // namespace adclick::ui
