#include "ui/dashboard/dashboard_controller.h"

#include "ui/dashboard/demo_session.h"
#include "ui/dashboard/ingest_worker.h"
#include "ui/dashboard/job_tracker.h"
#include "ui/dashboard/kafka_lag_watch.h"
#include "ui/dashboard/query_worker.h"

#include <QDateTime>
#include <QFileInfo>

#include <algorithm>

namespace adclick::ui {

namespace {

//! The pace while data arrives.
constexpr qint64 kIntervalMs = 100;
constexpr qint64 kDetailsIntervalMs = 2000;
//! Without an ingest of ours, a following view still looks for data another writer adds.
constexpr qint64 kIdleRefreshMs = 2000;
//! Jobs run beside the ingest and query threads: two at a time at most.
constexpr int kJobThreads = 2;

struct DemoStart {
    std::shared_ptr<DemoSession> session;
    QString error;
};

} // namespace

DashboardController::DashboardController(QObject* parent)
    : QObject(parent)
    , m_ingest(new IngestWorker(this))
    , m_query(new QueryWorker(this))
    , m_unusualJob(new JobTracker(&m_pool, this))
    , m_filterJob(new JobTracker(&m_pool, this))
    , m_reportJob(new JobTracker(&m_pool, this))
    , m_demoJob(new JobTracker(&m_pool, this))
    , m_previewJob(new JobTracker(&m_pool, this))
    , m_lagWatch(new KafkaLagWatch(this))
{
    m_pool.setMaxThreadCount(kJobThreads);
    m_clock.start();
    connect(m_query, &QueryWorker::snapshotReady, this, &DashboardController::onSnapshot);
    connect(m_ingest, &IngestWorker::statusChanged, this, [this] {
        if (takeWorkerStatus()) emit ingestStatusChanged(m_shownStatus);
    });
    connect(m_ingest, &IngestWorker::finished, this, &DashboardController::onIngestFinished);
    connect(m_ingest, &IngestWorker::warning, this, &DashboardController::warning);
    connect(m_lagWatch, &KafkaLagWatch::changed, this, &DashboardController::onLagWatch);
    m_timer.setInterval(25);
    connect(&m_timer, &QTimer::timeout, this, &DashboardController::onTick);
    m_timer.start();
}

DashboardController::~DashboardController()
{
    shutdown();
}

template <typename F> void DashboardController::changeParams(F&& change)
{
    change(m_params);
    ++m_paramsGeneration;
    m_dirty = true;
    emit paramsChanged();
}

// ---------------------------------------------------------------------------------------------
// Source

void DashboardController::switchSource(const SourceSpec& spec, const QString& databasePath)
{
    m_spec = spec;
    m_sourcePaused = false;
    m_lagWatch->watch(SourceSpec());
    m_databasePath = databasePath;
    m_snapshot.reset();
    for (JobTracker* job : { m_unusualJob, m_filterJob, m_reportJob, m_demoJob })
        job->reset();
    // What the old source's ingest still reports (its end, its failure) is not this source's.
    m_staleRun = m_ingest->lastRun();
    m_finalPending = false;
    m_shownStatus = IngestStatus();
    if (spec.isValid()) {
        m_shownStatus.state = IngestStatus::State::Opening;
        m_shownStatus.source = spec.displayName();
        m_shownStatus.live = spec.isLive();
        m_shownStatus.wallMs = QDateTime::currentMSecsSinceEpoch();
    }
}

QString DashboardController::carryFilterOver()
{
    if (m_filter.isEmpty()) return {};
    QString text;
    // A database that is not there yet holds no saved filter; one that is is asked by the
    // first snapshot (dropMissingSavedFilter()).
    if (!m_filter.saved.isEmpty() && !QFileInfo::exists(m_databasePath)) {
        text = tr("The saved filter @%1 belongs to the previous database: it no longer applies.")
                   .arg(m_filter.saved);
        m_filter.saved.clear();
    }
    if (!m_filter.isEmpty())
        text += (text.isEmpty() ? QString() : QStringLiteral(" "))
            + tr("Still filtering by %1 (carried over from the previous source).").arg(m_filter.expression());
    return text;
}

void DashboardController::openSource(const SourceSpec& spec, const QString& databasePath)
{
    const FilterState before = m_filter;
    switchSource(spec, databasePath.isEmpty() ? defaultDatabaseFor(spec) : databasePath);
    const QString carried = carryFilterOver();
    changeParams([&](ViewParams& p) {
        p.followRange = true;
        p.windowEnd = spec.isLive() ? WindowEnd::IncludeOpen : WindowEnd::FinalPanes;
        p.selectedAds.clear();
        p.filter = m_filter.expression().toStdString();
        p.countryBaseFilter = m_filter.expression(false).toStdString();
    });
    m_ingest->start(spec, m_databasePath);
    m_checkSavedFilter = !m_filter.saved.isEmpty();
    emit sourceChanged();
    publishPlaceholder();
    if (m_filter != before) emit filterReset(m_filter);
    if (!carried.isEmpty()) emit notice(carried);
}

void DashboardController::openDatabase(const QString& path)
{
    m_ingest->stop();
    const FilterState before = m_filter;
    switchSource(SourceSpec(), path);
    const QString carried = carryFilterOver();
    changeParams([&](ViewParams& p) {
        p.followRange = true;
        p.windowEnd = WindowEnd::FinalPanes;
        p.selectedAds.clear();
        p.filter = m_filter.expression().toStdString();
        p.countryBaseFilter = m_filter.expression(false).toStdString();
    });
    m_checkSavedFilter = !m_filter.saved.isEmpty();
    emit sourceChanged();
    publishPlaceholder();
    if (m_filter != before) emit filterReset(m_filter);
    if (!carried.isEmpty()) emit notice(carried);
}

void DashboardController::publishPlaceholder()
{
    auto s = std::make_shared<DashboardSnapshot>();
    s->generation = ++m_generation; // older snapshots (of the old source) are not applied after it
    s->params = m_params; // paramsGeneration 0: made for no query
    s->databasePath = m_databasePath;
    s->noData = true;
    s->placeholder = true;
    s->ingest = m_shownStatus;
    s->wallMs = QDateTime::currentMSecsSinceEpoch();
    m_appliedGeneration = s->generation;
    m_snapshot = s;
    emit ingestStatusChanged(m_shownStatus);
    emit snapshotChanged(s);
}

bool DashboardController::takeWorkerStatus()
{
    const IngestStatus s = m_ingest->status();
    if (s.run <= m_staleRun || !s.active()) return false;
    // A newer run (resumed at once after a pause) supersedes the end of the one before.
    if (m_finalPending && s.run > m_finalStatus.run) m_finalPending = false;
    m_shownStatus = s;
    return true;
}

IngestStatus DashboardController::requestStatus() const
{
    IngestStatus s = m_ingest->status();
    if (s.run <= m_staleRun) return m_shownStatus;
    // Ended, but the end is not known here yet: the snapshot still shows the running ingest.
    if (!s.active() && !m_finalPending && m_shownStatus.active()) return m_shownStatus;
    return s;
}

void DashboardController::stopSource()
{
    m_ingest->stop();
    takeWorkerStatus();
    emit ingestStatusChanged(m_shownStatus);
}

void DashboardController::setSourcePaused(bool paused)
{
    if (paused == m_sourcePaused || !m_spec.isValid()) return;
    m_sourcePaused = paused;
    m_lagWatch->watch(paused ? m_spec : SourceSpec()); // a paused Kafka source: lag still read
    if (paused)
        m_ingest->stop();
    else
        m_ingest->start(m_spec, m_databasePath);
    takeWorkerStatus();
    emit ingestStatusChanged(m_shownStatus);
}

void DashboardController::startDemo()
{
    stopSource();
    m_demoJob->start(
        [] {
            DemoStart out;
            if (auto demo = DemoSession::start(DemoSession::Options()))
                out.session = std::shared_ptr<DemoSession>(std::move(*demo));
            else
                out.error = QString::fromStdString(demo.message());
            return out;
        },
        [this](const DemoStart& started) {
            if (started.session) {
                openSource(started.session->source(), started.session->databasePath());
                m_demo = started.session; // after the old ingest was told to stop
            }
            emit demoStarted(started.session != nullptr, started.error);
        });
}

void DashboardController::shutdown()
{
    m_timer.stop();
    m_ingest->stopAndWait();
    m_pool.waitForDone();
    m_demo.reset(); // its brokers go after the ingest that reads them
}

bool DashboardController::ingestActive() const
{
    return m_ingest->isActive();
}

// ---------------------------------------------------------------------------------------------
// View

void DashboardController::setViewPaused(bool paused)
{
    m_viewPaused = paused;
    if (!paused) m_dirty = true;
}

void DashboardController::setTopN(int n)
{
    if (n == m_params.topN || n <= 0) return;
    changeParams([n](ViewParams& p) { p.topN = n; });
}

void DashboardController::setWindowMinutes(int minutes)
{
    if (minutes == m_params.windowMinutes || minutes <= 0) return;
    changeParams([minutes](ViewParams& p) { p.windowMinutes = minutes; });
}

void DashboardController::setWindowEnd(WindowEnd end, int64_t atMs)
{
    if (end == m_params.windowEnd && (end != WindowEnd::Explicit || atMs == m_params.atMs)) return;
    changeParams([=](ViewParams& p) {
        p.windowEnd = end;
        p.atMs = atMs;
    });
}

void DashboardController::setChartMinutes(int minutes)
{
    if (minutes == m_params.chartMinutes || minutes <= 0) return;
    changeParams([minutes](ViewParams& p) { p.chartMinutes = minutes; });
}

void DashboardController::setFollowRange(bool follow)
{
    if (follow == m_params.followRange) return;
    changeParams([follow](ViewParams& p) { p.followRange = follow; });
}

void DashboardController::setRange(int64_t fromMs, int64_t toMs)
{
    if (!m_params.followRange && fromMs == m_params.rangeFromMs && toMs == m_params.rangeToMs) return;
    changeParams([=](ViewParams& p) {
        p.followRange = false;
        p.rangeFromMs = fromMs;
        p.rangeToMs = toMs;
    });
}

void DashboardController::setFilter(const FilterState& filter)
{
    if (filter == m_filter) return;
    m_filter = filter;
    changeParams([&](ViewParams& p) {
        p.filter = filter.expression().toStdString();
        p.countryBaseFilter = filter.expression(false).toStdString();
    });
}

void DashboardController::setSelectedAds(const std::vector<std::string>& ads)
{
    if (ads == m_params.selectedAds) return;
    changeParams([&](ViewParams& p) { p.selectedAds = ads; });
}

void DashboardController::refresh()
{
    m_dirty = true;
}

void DashboardController::onTick()
{
    if (m_databasePath.isEmpty()) {
        if (!m_snapshot) publishPlaceholder(); // "open a log…" instead of blank views
        return;
    }
    const qint64 now = m_clock.elapsed();
    bool due = m_dirty;
    if (!due && !m_viewPaused) {
        const qint64 pace = std::max<qint64>(kIntervalMs, qint64(2 * m_lastQueryMs));
        if (m_ingest->isActive() || m_finalPending)
            due = now - m_lastRequestAt >= pace;
        else if (m_params.followRange && m_params.windowEnd != WindowEnd::Explicit)
            due = now - m_lastRequestAt >= std::max(pace, kIdleRefreshMs);
    }
    if (!due || (!m_dirty && m_query->isBusy())) return;
    submit(m_dirty || m_finalPending || now - m_lastDetailsAt >= kDetailsIntervalMs);
}

void DashboardController::submit(bool details)
{
    const qint64 now = m_clock.elapsed();
    DashboardRequest r;
    r.generation = ++m_generation;
    r.paramsGeneration = m_paramsGeneration;
    r.databasePath = m_databasePath;
    r.params = m_params;
    r.withDetails = details;
    r.ingest = requestStatus();
    if (details) m_lastDetailsAt = now;
    m_dirty = false;
    m_lastRequestAt = now;
    m_query->submit(std::move(r));
}

void DashboardController::onSnapshot(const SnapshotPtr& snapshot)
{
    if (!snapshot || snapshot->paramsGeneration != m_paramsGeneration
        || snapshot->generation <= m_appliedGeneration)
        return;
    if (m_checkSavedFilter) { // the first answer of a database the saved filter came over to
        if (dropMissingSavedFilter(*snapshot)) return;
        m_checkSavedFilter = !snapshot->error.isEmpty();
    }
    m_appliedGeneration = snapshot->generation;
    m_lastQueryMs = snapshot->queryMs;
    m_snapshot = m_lagWatch->overlay(snapshot);
    if (!m_finalPending || snapshot->generation < m_finalGeneration) {
        emit snapshotChanged(m_snapshot);
        return;
    }
    // The run's end and the snapshot of everything it committed, in one go: the status first
    // (the panels then take the counters from the snapshot).
    m_finalPending = false;
    m_shownStatus = m_finalStatus;
    emit ingestStatusChanged(m_shownStatus);
    emit snapshotChanged(m_snapshot);
    emit ingestFinished(m_shownStatus);
}

bool DashboardController::dropMissingSavedFilter(const DashboardSnapshot& snapshot)
{
    const auto& missing = snapshot.missingSavedFilters;
    const std::string name = m_filter.saved.toStdString();
    if (m_filter.saved.isEmpty() || std::find(missing.begin(), missing.end(), name) == missing.end())
        return false;
    m_checkSavedFilter = false;
    FilterState rest = m_filter;
    rest.saved.clear();
    setFilter(rest); // new parameters: a new snapshot follows
    QString text = tr("The saved filter @%1 does not exist in %2: it no longer applies.")
                       .arg(QString::fromStdString(name), QFileInfo(m_databasePath).fileName());
    if (!rest.isEmpty()) text += tr(" Still filtering by %1.").arg(rest.expression());
    emit filterReset(m_filter);
    emit notice(text);
    return true;
}

void DashboardController::onLagWatch()
{
    if (!m_snapshot || m_viewPaused) return;
    m_snapshot = m_lagWatch->overlay(m_snapshot);
    emit snapshotChanged(m_snapshot);
}

void DashboardController::onIngestFinished(const IngestStatus& status)
{
    if (status.run <= m_staleRun) return; // an old source's run: its end is not shown
    // Announced with a snapshot asked for now, which shows everything the run committed.
    m_finalStatus = status;
    m_finalPending = true;
    m_finalGeneration = m_generation + 1;
    submit(true);
}

// ---------------------------------------------------------------------------------------------
// Jobs

bool DashboardController::loadUnusualEvents()
{
    const SnapshotPtr s = m_snapshot;
    if (!s || s->databasePath.isEmpty() || s->noData || s->endMinute <= s->firstMinute) return false;
    m_unusualJob->start([db = s->databasePath, from = s->firstMinute * kMinuteMs,
                            to = s->endMinute * kMinuteMs] { return readUnusualEvents(db, from, to); },
        [this](const UnusualEventsResult& result) { emit unusualEventsLoaded(result); });
    return true;
}

bool DashboardController::saveFilter(const QString& name, const QString& expression)
{
    if (m_databasePath.isEmpty()) return false;
    m_filterJob->start([db = m_databasePath, name, expression] { return saveFilterIn(db, name, expression); },
        [this](const FilterActionOutcome& outcome) { onFilterAction(outcome); });
    return true;
}

bool DashboardController::dropFilter(const QString& name)
{
    if (m_databasePath.isEmpty()) return false;
    m_filterJob->start([db = m_databasePath, name] { return dropFilterIn(db, name); },
        [this](const FilterActionOutcome& outcome) { onFilterAction(outcome); });
    return true;
}

void DashboardController::onFilterAction(const FilterActionOutcome& outcome)
{
    emit filterActionFinished(outcome);
    refresh(); // the saved filters' list and states, and a filter that uses one
}

ReportRequest DashboardController::reportRequest(ReportRequest::Kind kind, const QString& path) const
{
    ReportRequest r;
    r.kind = kind;
    r.outPath = path;
    r.snapshot = m_snapshot;
    r.databasePath = m_databasePath;
    if (m_snapshot) {
        r.filter = m_snapshot->params.filter;
        r.ads = m_snapshot->params.selectedAds;
        r.fromMs = m_snapshot->firstMinute * kMinuteMs;
        r.toMs = m_snapshot->endMinute * kMinuteMs;
    }
    return r;
}

void DashboardController::exportReport(ReportRequest::Kind kind, const QString& path)
{
    const ReportRequest request = reportRequest(kind, path);
    if (kind != ReportRequest::Kind::TopN
        && (request.fromMs >= request.toMs || !m_snapshot || m_snapshot->noData)) {
        ReportOutcome outcome;
        outcome.message = tr("there is no time range to export yet");
        emit reportFinished(outcome);
        return;
    }
    m_reportJob->start([request] { return writeReport(request); },
        [this](const ReportOutcome& outcome) { emit reportFinished(outcome); });
}

void DashboardController::previewSource(const SourceSpec& spec)
{
    m_previewJob->start([spec, db = m_databasePath] { return sniffForPreview(spec, db, true); },
        [this](const ImportPreview& preview) { emit previewReady(preview); });
}

int DashboardController::droppedJobResults() const
{
    int dropped = 0;
    for (const JobTracker* job : { m_unusualJob, m_filterJob, m_reportJob, m_demoJob, m_previewJob })
        dropped += job->droppedResults();
    return dropped;
}

} // namespace adclick::ui
