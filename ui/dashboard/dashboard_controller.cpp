#include "ui/dashboard/dashboard_controller.h"

#include "ui/dashboard/demo_session.h"
#include "ui/dashboard/ingest_worker.h"
#include "ui/dashboard/job_tracker.h"
#include "ui/dashboard/kafka_lag_watch.h"
#include "ui/dashboard/query_worker.h"

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
    connect(m_ingest, &IngestWorker::statusChanged, this,
        [this] { emit ingestStatusChanged(m_ingest->status()); });
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
}

void DashboardController::openSource(const SourceSpec& spec, const QString& databasePath)
{
    switchSource(spec, databasePath.isEmpty() ? defaultDatabaseFor(spec) : databasePath);
    changeParams([&](ViewParams& p) {
        p.followRange = true;
        p.windowEnd = spec.isLive() ? WindowEnd::IncludeOpen : WindowEnd::FinalPanes;
        p.selectedAds.clear();
    });
    m_ingest->start(spec, m_databasePath);
    emit sourceChanged();
}

void DashboardController::openDatabase(const QString& path)
{
    m_ingest->stop();
    switchSource(SourceSpec(), path);
    changeParams([](ViewParams& p) {
        p.followRange = true;
        p.windowEnd = WindowEnd::FinalPanes;
        p.selectedAds.clear();
    });
    emit sourceChanged();
}

void DashboardController::stopSource()
{
    m_ingest->stop();
    emit ingestStatusChanged(m_ingest->status());
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
    emit ingestStatusChanged(m_ingest->status());
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

IngestStatus DashboardController::ingestStatus() const
{
    return m_ingest->status();
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
    if (m_databasePath.isEmpty()) return;
    const qint64 now = m_clock.elapsed();
    bool due = m_dirty;
    if (!due && !m_viewPaused) {
        const qint64 pace = std::max<qint64>(kIntervalMs, qint64(2 * m_lastQueryMs));
        if (m_ingest->isActive() || m_refreshAfterIngest)
            due = now - m_lastRequestAt >= pace;
        else if (m_params.followRange && m_params.windowEnd != WindowEnd::Explicit)
            due = now - m_lastRequestAt >= std::max(pace, kIdleRefreshMs);
    }
    if (!due || (!m_dirty && m_query->isBusy())) return;
    submit(m_dirty || m_refreshAfterIngest || now - m_lastDetailsAt >= kDetailsIntervalMs);
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
    r.ingest = m_ingest->status();
    if (details) m_lastDetailsAt = now;
    m_dirty = false;
    m_refreshAfterIngest = false;
    m_lastRequestAt = now;
    m_query->submit(std::move(r));
}

void DashboardController::onSnapshot(const SnapshotPtr& snapshot)
{
    if (!snapshot || snapshot->paramsGeneration != m_paramsGeneration
        || snapshot->generation <= m_appliedGeneration)
        return;
    m_appliedGeneration = snapshot->generation;
    m_lastQueryMs = snapshot->queryMs;
    m_snapshot = m_lagWatch->overlay(snapshot);
    emit snapshotChanged(m_snapshot);
}

void DashboardController::onLagWatch()
{
    if (!m_snapshot || m_viewPaused) return;
    m_snapshot = m_lagWatch->overlay(m_snapshot);
    emit snapshotChanged(m_snapshot);
}

void DashboardController::onIngestFinished(const IngestStatus& status)
{
    m_refreshAfterIngest = true; // one more snapshot with everything the run committed
    emit ingestFinished(status);
}

// ---------------------------------------------------------------------------------------------
// Jobs

bool DashboardController::loadUnusualEvents()
{
    const SnapshotPtr s = m_snapshot;
    if (!s || s->databasePath.isEmpty() || s->endMinute <= s->firstMinute) return false;
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
    if (kind != ReportRequest::Kind::TopN && request.fromMs >= request.toMs) {
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
    m_previewJob->start([spec] { return sniffForPreview(spec); },
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
