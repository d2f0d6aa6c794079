// Issue 14: the crash harness at the I/O level, in the spirit of SQLite's crash tests. Every
// write and sync of the database and the raw segments is numbered (the disk model of
// power_loss_vfs.h); a forked child runs the ingest and dies (_exit, no cleanup) just before
// its n-th write or sync, for every n of a small run, leaving the files as written (a process
// crash) or, in the power-loss variant, as last synced. The ingest is then restarted to the end
// and the database must equal an uninterrupted run's: aggregates, counters, minute stats, meta,
// positions, rejects and raw events (small raw segments: the run crosses rollovers). A third variant fails
// only the n-th write or sync (an I/O error): the ingest must stop with a message and a rerun must end equal.
// No failpoint has to sit at the right place: any ordering mistake between results, positions and raw data
// shows, and the deliberately broken builds (ADCLICK_FAULT) must be caught by the same test.
//
// By default a deterministic stride keeps the run short; ADCLICK_CRASHIO_ALL=1 (nightly) stops
// at every event, ADCLICK_CRASHIO_STRIDE=k at every k-th.
#include "scenario/power_loss_vfs.h"
#include "test_support.h"

#include "core/ingest/ingest.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <sys/wait.h>
#include <unistd.h>

using namespace testsupport;
using namespace adclick::core;

namespace {
// Exit codes of the forked ingest.
constexpr int kDied = 42; //!< stopped at its n-th write or sync
constexpr int kFinished = 43; //!< ran to the end without reaching n
constexpr int kFailed = 44; //!< the ingest failed on its own

enum class Death { Crash, PowerLoss };

// The default run visits about this many points per variant (the nightly one visits all).
constexpr int kDefaultCrashPoints = 100;
constexpr int kDefaultPowerLossPoints = 32;
constexpr int kDefaultIoErrorPoints = 48;

const char* kDiffers = "the database differs from the uninterrupted run";

//! The disk model decides what survives, so the real disk's fsync is only time: use memory
//! when there is some.
QString scratchBase()
{
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    return (shm.isDir() && shm.isWritable() ? shm.filePath() : QDir::tempPath()) + "/tst_crash_io-XXXXXX";
}
} // namespace

class TestCrashIo : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir { scratchBase() };
    QString m_log;
    QString m_db;
    QString m_reference; //!< fullState() of an uninterrupted run
    int m_events = 0; //!< writes and syncs of an uninterrupted run
    int m_durableEvents = 0; //!< the same with --durable
    std::unique_ptr<PowerLossVfs> m_disk; //!< installed for the whole test: every run is counted

    Status ingest(bool durable)
    {
        IngestOptions o;
        o.sources = { m_log.toStdString() };
        o.store.durable = durable;
        o.commitEvents = 250; // a dozen commits, each a raw write, a WAL append and a position
        o.stageRawBytes = 6'000;
        o.store.segmentMaxBytes = 16 << 10; // ~60 kB of raw frames: the run crosses 3 rollovers
        auto in = Ingestor::open(m_db.toStdString(), o);
        if (!in) return in.status();
        auto r = (*in)->run();
        return r ? Status::ok() : r.status();
    }

    //! No database, no raw segments, and a disk model that knows no file.
    void freshDisk()
    {
        for (const char* suffix : { "", "-wal", "-shm", "-journal" })
            QFile::remove(m_db + suffix);
        QDir(m_db + ".raw").removeRecursively();
        m_disk->forget();
        m_disk->resetCount();
    }

    //! Runs the ingest in a child process that dies just before its n-th write or sync.
    int runUntilEvent(int n, bool durable, Death death)
    {
        const pid_t pid = ::fork();
        if (pid < 0) return -1;
        if (pid == 0) {
            m_disk->onEvent = [this, n, death](PowerLossVfs::Event, const std::string&, int i) {
                if (i == n) {
                    if (death == Death::PowerLoss) m_disk->reboot(); // unsynced writes are gone
                    ::_exit(kDied); // no destructor, no flush: the process state is abandoned
                }
                return PowerLossVfs::Action::Proceed;
            };
            ::_exit(ingest(durable) ? kFinished : kFailed);
        }
        int status = 0;
        if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
        return WEXITSTATUS(status);
    }

    //! Dies at the n-th event, restarts to the end, compares. Empty when all is well.
    QString checkDeathAt(int n, bool durable, Death death, int& died)
    {
        freshDisk();
        const int code = runUntilEvent(n, durable, death);
        if (code == kDied)
            ++died;
        else if (code != kFinished)
            return QStringLiteral("the ingest before the death failed (%1)").arg(code);
        m_disk->resetCount();
        const Status st = ingest(durable);
        if (!st) return QStringLiteral("the restarted ingest failed: %1").arg(st.message().c_str());
        if (integrity(m_db) != "ok") return QStringLiteral("integrity: %1").arg(integrity(m_db));
        if (fullState(m_db) != m_reference) return QString::fromLatin1(kDiffers);
        return {};
    }

    //! 1..total with a deterministic stride (the environment may ask for all or another stride).
    static QList<int> points(int total, int defaultPoints)
    {
        int stride = std::max(1, total / defaultPoints);
        if (qEnvironmentVariableIntValue("ADCLICK_CRASHIO_STRIDE") > 0)
            stride = qEnvironmentVariableIntValue("ADCLICK_CRASHIO_STRIDE");
        if (qEnvironmentVariableIntValue("ADCLICK_CRASHIO_ALL") > 0) stride = 1;
        QList<int> out;
        for (int n = 1; n <= total; n += stride)
            out << n;
        if (out.last() != total) out << total;
        return out;
    }

    void deathAtEveryEvent(bool durable, Death death, int total, int defaultPoints)
    {
        const QList<int> at = points(total, defaultPoints);
        int died = 0;
        for (const int n : at) {
            const QString err = checkDeathAt(n, durable, death, died);
            QVERIFY2(err.isEmpty(),
                qPrintable(QStringLiteral("death at I/O event %1 of %2: %3").arg(n).arg(total).arg(err)));
        }
        // Every point lies within the uninterrupted run, so the child must have died at each.
        QCOMPARE(died, at.size());
        qInfo("%s: died at %d of %d writes and syncs, each restart ended equal",
            death == Death::Crash ? "crash" : "power loss", died, total);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_log = m_dir.filePath("clicks.csv");
        m_db = m_dir.filePath("crash.db");
        // Slow event time (several minutes of panes), more duplicates and late events than the
        // default: a restart must rebuild the dedup keys and the late state to end equal.
        const Run g = runCli({ "gen", "--out", m_log, "--events", "3000", "--format", "csv", "--seed", "14",
            "--rate", "20", "--dup-rate", "0.05", "--late-rate", "0.02", "--users", "500" });
        QVERIFY2(g.exitCode == 0, g.err.constData());
        m_disk = std::make_unique<PowerLossVfs>();
        freshDisk();
        const Status st = ingest(false);
        QVERIFY2(st, st.message().c_str());
        m_events = m_disk->events();
        QCOMPARE(aggText(m_db), truthAggText(m_log));
        QVERIFY(queryText(m_db, "SELECT count(*) FROM segments").trimmed().toInt() >= 3);
        m_reference = fullState(m_db);
        freshDisk();
        const Status durable = ingest(true);
        QVERIFY2(durable, durable.message().c_str());
        m_durableEvents = m_disk->events();
        QCOMPARE(fullState(m_db), m_reference);
        QVERIFY2(m_events > 30 && m_durableEvents > m_events,
            "too few writes and syncs to stop anywhere interesting");
        qInfo(
            "an uninterrupted run makes %d writes and syncs (%d with --durable)", m_events, m_durableEvents);
    }

    void cleanupTestCase() { m_disk.reset(); }

    void crashAtEveryWrite() { deathAtEveryEvent(false, Death::Crash, m_events, kDefaultCrashPoints); }

    void powerLossAtEveryWrite()
    {
        deathAtEveryEvent(true, Death::PowerLoss, m_durableEvents, kDefaultPowerLossPoints);
    }

    // Only the n-th write or sync fails, as a full disk or a bad sector would: the ingest stops
    // and names the failure (or, when the failure came where nothing was lost, e.g. a checkpoint
    // SQLite retries later, it finishes), and a rerun ends equal.
    void ioErrorAtEveryWrite()
    {
        const QList<int> at = points(m_events, kDefaultIoErrorPoints);
        int failed = 0;
        for (const int n : at) {
            freshDisk();
            m_disk->onEvent = [n](PowerLossVfs::Event, const std::string&, int i) {
                return i == n ? PowerLossVfs::Action::Fail : PowerLossVfs::Action::Proceed;
            };
            const Status first = ingest(false);
            m_disk->onEvent = nullptr;
            const QString where = QStringLiteral("I/O error at event %1 of %2").arg(n).arg(m_events);
            if (!first) {
                ++failed;
                // SQLite says "disk I/O error", the raw segment writer strerror(EIO).
                const QString msg = QString::fromStdString(first.message());
                QVERIFY2(msg.contains("I/O error") || msg.contains("Input/output error"),
                    qPrintable(where + ": the error does not say it is one: " + msg));
            }
            const Status rerun = ingest(false);
            QVERIFY2(
                rerun, qPrintable(where + ": the rerun failed: " + QString::fromStdString(rerun.message())));
            QVERIFY2(fullState(m_db) == m_reference, qPrintable(where + ": " + kDiffers));
        }
        QVERIFY2(failed > at.size() / 2, "most injected I/O errors must stop the ingest");
        qInfo(
            "I/O error at %d points: %d stopped the ingest, every rerun ended equal", int(at.size()), failed);
    }

    // RELIABILITY R6: the harness must fail for the deliberately broken builds, or it proves
    // nothing. The crash variant runs in a child test process with the fault set.
    void catchesBrokenBuilds_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::newRow("offset-separate-txn") << QStringLiteral("offset-separate-txn");
        QTest::newRow("no-dedup-restore") << QStringLiteral("no-dedup-restore");
    }

    void catchesBrokenBuilds()
    {
#ifndef ADCLICK_FAILPOINTS
        QSKIP("built without ADCLICK_FAILPOINTS: no fault modes to catch");
#endif
        QFETCH(QString, fault);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ADCLICK_FAULT", fault);
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QCoreApplication::applicationFilePath(), { "crashAtEveryWrite" });
        QVERIFY(p.waitForFinished(600'000));
        const QByteArray out = p.readAll();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() != 0,
            qPrintable("the broken build passed the I/O crash harness:\n" + out));
        QVERIFY2(out.contains(kDiffers), out.constData());
        const int at = out.indexOf("death at I/O event");
        qInfo("%s caught: %s", qPrintable(fault), out.mid(at, out.indexOf(':', at) - at).constData());
    }
};

int main(int argc, char** argv)
{
    // Qt Test's watchdog (300 s, counted over the whole run in Qt 6.4) would abort the nightly
    // run that stops at every point; the test's own time is bounded by the points it visits.
    if (!qEnvironmentVariableIsSet("QTEST_FUNCTION_TIMEOUT")) qputenv("QTEST_FUNCTION_TIMEOUT", "7200000");
    QCoreApplication app(argc, argv);
    TestCrashIo test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_crash_io.moc"
