// The dashboard's engine side (no widgets): an archive read by the IngestWorker, snapshots made
// by the QueryWorker. What a snapshot shows must equal what the core's queries return and what
// the generator's truth says; filters change it; progress, cancel and errors reach the GUI side.
// Background jobs answer only while current: a newer job or a source switch drops older answers.
#include "ui_test_support.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/dashboard/ingest_worker.h"
#include "ui/dashboard/job_tracker.h"
#include "ui/dashboard/query_worker.h"
#include "ui/models/top_n_model.h"

#include "core/base/click_event.h"
#include "core/ingest/ingest.h"
#include "core/query/query.h"
#include "core/store/maintenance.h"
#include "core/store/store_reader.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QThreadPool>

#include <map>

#include <sqlite3.h>

using namespace adclick;
using namespace adclick::ui;

namespace {

std::unique_ptr<core::QueryService> openQuery(const QString& db)
{
    auto q = core::QueryService::open(db.toStdString());
    if (!q) qFatal("%s", q.message().c_str());
    return std::move(*q);
}

//! A single-file copy of the database `from` (its WAL included) at `to`, made by SQLite.
bool copyDatabase(const QString& from, const QString& to)
{
    sqlite3* db = nullptr;
    bool ok = sqlite3_open_v2(QFile::encodeName(from).constData(), &db, SQLITE_OPEN_READONLY, nullptr)
        == SQLITE_OK;
    const std::string sql = "VACUUM INTO '" + QFile::encodeName(to).toStdString() + "'";
    ok = ok && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

core::Filter filterOf(const std::string& text)
{
    auto f = core::parseFilter(text);
    if (!f) qFatal("%s", f.message().c_str());
    return *f;
}

} // namespace

class TestUiDashboard : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    uitest::Generated m_log;
    QString m_db;

    //! The snapshot's top-N, previous window and countries equal the core's queries.
    void checkAgainstQueries(const DashboardSnapshot& s, const std::string& filterText)
    {
        auto q = openQuery(m_db);
        const core::Filter f = filterOf(filterText);
        auto popular = q->popular(s.params.topN, s.params.windowMinutes, std::nullopt, f);
        QVERIFY(popular);
        QCOMPARE(s.atMs, popular->atMs);
        QVERIFY(s.atMs.has_value());
        QCOMPARE(s.top.size(), popular->top.size());
        QVERIFY(!s.top.empty());
        const int64_t at = *s.atMs, window = int64_t(s.params.windowMinutes) * core::kMinuteMs;
        auto countries = q->countries(at - window, at, std::nullopt, f);
        QVERIFY(countries);
        int64_t total = 0;
        for (const auto& c : *countries)
            total += c.clicks;
        QCOMPARE(s.windowTotal, total);
        for (std::size_t i = 0; i < s.top.size(); ++i) {
            const TopRow& r = s.top[i];
            QCOMPARE(r.adId, popular->top[i].adId);
            QCOMPARE(r.clicks, popular->top[i].clicks);
            QCOMPARE(r.rank, int(i) + 1);
            auto now = q->count(r.adId, at - window, at, f);
            auto before = q->count(r.adId, at - 2 * window, at - window, f);
            QVERIFY(now && before);
            QCOMPARE(r.clicks, *now);
            QCOMPARE(r.previous, *before);
            QCOMPARE(r.share, double(r.clicks) / double(total));
            QVERIFY(!r.byRate); // whole minutes: counts compared
            if (r.previous > 0) QCOMPARE(r.change, double(r.clicks) / double(r.previous) - 1);
        }
    }

    //! The test database, read in by the first test; made here when a test runs on its own.
    bool ensureDatabase()
    {
        if (QFile::exists(m_db)) return true;
        DashboardController c;
        c.openSource(SourceSpec::archive({ m_log.path }), m_db);
        return uitest::settle(c) != nullptr;
    }

    //! A click log `name` generated without the truth model (its counters only), which `c`
    //! starts to read into `db`.
    uitest::Generated openNewLog(DashboardController& c, const QString& name, int64_t events, double rate,
        uint64_t seed, const QString& db)
    {
        const uitest::Generated log = uitest::generate(m_dir.path(), name, events, rate, false, seed);
        c.openSource(SourceSpec::archive({ log.path }), db);
        return log;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        // ~10 minutes of event time at 200 clicks/s.
        m_log = uitest::generate(m_dir.path(), QStringLiteral("clicks.csv"), 120'000, 200);
        m_db = m_dir.filePath(QStringLiteral("clicks.db"));
    }

    void archiveShowsWhatTheQueriesReturn()
    {
        DashboardController c;
        c.setTopN(10);
        c.setWindowMinutes(2);
        QSignalSpy progress(&c, &DashboardController::ingestStatusChanged);
        c.openSource(SourceSpec::archive({ m_log.path }), m_db);
        const SnapshotPtr s = uitest::settle(c);
        QVERIFY(s);
        QVERIFY2(s->error.isEmpty(), qPrintable(s->error));
        QCOMPARE(s->ingest.state, IngestStatus::State::Finished);
        QVERIFY(progress.count() >= 2);
        QCOMPARE(s->ingest.fraction, 1.0);
        // Counters equal the generator's truth.
        QCOMPARE(s->counters.lines, m_log.truth.counter("lines"));
        QCOMPARE(s->counters.accepted, m_log.truth.counter("accepted"));
        QCOMPARE(s->counters.duplicates, m_log.truth.counter("duplicates"));
        QCOMPARE(s->counters.late, m_log.truth.counter("late"));
        QCOMPARE(s->counters.rejected, m_log.truth.counter("rejected"));
        QCOMPARE(int64_t(s->rejects.size()), std::min<int64_t>(1000, m_log.truth.counter("rejected")));
        checkAgainstQueries(*s, "");

        // The table model shows the snapshot in rank order (through its proxy).
        TopNModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(TopNModel::SortRole);
        proxy.sort(TopNModel::RankColumn);
        model.setSnapshot(s);
        QCOMPARE(proxy.rowCount(), int(s->top.size()));
        for (int r = 0; r < proxy.rowCount(); ++r) {
            QCOMPARE(proxy.index(r, TopNModel::AdColumn).data().toString().toStdString(),
                s->top[std::size_t(r)].adId);
            QCOMPARE(proxy.index(r, TopNModel::ClicksColumn).data(TopNModel::SortRole).toLongLong(),
                s->top[std::size_t(r)].clicks);
        }
    }

    void seriesEqualTheTruth()
    {
        DashboardController c;
        c.openDatabase(m_db);
        SnapshotPtr s = uitest::nextSnapshot(c);
        QVERIFY(s && s->error.isEmpty());
        QVERIFY(s->dataEndMinute > s->dataFirstMinute);
        const std::vector<std::string> ads { s->top.at(0).adId, s->top.at(3).adId };
        c.setSelectedAds(ads);
        c.setRange(s->dataFirstMinute * core::kMinuteMs, s->dataEndMinute * core::kMinuteMs);
        s = uitest::nextSnapshot(c);
        QVERIFY(s && s->error.isEmpty());
        QCOMPARE(s->firstMinute, s->dataFirstMinute);
        QCOMPARE(s->adSeries.size(), std::size_t(2));
        // The truth, summed over countries: (minute, ad) → clicks, and minute → clicks.
        std::map<std::pair<int64_t, std::string>, int64_t> perAd;
        std::map<int64_t, int64_t> perMinute;
        for (const auto& [key, cell] : m_log.truth.panes) {
            const auto& [minute, ad, country] = key;
            perAd[{ minute, ad }] += cell.first;
            perMinute[minute] += cell.first;
        }
        for (const DenseSeries& d : s->adSeries) {
            QCOMPARE(int64_t(d.values.size()), s->endMinute - s->firstMinute);
            for (std::size_t i = 0; i < d.values.size(); ++i) {
                const int64_t minute = s->firstMinute + int64_t(i);
                const auto it = perAd.find({ minute, d.name });
                QCOMPARE(d.values[i], it == perAd.end() ? 0 : it->second);
            }
        }
        for (std::size_t i = 0; i < s->total.values.size(); ++i)
            QCOMPARE(s->total.values[i], perMinute[s->firstMinute + int64_t(i)]);
        // Late and duplicates per minute: every late event of the truth is in some minute.
        int64_t late = 0, dups = 0;
        for (const MinuteStat& m : s->minuteStats) {
            late += m.late;
            dups += m.duplicates;
        }
        QCOMPARE(dups, m_log.truth.counter("duplicates"));
        QVERIFY(late > 0);
    }

    void filtersChangeWhatIsShown()
    {
        DashboardController c;
        c.setWindowMinutes(3);
        c.openDatabase(m_db);
        const SnapshotPtr all = uitest::nextSnapshot(c);
        QVERIFY(all && all->error.isEmpty());

        FilterState f;
        f.countries = { "KR", "JP" };
        c.setFilter(f);
        SnapshotPtr s = uitest::nextSnapshot(c);
        QVERIFY(s && s->error.isEmpty());
        QCOMPARE(s->filterCanonical, std::string("country in (JP,KR)"));
        QVERIFY(s->windowTotal < all->windowTotal);
        checkAgainstQueries(*s, "country in (JP,KR)");
        // Country counts ignore the country condition: the checklist still shows every country.
        QCOMPARE(s->countries, all->countries);

        f = FilterState();
        f.ip = "10.0.0.0/8";
        c.setFilter(f);
        s = uitest::nextSnapshot(c);
        QVERIFY(s && s->error.isEmpty());
        checkAgainstQueries(*s, "ip=10.0.0.0/8");

        // A saved filter is applied by name and answered from its own aggregates.
        auto saved = core::saveFilter(m_db.toStdString(), "asia", "country in (KR,JP)");
        QVERIFY2(saved, saved.message().c_str());
        f = FilterState();
        f.saved = QStringLiteral("asia");
        c.setFilter(f);
        s = uitest::nextSnapshot(c);
        QVERIFY(s && s->error.isEmpty());
        QCOMPARE(s->filterCanonical, std::string("country in (JP,KR)"));
        checkAgainstQueries(*s, "@asia");
        QCOMPARE(s->savedFilters.size(), std::size_t(1));

        // A bad filter is an error in the snapshot, not a crash.
        f = FilterState();
        f.saved = QStringLiteral("nosuch");
        c.setFilter(f);
        s = uitest::nextSnapshot(c);
        QVERIFY(s);
        // Said once, with its prefix once, and marked as the filter's error (shown at the filter).
        QCOMPARE(s->error, QStringLiteral("filter: there is no saved filter named 'nosuch'"));
        QVERIFY(s->errorIsFilter);
        QVERIFY(core::dropFilter(m_db.toStdString(), "asia"));
    }

    void staleSnapshotsAreDropped()
    {
        DashboardController c;
        c.openDatabase(m_db);
        QVERIFY(uitest::nextSnapshot(c));
        std::vector<uint64_t> applied;
        connect(&c, &DashboardController::snapshotChanged, this, [&](const SnapshotPtr& s) {
            QCOMPARE(s->paramsGeneration, c.paramsGeneration()); // never one made for older parameters
            applied.push_back(s->paramsGeneration);
        });
        for (int n = 1; n <= 30; ++n) {
            c.setTopN(n);
            QTest::qWait(n % 5 == 0 ? 30 : 0);
        }
        const SnapshotPtr s = uitest::nextSnapshot(c);
        QVERIFY(s);
        QCOMPARE(s->params.topN, 30);
        QCOMPARE(int(s->top.size()), 30);
        QVERIFY(std::is_sorted(applied.begin(), applied.end()));
    }

    void progressAndCancel()
    {
        // Big enough to be read for a while; the truth model is not needed, only its counters.
        const QString db = m_dir.filePath(QStringLiteral("big.db"));
        DashboardController c;
        const uitest::Generated big = openNewLog(c, QStringLiteral("big.csv"), 1'500'000, 5000, 7, db);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const IngestStatus st = c.ingestStatus();
                return st.state == IngestStatus::State::Running && st.fraction > 0;
            },
            30'000));
        const IngestStatus running = c.ingestStatus();
        QVERIFY(running.totalBytes > 0);
        QVERIFY(running.linesPerSecond > 0);
        QSignalSpy finished(&c, &DashboardController::ingestFinished);
        c.stopSource();
        QVERIFY(finished.wait(30'000));
        const auto st = finished.front().front().value<IngestStatus>();
        QCOMPARE(st.state, IngestStatus::State::Cancelled);
        SnapshotPtr s = uitest::settle(c);
        QVERIFY(s);
        const core::Counters& k = s->counters;
        QCOMPARE(k.lines, k.accepted + k.duplicates + k.late + k.rejected);
        QVERIFY(k.lines > 0);
        QVERIFY(k.lines < big.truth.counter("lines"));

        // Opening it again continues exactly where it stopped.
        c.openSource(SourceSpec::archive({ big.path }), db);
        s = uitest::settle(c);
        QVERIFY(s);
        QCOMPARE(s->ingest.state, IngestStatus::State::Finished);
        QCOMPARE(s->counters.lines, big.truth.counter("lines"));
        QCOMPARE(s->counters.accepted, big.truth.counter("accepted"));
        QCOMPARE(s->counters.duplicates, big.truth.counter("duplicates"));
        QCOMPARE(s->counters.late, big.truth.counter("late"));
        QFile::remove(big.path);
    }

    void followsAGrowingFile()
    {
        core::GenOptions o;
        o.events = 20'000;
        o.rate = 500;
        std::string text;
        auto report = core::generateClicksToString(o, text);
        QVERIFY(report);
        const QString path = m_dir.filePath(QStringLiteral("growing.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const std::size_t half = text.find('\n', text.size() / 2) + 1;
        f.write(text.data(), qint64(half));
        f.flush();
        DashboardController c;
        SourceSpec spec = SourceSpec::follow(path);
        spec.commitIntervalMs = 200;
        spec.idleMs = 1000;
        c.openSource(spec, m_dir.filePath(QStringLiteral("growing.db")));
        QCOMPARE(c.params().windowEnd, WindowEnd::IncludeOpen);
        QVERIFY(QTest::qWaitFor(
            [&] {
                const SnapshotPtr s = c.snapshot();
                return s && s->counters.lines > 0 && !s->top.empty();
            },
            20'000));
        const int64_t first = c.snapshot()->counters.lines;
        QVERIFY(first < report->truth.counter("lines"));
        f.write(text.data() + half, qint64(text.size() - half));
        f.close();
        // Everything arrives while the file is followed (the last line ends with a newline).
        QVERIFY(QTest::qWaitFor(
            [&] {
                const SnapshotPtr s = c.snapshot();
                return s && s->counters.lines == report->truth.counter("lines");
            },
            20'000));
        QVERIFY(c.ingestActive());
        QCOMPARE(c.snapshot()->counters.duplicates, report->truth.counter("duplicates"));
        c.stopSource();
        QVERIFY(QTest::qWaitFor([&] { return !c.ingestActive(); }, 10'000));
        // The end is announced with the snapshot taken after it.
        QTRY_COMPARE(c.ingestStatus().state, IngestStatus::State::Cancelled);
    }

    void jobsAnswerOnlyWhileCurrent()
    {
        QThreadPool pool;
        pool.setMaxThreadCount(2);
        JobTracker tracker(&pool);
        QSignalSpy dropped(&tracker, &JobTracker::resultDropped);
        QList<int> applied;
        const auto apply = [&](int v) { applied << v; };
        // A slow job made stale by a newer one: the newer one's result shows, the slow one's
        // (arriving later) is dropped.
        QSemaphore slow;
        const uint64_t first = tracker.start(
            [&slow] {
                slow.acquire();
                return 1;
            },
            apply);
        tracker.start([] { return 2; }, apply);
        QTRY_COMPARE(applied, QList<int>({ 2 }));
        QVERIFY(!tracker.isRunning());
        slow.release();
        QVERIFY(dropped.wait(10'000));
        QCOMPARE(dropped.front().front().toULongLong(), first);
        QCOMPARE(applied, QList<int>({ 2 }));
        // reset() (a source switch) makes the running job stale as well.
        tracker.start([] { return 3; }, apply);
        QVERIFY(tracker.isRunning());
        tracker.reset();
        QVERIFY(!tracker.isRunning());
        QTRY_COMPARE(tracker.droppedResults(), 2);
        QCOMPARE(applied, QList<int>({ 2 }));
        pool.waitForDone();
    }

    void unusualEventsAreTheCurrentSources()
    {
        // B: another database, with other events.
        const QString dbB = m_dir.filePath(QStringLiteral("other.db"));
        DashboardController c;
        openNewLog(c, QStringLiteral("other.csv"), 30'000, 200, 9, dbB);
        QVERIFY(uitest::settle(c));

        QSignalSpy loaded(&c, &DashboardController::unusualEventsLoaded);
        QVERIFY(ensureDatabase());
        c.openDatabase(m_db);
        QVERIFY(uitest::nextSnapshot(c));
        QVERIFY(c.loadUnusualEvents());
        c.openDatabase(dbB); // A's answer can only arrive after this
        QVERIFY(!c.loadUnusualEvents()); // no snapshot of B yet: nothing to read, surely not A's range
        QTRY_COMPARE(c.droppedJobResults(), 1);
        QCOMPARE(loaded.count(), 0);

        const SnapshotPtr s = uitest::nextSnapshot(c);
        QVERIFY(s && s->endMinute > s->firstMinute);
        QVERIFY(c.loadUnusualEvents());
        QVERIFY(loaded.wait(10'000));
        const auto r = loaded.front().front().value<UnusualEventsResult>();
        QCOMPARE(r.databasePath, dbB);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        auto reader = core::StoreReader::open(dbB.toStdString());
        QVERIFY(reader);
        auto events = (*reader)->unusualEvents(
            s->firstMinute * core::kMinuteMs, s->endMinute * core::kMinuteMs, 1000);
        QVERIFY(events);
        QVERIFY(!events->empty());
        QCOMPARE(r.events.size(), events->size());
        for (std::size_t i = 0; i < r.events.size(); ++i)
            QCOMPARE(r.events[i].clickId, (*events)[i].clickId);
    }

    void savedFilterActionsRunAsJobs()
    {
        DashboardController c;
        QSignalSpy actions(&c, &DashboardController::filterActionFinished);
        QVERIFY(!c.saveFilter(QStringLiteral("us"), QStringLiteral("country=US"))); // no database
        QVERIFY(ensureDatabase());
        c.openDatabase(m_db);
        QVERIFY(uitest::nextSnapshot(c));
        QVERIFY(c.saveFilter(QStringLiteral("us"), QStringLiteral("country=US")));
        QVERIFY(actions.wait(30'000));
        auto o = actions.takeFirst().front().value<FilterActionOutcome>();
        QVERIFY2(o.ok(), qPrintable(o.error));
        QCOMPARE(o.action, FilterActionOutcome::Action::Save);
        QVERIFY(o.backfilled); // no ingest runs: back-filled at once
        // The controller asked for a snapshot with the saved filters read again.
        QTRY_COMPARE(c.snapshot()->savedFilters.size(), std::size_t(1));
        QCOMPARE(c.snapshot()->savedFilters.front().name, std::string("us"));
        // A bad expression is the outcome's error.
        QVERIFY(c.saveFilter(QStringLiteral("bad"), QStringLiteral("country=")));
        QVERIFY(actions.wait(30'000));
        QVERIFY(!actions.takeFirst().front().value<FilterActionOutcome>().ok());
        QVERIFY(c.dropFilter(QStringLiteral("us")));
        QVERIFY(actions.wait(30'000));
        o = actions.takeFirst().front().value<FilterActionOutcome>();
        QVERIFY2(o.ok(), qPrintable(o.error));
        QCOMPARE(o.action, FilterActionOutcome::Action::Drop);
        QTRY_VERIFY(c.snapshot()->savedFilters.empty());
    }

    //! A database file replaced under the query worker (same path, new file) is opened again
    //! inside a snapshot; stopping the worker afterwards must not reach the service that reopening
    //! destroyed (it once interrupted it on the way out: a use after free, a CI segfault).
    void workerStopsCleanlyAfterTheDatabaseWasReplaced()
    {
        QVERIFY(ensureDatabase());
        const QString db = m_dir.filePath(QStringLiteral("replaced.db"));
        QFile::remove(db);
        QVERIFY(copyDatabase(m_db, db));
        QVERIFY(QFile::link(m_db + QStringLiteral(".raw"), db + QStringLiteral(".raw"))
            || QFileInfo::exists(db + QStringLiteral(".raw")));
        for (int round = 0; round < 10; ++round) {
            auto worker = std::make_unique<QueryWorker>();
            QSignalSpy ready(worker.get(), &QueryWorker::snapshotReady);
            DashboardRequest request;
            request.generation = request.paramsGeneration = 1;
            request.databasePath = db;
            worker->submit(request);
            QVERIFY(ready.wait(20'000));
            // A new file at the same path: the worker must notice and read through it.
            const QString fresh = db + QStringLiteral(".new");
            QFile::remove(fresh);
            QVERIFY(copyDatabase(m_db, fresh));
            QVERIFY(::rename(QFile::encodeName(fresh).constData(), QFile::encodeName(db).constData()) == 0);
            request.generation = 2;
            worker->submit(request);
            QVERIFY(ready.wait(20'000));
            const SnapshotPtr s = ready.last().front().value<SnapshotPtr>();
            QVERIFY2(s->error.isEmpty(), qPrintable(s->error));
            QCOMPARE(s->counters.lines, m_log.truth.counter("lines"));
            worker.reset(); // joins the thread after interrupting the current service
        }
    }

    void errorsAreMessages()
    {
        DashboardController c;
        QSignalSpy finished(&c, &DashboardController::ingestFinished);

        // An unreadable file.
        c.openSource(SourceSpec::archive({ m_dir.filePath(QStringLiteral("missing.log")) }),
            m_dir.filePath(QStringLiteral("e1.db")));
        QVERIFY(finished.wait(30'000));
        IngestStatus st = finished.takeFirst().front().value<IngestStatus>();
        QCOMPARE(st.state, IngestStatus::State::Failed);
        QVERIFY2(st.message.contains(QStringLiteral("missing.log")), qPrintable(st.message));

        // A file that is not a database.
        const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.db"));
        QFile f(corrupt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        c.openSource(SourceSpec::archive({ m_log.path }), corrupt);
        QVERIFY(finished.wait(30'000));
        st = finished.takeFirst().front().value<IngestStatus>();
        QCOMPARE(st.state, IngestStatus::State::Failed);
        QVERIFY(!st.message.isEmpty());
        c.openDatabase(corrupt);
        SnapshotPtr s = uitest::nextSnapshot(c);
        QVERIFY(s);
        QVERIFY2(s->error.contains(QStringLiteral("not an AdClick database")), qPrintable(s->error));

        // A second writer on a database an ingest holds.
        core::IngestOptions o;
        auto holder = core::Ingestor::open(m_db.toStdString(), o);
        QVERIFY2(holder, holder.message().c_str());
        c.openSource(SourceSpec::archive({ m_log.path }), m_db);
        QVERIFY(finished.wait(30'000));
        st = finished.takeFirst().front().value<IngestStatus>();
        QCOMPARE(st.state, IngestStatus::State::Failed);
        QVERIFY2(st.message.contains(QStringLiteral("lock"), Qt::CaseInsensitive)
                || st.message.contains(QStringLiteral("another"), Qt::CaseInsensitive),
            qPrintable(st.message));
        holder->reset();
        // The database is untouched: still the full counts.
        s = uitest::nextSnapshot(c);
        QVERIFY(s);
        QCOMPARE(s->counters.lines, m_log.truth.counter("lines"));

        // A Kafka broker nobody listens on.
        SourceSpec k = SourceSpec::kafka(QStringLiteral("kafka://127.0.0.1:1/clicks"));
        c.openSource(k, m_dir.filePath(QStringLiteral("k.db")));
        QVERIFY(finished.wait(60'000));
        st = finished.takeFirst().front().value<IngestStatus>();
        QCOMPARE(st.state, IngestStatus::State::Failed);
        QVERIFY(!st.message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestUiDashboard)
#include "tst_ui_dashboard.moc"
