// R15: power loss. The ingest runs in this process over a disk model (power_loss_vfs.h) that
// keeps only what was synced; the power is cut at many points (the n-th write or sync of any
// file), the disk "reboots" with every unsynced write dropped, and the ingest is resumed.
// With --durable the resumed database must equal an uninterrupted run exactly. Without it the
// database must still be consistent and hold a prefix (no cell above the truth), and the resumed
// ingest must end exact or say what was lost.
#include "scenario/power_loss_vfs.h"
#include "test_support.h"

#include "core/ingest/ingest.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace testsupport;
using namespace adclick::core;

class TestPowerLoss : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_log;
    QString m_reference;
    int m_events = 0; //!< writes and syncs of an uninterrupted durable run
    int m_dbCounter = 0;

    QString freshDb() { return m_dir.filePath(QStringLiteral("run-%1.db").arg(++m_dbCounter)); }

    Status ingest(const QString& db, bool durable)
    {
        IngestOptions o;
        o.sources = { m_log.toStdString() };
        o.store.durable = durable;
        o.commitEvents = 400; // many commits, raw bytes staged ahead of them several times
        o.stageRawBytes = 12'000;
        auto in = Ingestor::open(db.toStdString(), o);
        if (!in) return in.status();
        auto r = (*in)->run();
        return r ? Status::ok() : r.status();
    }

    //! minute,ad,country → clicks and late, from aggText().
    static QMap<QString, QPair<qint64, qint64>> cells(const QString& db)
    {
        QMap<QString, QPair<qint64, qint64>> out;
        for (const QString& line : aggText(db).split('\n', Qt::SkipEmptyParts)) {
            const QStringList f = line.split(',');
            if (f.size() != 5) {
                out["<unreadable: " + line + ">"] = { INT64_MAX, 0 };
                continue;
            }
            out[f[0] + ',' + f[1] + ',' + f[2]] = { f[3].toLongLong(), f[4].toLongLong() };
        }
        return out;
    }

    //! After the reboot, before resuming: SQLite finds nothing wrong and no cell is above the
    //! uninterrupted run's (the database holds a prefix of the input).
    void checkConsistentPrefix(const QString& db)
    {
        QCOMPARE(integrity(db), QStringLiteral("ok"));
        // Nothing of the schema was synced (the file is empty or holds only SQLite's header):
        // the database is new again, which is the empty prefix.
        if (queryText(db, "SELECT count(*) FROM sqlite_master WHERE name = 'agg'").trimmed() != "1") return;
        const auto truth = cells(m_reference);
        const auto now = cells(db);
        for (auto it = now.begin(); it != now.end(); ++it) {
            const auto t = truth.value(it.key());
            QVERIFY2(it.value().first <= t.first && it.value().second <= t.second,
                qPrintable("more clicks than the input holds in " + it.key()));
        }
        const qint64 lines
            = queryText(db, "SELECT value FROM counters WHERE name = 'lines'").trimmed().toLongLong();
        QVERIFY(lines <= 8000);
    }

    //! Power cut at the n-th write or sync: true when it happened (the ingest then failed).
    bool runWithCut(PowerLossVfs& disk, const QString& db, bool durable, int n)
    {
        disk.resetCount();
        disk.onEvent = [n](PowerLossVfs::Event, const std::string&, int i) {
            return i == n ? PowerLossVfs::Action::CutPower : PowerLossVfs::Action::Proceed;
        };
        const Status st = ingest(db, durable);
        const bool cut = disk.powerIsOff();
        disk.onEvent = nullptr;
        // A cut may also come after run() succeeded, while the store closes (its final sync).
        if (!cut && !st) {
            qWarning("ingest failed without a power cut: %s", st.message().c_str());
        }
        disk.reboot();
        return cut;
    }

    QList<int> cutPoints() const
    {
        QList<int> points { 1, 2, 3, 5, 8 };
        for (int i = 1; i <= 14; ++i)
            points << std::max(9, m_events * i / 15);
        points << m_events - 1;
        return points;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_log = m_dir.filePath("clicks.csv");
        const Run g
            = runCli({ "gen", "--out", m_log, "--events", "8000", "--format", "csv", "--seed", "15" });
        QVERIFY2(g.exitCode == 0, g.err.constData());
        PowerLossVfs disk;
        m_reference = freshDb();
        const Status st = ingest(m_reference, true);
        QVERIFY2(st, st.message().c_str());
        m_events = disk.events();
        QVERIFY2(m_events > 60 && disk.syncs() > 20, "too few writes and syncs to cut anywhere interesting");
        QCOMPARE(aggText(m_reference), truthAggText(m_log));
    }

    void durableIngestResumesExactlyAfterPowerLoss()
    {
        PowerLossVfs disk;
        int cuts = 0;
        for (const int n : cutPoints()) {
            const QString db = freshDb();
            cuts += runWithCut(disk, db, true, n);
            checkConsistentPrefix(db);
            const Status st = ingest(db, true);
            QVERIFY2(st, qPrintable(QStringLiteral("cut at %1: %2").arg(n).arg(st.message().c_str())));
            QVERIFY2(fullState(db) == fullState(m_reference),
                qPrintable(QStringLiteral("cut at event %1").arg(n)));
        }
        QVERIFY(cuts >= 15);
    }

    void plainIngestStaysAConsistentPrefix()
    {
        PowerLossVfs disk;
        int exact = 0, reported = 0;
        for (const int n : cutPoints()) {
            const QString db = freshDb();
            runWithCut(disk, db, false, n);
            checkConsistentPrefix(db);
            const Status st = ingest(db, false);
            if (st) {
                QVERIFY2(fullState(db) == fullState(m_reference),
                    qPrintable(QStringLiteral("cut at event %1").arg(n)));
                ++exact;
            } else {
                // Allowed only when the loss is named: never a silent miscount.
                QVERIFY2(QString::fromStdString(st.message()).contains("raw segment"), st.message().c_str());
                ++reported;
            }
        }
        qInfo("without --durable: %d resumed exactly, %d reported lost raw events", exact, reported);
    }

    // Without --durable a finished ingest leaves unsynced raw segments behind; the database
    // file is synced only by checkpoints, which sync the raw segments first. A power cut during
    // the next run must not find the database ahead of its raw events.
    void secondRunAfterACleanFirstRun()
    {
        PowerLossVfs disk;
        const QString db = freshDb();
        const Status first = ingest(db, false);
        QVERIFY2(first, first.message().c_str());
        disk.reboot(); // power lost after the first run ended
        checkConsistentPrefix(db);
        const Status st = ingest(db, false);
        QVERIFY2(st, st.message().c_str());
        QCOMPARE(fullState(db), fullState(m_reference));
    }
};

QTEST_GUILESS_MAIN(TestPowerLoss)
#include "tst_power_loss.moc"
