#include "ui/dashboard/query_worker.h"

#include "core/store/store_reader.h"
#include "ui/dashboard/thread_priority.h"

#include "core/base/click_event.h"
#include "core/pipeline/filter_expr.h"
#include "core/query/query.h"
#include "core/store/stats.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>

#include <limits>
#include <unordered_map>

namespace adclick::ui {

namespace {

constexpr int64_t kAllAds = std::numeric_limits<int64_t>::max();
//! Charts never hold more points than this per series (about 70 days of minutes).
constexpr int64_t kMaxChartMinutes = 100'000;
constexpr int kRejectRows = 1000;
//! Country counts and charts cheaper than this are made for every snapshot.
constexpr double kCheapHeavyMs = 40;
//! A following chart is at least this wide (minutes).
constexpr int64_t kMinFollowMinutes = 10;

int64_t ceilMinute(int64_t ms)
{
    return core::paneOf(ms) + (ms % core::kMinuteMs != 0 ? 1 : 0);
}

//! Opens the session's connections on `path` unless they are open on it already.
QString ensureOpen(QueryWorker::Session& session, const QString& path)
{
    if (session.service && session.path == path) return {};
    session.service.reset();
    session.reader.reset();
    session.rejects.clear();
    session.savedFilters.clear();
    session.kafka.clear();
    session.detailsRead = false;
    session.heavy = {};
    session.path.clear();
    const std::string file = QFile::encodeName(path).toStdString();
    auto q = core::QueryService::open(file);
    if (!q) return QString::fromStdString(q.message());
    auto r = StoreReader::open(file);
    if (!r) return QString::fromStdString(r.message());
    session.service = std::move(*q);
    session.reader = std::move(*r);
    session.path = path;
    return {};
}

} // namespace

QueryWorker::Session::Session() = default;
QueryWorker::Session::~Session() = default;

QueryWorker::QueryWorker(QObject* parent)
    : QObject(parent)
    , m_thread([this](std::stop_token stop) { loop(stop); })
{ }

QueryWorker::~QueryWorker()
{
    m_thread.request_stop();
    {
        std::lock_guard lock(m_mutex);
        if (m_service) m_service->interrupt();
    }
    m_cv.notify_all();
    m_thread.join();
}

void QueryWorker::submit(DashboardRequest request)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_running && m_runningParams != request.paramsGeneration && m_service) m_service->interrupt();
        m_pending = std::move(request);
    }
    m_cv.notify_one();
}

bool QueryWorker::isBusy() const
{
    std::lock_guard lock(m_mutex);
    return m_running || m_pending.has_value();
}

void QueryWorker::loop(std::stop_token stop)
{
    lowerThreadPriority(4);
    Session session;
    while (!stop.stop_requested()) {
        DashboardRequest request;
        {
            std::unique_lock lock(m_mutex);
            if (!m_cv.wait(lock, stop, [this] { return m_pending.has_value(); })) break;
            request = std::move(*m_pending);
            m_pending.reset();
            m_running = true;
            m_runningParams = request.paramsGeneration;
        }
        if (!session.service || session.path != request.databasePath) {
            {
                std::lock_guard lock(m_mutex);
                m_service = nullptr;
            }
            ensureOpen(session, request.databasePath);
            std::lock_guard lock(m_mutex);
            m_service = session.service.get();
        }
        const auto superseded = [&] {
            if (stop.stop_requested()) return true;
            std::lock_guard lock(m_mutex);
            return m_pending && m_pending->paramsGeneration != request.paramsGeneration;
        };
        SnapshotPtr snapshot = compute(session, request, superseded);
        {
            std::lock_guard lock(m_mutex);
            m_running = false;
        }
        if (snapshot)
            QMetaObject::invokeMethod(
                this, [this, snapshot] { emit snapshotReady(snapshot); }, Qt::QueuedConnection);
    }
    std::lock_guard lock(m_mutex);
    m_service = nullptr;
}

SnapshotPtr QueryWorker::compute(
    Session& session, const DashboardRequest& request, const std::function<bool()>& superseded)
{
    QElapsedTimer timer;
    timer.start();
    auto s = std::make_shared<DashboardSnapshot>();
    s->generation = request.generation;
    s->paramsGeneration = request.paramsGeneration;
    s->params = request.params;
    s->databasePath = request.databasePath;
    s->ingest = request.ingest;
    s->wallMs = QDateTime::currentMSecsSinceEpoch();
    const ViewParams& p = request.params;
    const auto stale = [&] { return superseded && superseded(); };
    // A failed query: dropped when it was interrupted for a newer request, else shown.
    const auto failed = [&](const core::Status& status) -> SnapshotPtr {
        if (stale()) return nullptr;
        s->error = QString::fromStdString(status.message());
        s->errorIsFilter = status.code() == core::StatusCode::BadFilter;
        s->queryMs = double(timer.nsecsElapsed()) / 1e6;
        return s;
    };

    if (request.databasePath.isEmpty()) {
        s->noData = true;
        return s;
    }
    if (const QString error = ensureOpen(session, request.databasePath); !error.isEmpty()) {
        // While an ingest creates the database, "does not exist"/"no schema yet" just means "no data yet".
        if (request.ingest.active() || !QFile::exists(request.databasePath)) {
            s->noData = true;
            return s;
        }
        s->error = error;
        return s;
    }
    core::QueryService& q = *session.service;

    auto state = session.reader->engineState();
    if (!state) return failed(state.status());
    s->counters = state->counters;
    s->watermarkMs = state->watermarkMs;
    s->maxEventMs = state->maxEventMs;
    if (auto dm = session.reader->dataMinutes()) {
        s->dataFirstMinute = dm->first;
        s->dataEndMinute = dm->second;
    }
    s->noData = s->maxEventMs == core::kNoTime;

    // Details: reject samples, saved filters, Kafka health (from the store when the running ingest
    // does not report it).
    if (request.withDetails || !session.detailsRead) {
        session.detailsRead = true;
        if (auto r = session.reader->rejects(kRejectRows)) session.rejects = std::move(*r);
        if (auto f = q.savedFilters()) session.savedFilters = std::move(*f);
        // (readStats also counts every aggregate row: only when the ingest does not report it.)
        if (request.ingest.progress.kafka.empty() && session.reader->hasKafkaSources()) {
            if (auto st = core::readStats(QFile::encodeName(request.databasePath).toStdString(), 0))
                session.kafka = std::move(st->kafka);
        }
    }
    s->rejects = session.rejects;
    s->savedFilters = session.savedFilters;
    s->kafka = request.ingest.hasProgress && !request.ingest.progress.kafka.empty()
        ? request.ingest.progress.kafka
        : session.kafka;

    auto filter = core::parseFilter(p.filter);
    if (!filter) return failed(filter.status());
    auto resolved = q.resolve(*filter);
    if (!resolved) return failed(resolved.status());
    s->filterCanonical = resolved->canonical();
    if (stale()) return nullptr;
    if (s->noData) {
        s->queryMs = double(timer.nsecsElapsed()) / 1e6;
        return s;
    }

    // Top-N with the window before it.
    std::optional<int64_t> at;
    if (p.windowEnd == WindowEnd::Explicit)
        at = p.atMs;
    else if (p.windowEnd == WindowEnd::IncludeOpen)
        at = (core::paneOf(s->maxEventMs) + 1) * core::kMinuteMs;
    const int64_t windowMs = int64_t(p.windowMinutes) * core::kMinuteMs;
    auto current = q.popular(kAllAds, p.windowMinutes, at, *filter);
    if (!current) return failed(current.status());
    s->atMs = current->atMs;
    if (current->atMs) {
        auto previous = q.popular(kAllAds, p.windowMinutes, *current->atMs - windowMs, *filter);
        if (!previous) return failed(previous.status());
        std::unordered_map<std::string, int64_t> before;
        before.reserve(previous->top.size());
        for (const core::AdCount& a : previous->top) {
            before.emplace(a.adId, a.clicks);
            s->previousTotal += a.clicks;
        }
        for (const core::AdCount& a : current->top)
            s->windowTotal += a.clicks;
        const std::size_t n = std::min<std::size_t>(current->top.size(), std::size_t(std::max(p.topN, 0)));
        // With the open minute, the window covers only part of its last minute so far.
        int64_t span = windowMs;
        const int64_t openStart = *current->atMs - core::kMinuteMs;
        if (p.windowEnd == WindowEnd::IncludeOpen && s->maxEventMs >= openStart
            && s->maxEventMs < *current->atMs)
            span = windowMs - core::kMinuteMs + std::max<int64_t>(1000, s->maxEventMs - openStart + 1);
        s->windowSpanMs = span;
        s->top.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            const core::AdCount& a = current->top[i];
            const auto it = before.find(a.adId);
            TopRow row { a.adId, a.clicks, it == before.end() ? 0 : it->second,
                s->windowTotal > 0 ? double(a.clicks) / double(s->windowTotal) : 0.0, int(i) + 1 };
            row.byRate = span != windowMs;
            if (row.previous > 0)
                row.change
                    = (double(row.clicks) / double(span)) / (double(row.previous) / double(windowMs)) - 1;
            s->top.push_back(std::move(row));
        }
    }
    if (stale()) return nullptr;

    // The rest (country counts, charts) costs more on big databases and changes slowly: when it
    // took long, it is refreshed only with the details (every ~2 s) or for new parameters.
    QueryWorker::Session::Heavy& heavy = session.heavy;
    const bool refresh = !heavy.valid || heavy.paramsGeneration != request.paramsGeneration
        || request.withDetails || heavy.ms < kCheapHeavyMs;
    if (!refresh) {
        s->countries = heavy.countries;
        s->firstMinute = heavy.firstMinute;
        s->endMinute = heavy.endMinute;
        s->adSeries = heavy.adSeries;
        s->total = heavy.total;
        s->minuteStats = heavy.minuteStats;
        s->queryMs = double(timer.nsecsElapsed()) / 1e6;
        return s;
    }
    QElapsedTimer heavyTimer;
    heavyTimer.start();
    if (s->atMs) {
        auto base = core::parseFilter(p.countryBaseFilter);
        auto countries = q.countries(*s->atMs - windowMs, *s->atMs, std::nullopt, base ? *base : *filter);
        if (!countries) return failed(countries.status());
        s->countries = std::move(*countries);
    }
    if (stale()) return nullptr;

    // Charts: per-minute series of the selected ads, the total, and the health per minute.
    int64_t first = 0, end = 0;
    if (p.followRange) {
        // The last chartMinutes, but not long before the first data (a young stream fills the chart).
        end = core::paneOf(s->maxEventMs) + 1;
        first = end - std::max(1, p.chartMinutes);
        if (s->dataEndMinute > s->dataFirstMinute)
            first = std::max(first, std::min(s->dataFirstMinute, end - kMinFollowMinutes));
    } else if (p.rangeFromMs < p.rangeToMs) {
        first = core::paneOf(p.rangeFromMs);
        end = ceilMinute(p.rangeToMs);
    }
    first = std::max(first, end - kMaxChartMinutes);
    if (first < end) {
        s->firstMinute = first;
        s->endMinute = end;
        const auto width = static_cast<std::size_t>(end - first);
        const int64_t fromMs = first * core::kMinuteMs, toMs = end * core::kMinuteMs;
        for (const std::string& ad : p.selectedAds) {
            auto rows = q.series(fromMs, toMs, ad, *filter);
            if (!rows) return failed(rows.status());
            DenseSeries d { ad, std::vector<int64_t>(width, 0) };
            for (const core::SeriesRow& r : rows->rows)
                if (r.minute >= first && r.minute < end)
                    d.values[static_cast<std::size_t>(r.minute - first)] += r.clicks;
            s->adSeries.push_back(std::move(d));
            if (stale()) return nullptr;
        }
        auto all = q.series(fromMs, toMs, std::nullopt, *filter);
        if (!all) return failed(all.status());
        s->total = { "total", std::vector<int64_t>(width, 0) };
        for (const core::SeriesRow& r : all->rows)
            if (r.minute >= first && r.minute < end)
                s->total.values[static_cast<std::size_t>(r.minute - first)] += r.clicks;
        auto stats = session.reader->minuteStats(first, end);
        if (!stats) return failed(stats.status());
        s->minuteStats = std::move(*stats);
    }
    if (stale()) return nullptr;
    heavy.valid = true;
    heavy.paramsGeneration = request.paramsGeneration;
    heavy.ms = double(heavyTimer.nsecsElapsed()) / 1e6;
    heavy.countries = s->countries;
    heavy.firstMinute = s->firstMinute;
    heavy.endMinute = s->endMinute;
    heavy.adSeries = s->adSeries;
    heavy.total = s->total;
    heavy.minuteStats = s->minuteStats;
    s->queryMs = double(timer.nsecsElapsed()) / 1e6;
    return s;
}

} // namespace adclick::ui
