#include "ui/models/status_text.h"

#include "ui/models/time_format.h"

#include "core/ingest/run_verdict.h"

#include <QLocale>
#include <QObject>

namespace adclick::ui {

namespace {

QString count(int64_t n)
{
    return QLocale().toString(qlonglong(n));
}

} // namespace

QString ingestStateText(const IngestStatus& status, bool sourcePaused, bool hasDatabase)
{
    switch (status.state) {
    case IngestStatus::State::Idle:
        return hasDatabase ? QObject::tr("No ingest running")
                           : QObject::tr("No source: %1").arg(whatToOpen());
    case IngestStatus::State::Opening:
        return QObject::tr("Opening %1…").arg(status.source);
    case IngestStatus::State::Running:
        return status.live ? QObject::tr("Live: %1").arg(status.source)
                           : QObject::tr("Reading %1").arg(status.source);
    case IngestStatus::State::Stopping:
        return QObject::tr("Stopping…");
    case IngestStatus::State::Finished:
        return status.noticeIsError ? QObject::tr("Nothing counted from %1").arg(status.source)
                                    : QObject::tr("Read %1").arg(status.source);
    case IngestStatus::State::Cancelled:
        return sourcePaused ? QObject::tr("Source paused: %1").arg(status.source)
                            : QObject::tr("Stopped: %1").arg(status.source);
    case IngestStatus::State::Failed:
        return QObject::tr("Failed: %1").arg(status.source);
    }
    return {};
}

QString ingestRateText(const IngestStatus& status, bool sourcePaused)
{
    if (!status.hasProgress) return {};
    // A paused source reads nothing: its last rate would be a stale figure.
    if (sourcePaused && status.state == IngestStatus::State::Cancelled)
        return QObject::tr("%1 lines read before the pause")
            .arg(formatCount(double(status.progress.runLines)));
    QString rate
        = QObject::tr("%1 lines · %2 lines/s")
              .arg(formatCount(double(status.progress.runLines)), formatCount(status.linesPerSecond));
    if (status.bytesPerSecond > 0 && !status.live)
        rate += QObject::tr(" · %1 MB/s").arg(status.bytesPerSecond / 1e6, 0, 'f', 0);
    if (status.active() && status.etaSeconds >= 0 && !status.live)
        rate += QObject::tr(" · ETA %1").arg(formatDuration(int64_t(status.etaSeconds * 1000)));
    return rate;
}

QString ingestFinishedText(const IngestStatus& status)
{
    if (status.noticeIsError)
        return QObject::tr("Nothing counted: %1 lines read in %2, see the notice above")
            .arg(count(status.progress.runLines), formatDuration(int64_t(status.progress.seconds * 1000)));
    return QObject::tr("Finished: %1 lines in %2")
        .arg(count(status.progress.runLines), formatDuration(int64_t(status.progress.seconds * 1000)));
}

QString whatToOpen()
{
    return QObject::tr("open a log, drop files here, or connect to Kafka");
}

QString noDataText(const DashboardSnapshot& s, bool brief)
{
    if (s.databasePath.isEmpty())
        return brief ? QObject::tr("No source yet")
                     : QObject::tr("No source yet: %1 (File menu), or start the demo.").arg(whatToOpen());
    if (!s.error.isEmpty())
        return brief ? QObject::tr("No data: see the message above")
                     : QObject::tr("No data: the database cannot be read (%1).").arg(s.error);
    const IngestStatus& in = s.ingest;
    if (!in.active() && !in.notices.isEmpty()) {
        if (brief) return QObject::tr("No clicks: see the notice above");
        QString text = QObject::tr("No clicks. %1").arg(in.notices.join(QLatin1Char(' ')));
        if (in.databaseRemoved) {
            if (!text.endsWith(QLatin1Char('.'))) text += QLatin1Char('.');
            text += QObject::tr(" Nothing was kept: the database made for it held no click and was removed.");
        }
        return text;
    }
    const core::Counters& c = in.progress.totals;
    if (in.hasProgress && c.lines > 0 && c.rejected == c.lines) {
        if (brief) return QObject::tr("No clicks: every line so far was rejected");
        return QObject::tr("No clicks: every line read so far was rejected (%1 lines: %2).")
            .arg(count(c.lines), QString::fromStdString(core::topRejectReasons(c)));
    }
    if (s.placeholder)
        return in.state == IngestStatus::State::Idle ? QObject::tr("Reading the database…")
                                                     : QObject::tr("Opening %1…").arg(in.source);
    switch (in.state) {
    case IngestStatus::State::Idle:
        return brief
            ? QObject::tr("No clicks in this database")
            : QObject::tr("This database holds no clicks: %1 to read into a database.").arg(whatToOpen());
    case IngestStatus::State::Finished:
        return QObject::tr("No clicks: the source held none.");
    case IngestStatus::State::Cancelled:
        return QObject::tr("Stopped before any click was counted.");
    case IngestStatus::State::Failed:
        return brief ? QObject::tr("No clicks: the ingest failed")
                     : QObject::tr("No clicks: the ingest failed (%1).").arg(in.message);
    default:
        return QObject::tr("Waiting for data…");
    }
}

QString windowSummary(const DashboardSnapshot& s, bool utc)
{
    if (s.noData) return noDataText(s);
    if (!s.atMs) return QObject::tr("No final minute yet");
    const int64_t from = *s.atMs - int64_t(s.params.windowMinutes) * kMinuteMs;
    QString text = QObject::tr("%1 – %2: %3 clicks (window before: %4)")
                       .arg(formatTime(from, utc, false), formatTime(*s.atMs, utc, false),
                           count(s.windowTotal), count(s.previousTotal));
    if (s.params.windowEnd == WindowEnd::IncludeOpen)
        text += QObject::tr(" · includes the open minute (provisional)");
    else if (s.params.windowEnd == WindowEnd::FinalPanes && s.maxEventMs != core::kNoTime
        && s.maxEventMs >= *s.atMs)
        // Clicks newer than the window are not in it, and not lost: say so, so that "0 clicks"
        // over a short archive does not read as its answer.
        text += QObject::tr(" · clicks up to %1 wait for later minutes to be final (watermark %2)")
                    .arg(formatTime(s.maxEventMs, utc, true), formatTime(s.watermarkMs, utc, true));
    return text;
}

QString unusualEventsSummary(const UnusualEventsResult& result, bool utc)
{
    if (!result.error.isEmpty()) return QObject::tr("Cannot read the raw events: %1").arg(result.error);
    return QObject::tr("%n late or duplicate event(s) between %1 and %2 (the newest 1000)", nullptr,
        int(result.events.size()))
        .arg(formatTime(result.fromMs, utc, false), formatTime(result.toMs, utc, false));
}

QString filterActionText(const FilterActionOutcome& o)
{
    if (o.action == FilterActionOutcome::Action::Drop)
        return o.ok() ? QObject::tr("Deleted filter '%1'").arg(o.name)
                      : QObject::tr("Cannot delete filter '%1': %2").arg(o.name, o.error);
    if (!o.ok()) return QObject::tr("Cannot save filter '%1': %2").arg(o.name, o.error);
    return o.backfilled ? QObject::tr("Saved filter '%1'").arg(o.name)
                        : QObject::tr("Saved filter '%1'; the running ingest back-fills it").arg(o.name);
}

} // namespace adclick::ui
