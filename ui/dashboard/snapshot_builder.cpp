#include "ui/dashboard/snapshot_builder.h"

#include "ui/dashboard/ingest_worker.h"

#include "core/base/click_event.h"
#include "core/query/query.h"
#include "core/store/stats.h"
#include "core/store/store_reader.h"

#include <QDateTime>
#include <QFile>

#include <algorithm>
#include <mutex>

#include <sys/stat.h>

namespace adclick::ui {

namespace {

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

//! The country counts and charts, from a snapshot to the session's copy or back (the members
//! have the same names).
template <typename From, typename To> void copyHeavyParts(const From& from, To& to)
{
    to.countries = from.countries;
    to.firstMinute = from.firstMinute;
    to.endMinute = from.endMinute;
    to.adSeries = from.adSeries;
    to.total = from.total;
    to.minuteStats = from.minuteStats;
}

double elapsedMs(const QElapsedTimer& timer)
{
    return double(timer.nsecsElapsed()) / 1e6;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// SnapshotSession

SnapshotSession::SnapshotSession() = default;
SnapshotSession::~SnapshotSession() = default;

namespace {

//! The device and inode `path` names now; {0, 0} when it names nothing.
std::pair<uint64_t, uint64_t> fileIdentity(const QString& path)
{
    struct stat st { };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return { 0, 0 };
    return { uint64_t(st.st_dev), uint64_t(st.st_ino) };
}

} // namespace

QString SnapshotSession::open(const QString& databasePath)
{
    const std::lock_guard gate(databaseFilesGate()); // no removal while connections open
    const auto [dev, ino] = fileIdentity(databasePath);
    if (service && path == databasePath && dev == device && ino == inode) return {};
    if (publishService) publishService(nullptr);
    service.reset();
    reader.reset();
    rejects.clear();
    savedFilters.clear();
    kafka.clear();
    chains.clear();
    detailsRead = false;
    savedFiltersRead = false;
    heavy = {};
    path.clear();
    const std::string file = QFile::encodeName(databasePath).toStdString();
    auto q = core::QueryService::open(file);
    if (!q) return QString::fromStdString(q.message());
    auto r = StoreReader::open(file);
    if (!r) return QString::fromStdString(r.message());
    service = std::move(*q);
    if (publishService) publishService(service.get());
    reader = std::move(*r);
    path = databasePath;
    device = dev;
    inode = ino;
    return {};
}

// ---------------------------------------------------------------------------------------------
// SnapshotBuilder

SnapshotBuilder::SnapshotBuilder(
    SnapshotSession& session, const DashboardRequest& request, std::function<bool()> superseded)
    : m_session(session)
    , m_request(request)
    , m_superseded(std::move(superseded))
    , m_snapshot(std::make_shared<DashboardSnapshot>())
{
    m_timer.start();
    DashboardSnapshot& s = *m_snapshot;
    s.generation = request.generation;
    s.paramsGeneration = request.paramsGeneration;
    s.params = request.params;
    s.databasePath = request.databasePath;
    s.ingest = request.ingest;
    s.wallMs = QDateTime::currentMSecsSinceEpoch();
}

SnapshotBuilder::~SnapshotBuilder() = default;

SnapshotPtr SnapshotBuilder::build()
{
    if (m_request.databasePath.isEmpty()) {
        m_snapshot->noData = true;
        return m_snapshot;
    }
    if (const QString error = m_session.open(m_request.databasePath); !error.isEmpty())
        return openFailed(error);
    if (core::Status st = readStoreState(); !st) return failed(st);
    readDetails();
    // (After a source switch the controller drops them; otherwise they are the filter's error.)
    m_snapshot->missingSavedFilters = missingSavedFilters();
    if (core::Status st = resolveFilter(); !st) return failed(st);
    if (stale()) return nullptr;
    if (m_snapshot->noData) {
        emptyChartRange();
        return finish();
    }
    if (core::Status st = readTopN(); !st) return failed(st);
    if (stale()) return nullptr;

    // The rest (country counts, charts) costs more on big databases and changes slowly: when it
    // took long, it is refreshed only with the details (every ~2 s) or for new parameters.
    if (!heavyDue()) {
        reuseHeavy();
        return finish();
    }
    QElapsedTimer heavyTimer;
    heavyTimer.start();
    if (core::Status st = readCountries(); !st) return failed(st);
    if (stale()) return nullptr;
    if (core::Status st = readCharts(); !st) return failed(st);
    if (stale()) return nullptr;
    keepHeavy(elapsedMs(heavyTimer));
    return finish();
}

bool SnapshotBuilder::stale() const
{
    return m_superseded && m_superseded();
}

SnapshotPtr SnapshotBuilder::finish()
{
    m_snapshot->queryMs = elapsedMs(m_timer);
    return m_snapshot;
}

SnapshotPtr SnapshotBuilder::failed(const core::Status& status)
{
    if (stale()) return nullptr;
    m_snapshot->error = QString::fromStdString(status.message());
    m_snapshot->errorIsFilter = status.code() == core::StatusCode::BadFilter;
    return finish();
}

SnapshotPtr SnapshotBuilder::openFailed(const QString& error)
{
    // While an ingest creates the database, "does not exist"/"no schema yet" just means "no data yet".
    const IngestStatus& ingest = m_request.ingest;
    const bool exists = QFile::exists(m_request.databasePath);
    if (!ingest.active() && exists) {
        m_snapshot->error = error;
        m_snapshot->noData = true; // nothing can be read: the views say so, not "no final minute"
        return m_snapshot;
    }
    DashboardSnapshot& s = *m_snapshot;
    s.noData = true;
    // A database removed because its source held no click: what the run saw instead.
    if (ingest.databaseRemoved && !exists) {
        s.counters = ingest.progress.totals;
        s.rejects = ingest.rejects;
    }
    // A database that is not there (yet) holds no saved filter.
    if (auto filter = core::parseFilter(m_request.params.filter); filter && !exists)
        s.missingSavedFilters = filter->savedRefs();
    emptyChartRange();
    return finish();
}

std::vector<std::string> SnapshotBuilder::missingSavedFilters() const
{
    auto filter = core::parseFilter(m_request.params.filter);
    if (!filter || !m_session.savedFiltersRead) return {}; // resolveFilter() reports it
    std::vector<std::string> missing;
    for (const std::string& name : filter->savedRefs())
        if (std::none_of(m_session.savedFilters.begin(), m_session.savedFilters.end(),
                [&](const core::SavedFilterInfo& f) { return f.name == name; }))
            missing.push_back(name);
    return missing;
}

core::Status SnapshotBuilder::readStoreState()
{
    DashboardSnapshot& s = *m_snapshot;
    auto state = m_session.reader->engineState();
    if (!state) return state.status();
    s.counters = state->counters;
    s.watermarkMs = state->watermarkMs;
    s.maxEventMs = state->maxEventMs;
    if (auto dm = m_session.reader->dataMinutes()) {
        s.dataFirstMinute = dm->first;
        s.dataEndMinute = dm->second;
    }
    auto firstClick = m_session.reader->firstClickMinute();
    if (!firstClick) return firstClick.status();
    s.firstClickMinute = *firstClick;
    s.noData = s.maxEventMs == core::kNoTime;
    return core::Status::ok();
}

void SnapshotBuilder::readDetails()
{
    // Reject samples, saved filters, Kafka health (from the store when the running ingest does
    // not report it).
    SnapshotSession& session = m_session;
    const IngestStatus& ingest = m_request.ingest;
    if (m_request.withDetails || !session.detailsRead) {
        session.detailsRead = true;
        if (auto r = session.reader->rejects(kRejectRows)) session.rejects = std::move(*r);
        if (auto f = session.service->savedFilters()) {
            session.savedFilters = std::move(*f);
            session.savedFiltersRead = true;
        }
        // (readStats also counts every aggregate row: only when the ingest does not report it.)
        if (ingest.progress.kafka.empty() && session.reader->hasKafkaSources()) {
            if (auto st = core::readStats(QFile::encodeName(m_request.databasePath).toStdString(), 0))
                session.kafka = std::move(st->kafka);
        }
        if (auto chains = session.reader->clusterChains()) session.chains = std::move(*chains);
    }
    m_snapshot->rejects = session.rejects;
    m_snapshot->savedFilters = session.savedFilters;
    m_snapshot->chains = session.chains;
    m_snapshot->kafka
        = ingest.hasProgress && !ingest.progress.kafka.empty() ? ingest.progress.kafka : session.kafka;
}

core::Status SnapshotBuilder::resolveFilter()
{
    auto filter = core::parseFilter(m_request.params.filter);
    if (!filter) return filter.status();
    auto resolved = m_session.service->resolve(*filter);
    if (!resolved) return resolved.status();
    m_filter = std::move(*filter);
    m_snapshot->filterCanonical = resolved->canonical();
    return core::Status::ok();
}

core::Status SnapshotBuilder::readTopN()
{
    DashboardSnapshot& s = *m_snapshot;
    const ViewParams& p = m_request.params;
    core::QueryService& q = *m_session.service;
    std::optional<int64_t> at;
    if (p.windowEnd == WindowEnd::Explicit)
        at = p.atMs;
    else if (p.windowEnd == WindowEnd::IncludeOpen)
        at = (core::paneOf(s.maxEventMs) + 1) * core::kMinuteMs;
    const int64_t windowMs = int64_t(p.windowMinutes) * core::kMinuteMs;
    // The top rows only, with their previous counts and both totals (the shares, the change).
    auto compared = q.popularWithPrevious(std::max(p.topN, 1), p.windowMinutes, at, m_filter);
    if (!compared) return compared.status();
    const core::PopularResult& current = compared->current;
    s.atMs = current.atMs;
    if (!current.atMs) return core::Status::ok();
    s.windowTotal = compared->total;
    s.previousTotal = compared->previousTotal;
    // With the open minute, the window covers only part of its last minute so far.
    int64_t span = windowMs;
    const int64_t openStart = *current.atMs - core::kMinuteMs;
    if (p.windowEnd == WindowEnd::IncludeOpen && s.maxEventMs >= openStart && s.maxEventMs < *current.atMs)
        span = windowMs - core::kMinuteMs + std::max<int64_t>(1000, s.maxEventMs - openStart + 1);
    s.windowSpanMs = span;
    const std::size_t n = std::min<std::size_t>(current.top.size(), std::size_t(std::max(p.topN, 0)));
    s.top.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const core::AdCount& a = current.top[i];
        TopRow row { a.adId, a.clicks, compared->previous[i],
            s.windowTotal > 0 ? double(a.clicks) / double(s.windowTotal) : 0.0, int(i) + 1 };
        row.byRate = span != windowMs;
        if (row.previous > 0)
            row.change = (double(row.clicks) / double(span)) / (double(row.previous) / double(windowMs)) - 1;
        s.top.push_back(std::move(row));
    }
    return core::Status::ok();
}

bool SnapshotBuilder::heavyDue() const
{
    const SnapshotSession::Heavy& heavy = m_session.heavy;
    return !heavy.valid || heavy.paramsGeneration != m_request.paramsGeneration || m_request.withDetails
        || heavy.ms < kCheapHeavyMs;
}

void SnapshotBuilder::reuseHeavy()
{
    copyHeavyParts(m_session.heavy, *m_snapshot);
}

void SnapshotBuilder::keepHeavy(double ms)
{
    SnapshotSession::Heavy& heavy = m_session.heavy;
    heavy.valid = true;
    heavy.paramsGeneration = m_request.paramsGeneration;
    heavy.ms = ms;
    copyHeavyParts(*m_snapshot, heavy);
}

core::Status SnapshotBuilder::readCountries()
{
    DashboardSnapshot& s = *m_snapshot;
    if (!s.atMs) return core::Status::ok();
    const int64_t windowMs = int64_t(m_request.params.windowMinutes) * core::kMinuteMs;
    auto base = core::parseFilter(m_request.params.countryBaseFilter);
    auto countries
        = m_session.service->countries(*s.atMs - windowMs, *s.atMs, std::nullopt, base ? *base : m_filter);
    if (!countries) return countries.status();
    s.countries = std::move(*countries);
    return core::Status::ok();
}

std::pair<int64_t, int64_t> SnapshotBuilder::chartRange() const
{
    const DashboardSnapshot& s = *m_snapshot;
    const ViewParams& p = m_request.params;
    int64_t first = 0, end = 0;
    if (p.followRange) {
        // The last chartMinutes, but not long before the first data (a young stream fills the chart).
        end = core::paneOf(s.maxEventMs) + 1;
        first = end - std::max(1, p.chartMinutes);
        if (s.dataEndMinute > s.dataFirstMinute)
            first = std::max(first, std::min(s.dataFirstMinute, end - kMinFollowMinutes));
    } else if (p.rangeFromMs < p.rangeToMs) {
        first = core::paneOf(p.rangeFromMs);
        end = ceilMinute(p.rangeToMs);
    }
    return { std::max(first, end - kMaxChartMinutes), end };
}

void SnapshotBuilder::emptyChartRange()
{
    const ViewParams& p = m_request.params;
    DashboardSnapshot& s = *m_snapshot;
    if (!p.followRange && p.rangeFromMs < p.rangeToMs) {
        s.firstMinute = core::paneOf(p.rangeFromMs);
        s.endMinute = ceilMinute(p.rangeToMs);
    } else {
        s.endMinute = core::paneOf(s.wallMs) + 1;
        s.firstMinute = s.endMinute - std::max(1, p.chartMinutes);
    }
    s.firstMinute = std::max(s.firstMinute, s.endMinute - kMaxChartMinutes);
}

core::Result<DenseSeries> SnapshotBuilder::denseSeries(const std::string& name, std::optional<std::string> ad)
{
    const int64_t first = m_snapshot->firstMinute, end = m_snapshot->endMinute;
    auto rows
        = m_session.service->series(first * core::kMinuteMs, end * core::kMinuteMs, std::move(ad), m_filter);
    if (!rows) return rows.status();
    DenseSeries d { name, std::vector<int64_t>(static_cast<std::size_t>(end - first), 0) };
    for (const core::SeriesRow& r : rows->rows)
        if (r.minute >= first && r.minute < end)
            d.values[static_cast<std::size_t>(r.minute - first)] += r.clicks;
    return d;
}

core::Status SnapshotBuilder::readCharts()
{
    // Per-minute series of the selected ads, the total, and the health per minute.
    DashboardSnapshot& s = *m_snapshot;
    const auto [first, end] = chartRange();
    if (first >= end) return core::Status::ok();
    s.firstMinute = first;
    s.endMinute = end;
    for (const std::string& ad : m_request.params.selectedAds) {
        auto d = denseSeries(ad, ad);
        if (!d) return d.status();
        s.adSeries.push_back(std::move(*d));
        if (stale()) return core::Status::ok(); // the caller drops the snapshot
    }
    auto total = denseSeries("total", std::nullopt);
    if (!total) return total.status();
    s.total = std::move(*total);
    auto stats = m_session.reader->minuteStats(first, end);
    if (!stats) return stats.status();
    s.minuteStats = std::move(*stats);
    return core::Status::ok();
}

} // namespace adclick::ui
