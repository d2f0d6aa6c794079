#include "ui/dashboard/ingest_worker.h"

#include "ui/dashboard/thread_priority.h"

#include "core/ingest/ingest.h"
#include "core/ingest/run_verdict.h"
#include "core/query/query.h"
#include "core/store/store_reader.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <chrono>

namespace adclick::ui {

namespace {

int64_t wallNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

//! What the window says about a notice of the run: the core's sentences and what to do here.
QString noticeText(const core::RunNotice& n)
{
    QString text = QString::fromStdString(n.text);
    if (!text.isEmpty()) text[0] = text[0].toUpper();
    if (n.kind == core::RunNotice::Kind::AllRejected)
        text += QObject::tr(" The import preview shows how its first lines are read.");
    else if (n.kind == core::RunNotice::Kind::ManyLate)
        text += QObject::tr(
            " Open the file again and choose \"Lines in any order\" to count every click in its "
            "own minute.");
    return text;
}

//! A notice the import preview explains (it shows how the first lines are read).
bool previewHelps(const core::RunNotice& n)
{
    using K = core::RunNotice::Kind;
    return n.kind == K::AllRejected || n.kind == K::Empty || n.kind == K::NoClickLines;
}

constexpr int kRejectSamples = 1000;

bool holdsClicks(const core::Counters& c)
{
    return c.accepted > 0 || c.duplicates > 0 || c.late > 0;
}

//! After a run into a database it created, before the writer lock is released: a database
//! without a click or a saved filter is removed (a source that held no clicks leaves nothing
//! behind); `rejects` gets its reject samples first, for the views. Read from the store itself.
bool removeIfEmpty(const QString& databasePath, std::vector<core::RejectedLine>& rejects)
{
    const std::string file = QFile::encodeName(databasePath).toStdString();
    {
        auto reader = core::StoreReader::open(file);
        if (!reader) return false;
        auto state = (*reader)->engineState();
        if (!state || holdsClicks(state->counters)) return false;
        auto query = core::QueryService::open(file);
        if (!query) return false;
        auto saved = (*query)->savedFilters();
        if (!saved || !saved->empty()) return false;
        if (auto r = (*reader)->rejects(kRejectSamples)) rejects = std::move(*r);
    }
    const std::lock_guard gate(databaseFilesGate());
    removeDatabaseFiles(databasePath);
    return true;
}

} // namespace

std::mutex& databaseFilesGate()
{
    static std::mutex gate;
    return gate;
}

void removeDatabaseFiles(const QString& databasePath)
{
    for (const char* suffix : { "", "-wal", "-shm", "-journal" })
        QFile::remove(databasePath + QLatin1String(suffix));
    const QFileInfo raw(databasePath + QStringLiteral(".raw"));
    if (raw.isDir() && !raw.isSymLink()) QDir(raw.filePath()).removeRecursively();
    QFile::remove(databasePath + QStringLiteral(".lock")); // last: it is the writer's lock
}

core::IngestOptions ingestOptionsFor(const SourceSpec& spec)
{
    core::IngestOptions o;
    o.sources = spec.coreSources();
    o.follow = spec.kind == SourceSpec::Kind::Follow;
    o.idleMs = spec.idleMs;
    o.latenessMs = spec.latenessMs;
    o.kafkaProperties = spec.kafkaProperties;
    o.progressIntervalMs = 100;
    o.commitIntervalMs = spec.commitIntervalMs;
    o.orderAny = spec.orderAny && spec.kind == SourceSpec::Kind::Archive;
    if (spec.kind != SourceSpec::Kind::Kafka) o.parser = spec.parser; // the import preview's choice
    return o;
}

namespace {

//! Rates over a sliding second: the previous sample and a smoothed value.
struct RateMeter {
    double lastSeconds = 0;
    int64_t lastLines = 0;
    uint64_t lastBytes = 0;

    void update(IngestStatus& s, const core::IngestProgress& p)
    {
        const double dt = p.seconds - lastSeconds;
        if (dt < 0.25 && !(lastSeconds == 0 && p.seconds > 0)) return;
        const double lines = double(p.runLines - lastLines) / dt;
        const double bytes = double(p.runBytes - lastBytes) / dt;
        const bool first = lastSeconds == 0;
        s.linesPerSecond = first ? lines : 0.5 * s.linesPerSecond + 0.5 * lines;
        s.bytesPerSecond = first ? bytes : 0.5 * s.bytesPerSecond + 0.5 * bytes;
        lastSeconds = p.seconds;
        lastLines = p.runLines;
        lastBytes = p.runBytes;
    }
};

//! A progress report: the state, and for an archive how far it is and how long it still takes.
void applyProgress(IngestStatus& s, const core::IngestProgress& p, bool stopping)
{
    s.state = stopping ? IngestStatus::State::Stopping : IngestStatus::State::Running;
    s.hasProgress = true;
    s.progress = p;
    if (s.totalBytes > 0) {
        s.fraction = std::min(0.999, double(p.runBytes) / double(s.totalBytes));
        s.etaSeconds = s.bytesPerSecond > 0
            ? double(s.totalBytes - std::min<uint64_t>(p.runBytes, s.totalBytes)) / s.bytesPerSecond
            : -1;
    }
    s.wallMs = wallNowMs();
}

//! The run's end: its totals, finished or cancelled, and what looks wrong with the input.
void applyResult(IngestStatus& s, const core::IngestResult& r, const core::IngestOptions& o, bool stopped)
{
    const auto notices = core::judgeRun(r, o, stopped);
    for (const core::RunNotice& n : notices) {
        s.notices << noticeText(n);
        s.previewHelps = s.previewHelps || previewHelps(n);
    }
    s.noticeIsError = core::hasError(notices);
    s.progress.totals = r.totals;
    s.progress.runLines = r.run.lines;
    s.progress.runBytes = r.bytes;
    s.progress.seconds = r.seconds;
    s.progress.watermarkMs = r.watermarkMs;
    s.progress.maxEventMs = r.maxEventMs;
    if (!r.kafka.empty()) s.progress.kafka = r.kafka;
    s.hasProgress = true;
    if (r.seconds > 0) s.linesPerSecond = double(r.run.lines) / r.seconds;
    if (stopped) {
        s.state = IngestStatus::State::Cancelled;
    } else {
        s.state = IngestStatus::State::Finished;
        if (s.totalBytes > 0) s.fraction = 1;
        s.etaSeconds = 0;
    }
}

} // namespace

IngestWorker::IngestWorker(QObject* parent)
    : QObject(parent)
{ }

IngestWorker::~IngestWorker()
{
    stopAndWait();
}

void IngestWorker::start(const SourceSpec& spec, const QString& databasePath)
{
    m_spec = spec;
    m_databasePath = databasePath;
    if (m_thread.joinable()) {
        // The old run ends on its own thread; the new one starts from onThreadFinished().
        m_pendingStart = true;
        m_thread.request_stop();
        return;
    }
    launch();
}

void IngestWorker::launch()
{
    m_pendingStart = false;
    const uint64_t run = ++m_run;
    {
        std::lock_guard lock(m_mutex);
        m_status = IngestStatus();
        m_status.run = run;
        m_status.state = IngestStatus::State::Opening;
        m_status.source = m_spec.displayName();
        m_status.live = m_spec.isLive();
        m_status.wallMs = wallNowMs();
    }
    emit statusChanged();
    m_thread = std::jthread([this, run, spec = m_spec, db = m_databasePath](
                                std::stop_token stop) { runThread(stop, run, spec, db); });
}

void IngestWorker::stop()
{
    m_pendingStart = false;
    if (!m_thread.joinable()) return;
    m_thread.request_stop();
    std::lock_guard lock(m_mutex);
    if (m_status.active()) m_status.state = IngestStatus::State::Stopping;
}

void IngestWorker::stopAndWait()
{
    m_pendingStart = false;
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

IngestStatus IngestWorker::status() const
{
    std::lock_guard lock(m_mutex);
    return m_status;
}

bool IngestWorker::isActive() const
{
    return m_thread.joinable();
}

void IngestWorker::publish(const IngestStatus& status, bool final)
{
    {
        std::lock_guard lock(m_mutex);
        m_status = status;
    }
    if (final) {
        QMetaObject::invokeMethod(
            this, [this, status] { onThreadFinished(status.run); }, Qt::QueuedConnection);
        return;
    }
    // Coalesce: at most one notification waits in the GUI's queue.
    if (!m_notifyQueued.exchange(true)) {
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_notifyQueued = false;
                emit statusChanged();
            },
            Qt::QueuedConnection);
    }
}

void IngestWorker::onThreadFinished(uint64_t run)
{
    if (run != m_run) return;
    if (m_thread.joinable()) m_thread.join(); // the thread has posted its last words: quick
    const IngestStatus last = status();
    emit statusChanged();
    emit finished(last);
    if (m_pendingStart) launch();
}

void IngestWorker::runThread(std::stop_token stop, uint64_t run, SourceSpec spec, QString databasePath)
{
    IngestStatus s;
    s.run = run;
    s.state = IngestStatus::State::Opening;
    s.source = spec.displayName();
    s.live = spec.isLive();
    s.wallMs = wallNowMs();

    const auto fail = [&](const std::string& message) {
        s.state = IngestStatus::State::Failed;
        s.message = QString::fromStdString(message);
        s.wallMs = wallNowMs();
        publish(s, true);
    };
    if (!spec.isValid()) return fail("no source to read");
    const QFileInfo dbInfo(databasePath);
    if (!QDir().mkpath(dbInfo.absolutePath()))
        return fail("cannot create the folder '" + dbInfo.absolutePath().toStdString() + "'");
    if (spec.kind == SourceSpec::Kind::Archive) s.totalBytes = estimateArchiveBytes(spec.paths);

    const core::IngestOptions options = ingestOptionsFor(spec);
    const bool created = !QFileInfo::exists(databasePath);
    auto ingestor = core::Ingestor::open(QFile::encodeName(databasePath).toStdString(), options);
    if (!ingestor) return fail(ingestor.message());

    RateMeter rates;
    (*ingestor)->onProgress = [&](const core::IngestProgress& p) {
        rates.update(s, p);
        applyProgress(s, p, stop.stop_requested());
        publish(s, false);
    };
    (*ingestor)->onWarning = [&](const std::string& w) {
        s.warnings.push_back(QString::fromStdString(w));
        while (s.warnings.size() > 5)
            s.warnings.pop_front();
        const QString text = QString::fromStdString(w);
        QMetaObject::invokeMethod(
            this,
            [this, run, text] {
                if (run == m_run) emit warning(text);
            },
            Qt::QueuedConnection);
        publish(s, false);
    };
    s.state = IngestStatus::State::Running;
    publish(s, false);

    auto result = (*ingestor)->run(stop);
    // A run that ended by itself (finished or failed, not stopped: a paused source resumes from
    // its database) into a database it created: removed if it holds no click.
    if (created && !stop.stop_requested()) s.databaseRemoved = removeIfEmpty(databasePath, s.rejects);
    ingestor->reset(); // releases the writer lock before anyone hears that the run ended
    s.wallMs = wallNowMs();
    if (!result) return fail(result.message());
    applyResult(s, *result, options, stop.stop_requested());
    publish(s, true);
}

} // namespace adclick::ui
