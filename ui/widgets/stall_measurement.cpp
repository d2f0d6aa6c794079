#include "ui/widgets/stall_measurement.h"

#include "ui/widgets/main_window.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/dashboard/stall_probe.h"
#include "ui/models/time_format.h"

#include <QJsonArray>
#include <QTimer>

namespace adclick::ui {

StallMeasurement::StallMeasurement(MainWindow* window, double seconds, bool untilArchiveRead)
    : QObject(window)
    , m_window(window)
    , m_probe(new StallProbe(this))
{
    m_clock.start();
    m_probe->start();
    DashboardController* c = window->controller();
    connect(c, &DashboardController::snapshotChanged, this, [this](const SnapshotPtr& s) {
        ++m_snapshots;
        m_last = s;
        if (m_firstDataMs < 0 && !s->top.empty()) m_firstDataMs = m_clock.elapsed();
        // An archive: done once a snapshot made after the end of the ingest is shown.
        if (m_ingestEnded && !s->ingest.active() && s->ingest.run != 0)
            QTimer::singleShot(200, this, &StallMeasurement::finish);
    });
    if (untilArchiveRead)
        connect(c, &DashboardController::ingestFinished, this, [this] { m_ingestEnded = true; });
    QTimer::singleShot(int(seconds * 1000), this, &StallMeasurement::finish);
}

QJsonObject StallMeasurement::result() const
{
    const IngestStatus st = m_window->controller()->ingestStatus();
    const core::IngestProgress& p = st.progress;
    QJsonObject o;
    o[QStringLiteral("seconds")] = double(m_clock.elapsed()) / 1000.0;
    o[QStringLiteral("max_stall_ms")] = m_probe->maxStallMs();
    o[QStringLiteral("p99_stall_ms")] = m_probe->percentileStallMs(99);
    o[QStringLiteral("ticks")] = qint64(m_probe->ticks());
    o[QStringLiteral("snapshots")] = m_snapshots;
    o[QStringLiteral("first_data_s")] = m_firstDataMs < 0 ? -1.0 : double(m_firstDataMs) / 1000.0;
    o[QStringLiteral("ingest_state")] = ingestStateName(st.state);
    if (!st.message.isEmpty()) o[QStringLiteral("ingest_error")] = st.message;
    o[QStringLiteral("lines")] = qint64(p.runLines);
    o[QStringLiteral("ingest_seconds")] = p.seconds;
    o[QStringLiteral("lines_per_s")] = p.seconds > 0 ? double(p.runLines) / p.seconds : 0.0;
    o[QStringLiteral("database")] = m_window->controller()->databasePath();
    if (m_last) {
        QJsonArray ids, counts;
        for (const TopRow& r : m_last->top) {
            ids.append(QString::fromStdString(r.adId));
            counts.append(qint64(r.clicks));
        }
        QJsonObject top;
        top[QStringLiteral("ad_ids")] = ids;
        top[QStringLiteral("counts")] = counts;
        top[QStringLiteral("at")] = m_last->atMs ? formatIsoUtc(*m_last->atMs) : QString();
        top[QStringLiteral("window_minutes")] = m_last->params.windowMinutes;
        top[QStringLiteral("filter")] = QString::fromStdString(m_last->filterCanonical);
        o[QStringLiteral("top")] = top;
        o[QStringLiteral("query_ms")] = m_last->queryMs;
    }
    return o;
}

void StallMeasurement::finish()
{
    if (m_done) return;
    m_done = true;
    emit finished(result());
}

} // namespace adclick::ui
