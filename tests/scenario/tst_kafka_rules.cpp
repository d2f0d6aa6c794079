// Issue 14: the Kafka rules of docs/semantics.md ("Partitions") against known truth, through the
// CLI and the embedded broker (its own process). An idle partition holds the database's watermark
// back until it has been idle for --idle seconds, then stops holding it, and a message that comes
// later on it is judged by its own partition's watermark. `--late update` from Kafka adds the late
// clicks to their final panes exactly as from a file, once, also when the ingest is killed.
#include "test_support.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

using namespace testsupport;

namespace {

constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kLatenessMs = 60'000; // the default --lateness
constexpr qint64 kT0 = 1'767'225'600'000; // 2026-01-01T00:00:00Z
const char* const kAds[] = { "ad-a", "ad-b", "ad-c" };

//! One click written by the test, with the verdict the rules give it.
struct Click {
    qint64 ms = 0;
    QString ad, country, user;
    enum Verdict { Accepted, Late, Duplicate } verdict = Accepted;

    QByteArray json() const
    {
        return QStringLiteral(
            R"({"ad_id":"%1","click_timestamp":%2,"user_id":"%3","ip":"10.0.0.1","country":"%4"})")
            .arg(ad)
            .arg(ms)
            .arg(user, country)
            .toUtf8();
    }
};

//! The hand-computed truth: (minute, ad, country) → (clicks, late), and the counters.
class Truth {
public:
    void add(const Click& c)
    {
        ++m_lines;
        if (c.verdict == Click::Duplicate) {
            ++m_duplicates; // not aggregated
            return;
        }
        auto& cell = m_cells[{ c.ms / kMinuteMs, c.ad, c.country }];
        ++(c.verdict == Click::Accepted ? cell.first : cell.second);
        ++(c.verdict == Click::Accepted ? m_accepted : m_late);
    }

    //! In aggText()'s form (minute, ad, country order).
    QString aggText() const
    {
        QString s;
        for (const auto& [key, cell] : m_cells)
            s += QStringLiteral("%1,%2,%3,%4,%5\n")
                     .arg(std::get<0>(key))
                     .arg(std::get<1>(key), std::get<2>(key))
                     .arg(cell.first)
                     .arg(cell.second);
        return s;
    }

    //! In countersText()'s form (only the counters that are not 0, by name).
    QString countersText() const
    {
        QString s;
        const std::pair<const char*, qint64> rows[] = { { "accepted", m_accepted },
            { "duplicates", m_duplicates }, { "late", m_late }, { "lines", m_lines } };
        for (const auto& [name, value] : rows)
            if (value) s += QStringLiteral("%1,%2\n").arg(name).arg(value);
        return s;
    }

    //! The top `count` ads over the panes [at − window, at) as "ad:clicks" (ties: smaller ad id).
    QStringList top(qint64 atMs, int windowMinutes, int count) const
    {
        std::map<QString, qint64> sums;
        const qint64 end = atMs / kMinuteMs;
        for (const auto& [key, cell] : m_cells)
            if (std::get<0>(key) >= end - windowMinutes && std::get<0>(key) < end && cell.first > 0)
                sums[std::get<1>(key)] += cell.first;
        std::vector<std::pair<QString, qint64>> rows(sums.begin(), sums.end());
        std::stable_sort(
            rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        QStringList out;
        for (std::size_t i = 0; i < rows.size() && int(i) < count; ++i)
            out << rows[i].first + ':' + QString::number(rows[i].second);
        return out;
    }

private:
    std::map<std::tuple<qint64, QString, QString>, std::pair<qint64, qint64>> m_cells;
    qint64 m_lines = 0, m_accepted = 0, m_late = 0, m_duplicates = 0;
};

QProcessEnvironment envWith(const QString& failpoint)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("ADCLICK_FAILPOINT");
    if (!failpoint.isEmpty()) env.insert("ADCLICK_FAILPOINT", failpoint);
    return env;
}

//! Sends `clicks` to one partition with kcat (a client we did not write); true once all are acked.
bool produce(const QString& bootstrap, const QString& topic, int partition, const std::vector<Click>& clicks)
{
    QProcess kcat;
    kcat.start("kcat", { "-P", "-b", bootstrap, "-t", topic, "-p", QString::number(partition) });
    if (!kcat.waitForStarted()) return false;
    for (const Click& c : clicks)
        kcat.write(c.json() + '\n');
    kcat.closeWriteChannel();
    return kcat.waitForFinished(30'000) && kcat.exitStatus() == QProcess::NormalExit && kcat.exitCode() == 0;
}

//! The database's stored watermark (ms), -1 when there is none yet.
qint64 storedWatermark(const QString& db)
{
    const QString v = queryText(db, "SELECT value FROM meta WHERE key = 'watermark_ms'").trimmed();
    bool ok = false;
    const qint64 ms = v.toLongLong(&ok);
    return ok ? ms : -1;
}

//! `adclick popular` with its default "at" (the end of the newest final pane): "at" in ms and the
//! rows as "ad:clicks".
std::pair<qint64, QStringList> popular(const QString& db, int windowMinutes, int count)
{
    const QJsonObject o = json(runCli({ "popular", "--db", db, "--count", QString::number(count), "--window",
                                          QString::number(windowMinutes) })
                                   .out);
    const QDateTime at = QDateTime::fromString(o["at"].toString(), Qt::ISODateWithMs);
    QStringList rows;
    const QJsonArray ads = o["ad_ids"].toArray(), counts = o["counts"].toArray();
    for (qsizetype i = 0; i < ads.size(); ++i)
        rows << ads[i].toString() + ':' + QString::number(counts[i].toInteger());
    return { at.isValid() ? at.toMSecsSinceEpoch() : -1, rows };
}

//! The end of the newest pane that watermark `w` makes final.
qint64 finalEnd(qint64 w)
{
    return w / kMinuteMs * kMinuteMs;
}

} // namespace

class TestKafkaRules : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QList<QProcess*> m_brokers;
    int m_dbs = 0;

    QString startBroker(const QString& topic, int partitions)
    {
        return startBrokerProcess(this, m_dir.path(), topic, partitions, m_brokers);
    }

    QString freshDb() { return m_dir.filePath(QStringLiteral("r%1.db").arg(++m_dbs)); }

    //! The database's top-N (window 30 min, all three ads) equals the truth's at the end of the
    //! newest pane the expected watermark makes final.
    static void checkTop(const QString& db, const Truth& truth, qint64 watermark)
    {
        const auto [at, rows] = popular(db, 30, 3);
        QCOMPARE(at, finalEnd(watermark));
        QCOMPARE(rows, truth.top(finalEnd(watermark), 30, 3));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanupTestCase()
    {
        for (QProcess* p : m_brokers) {
            p->terminate();
            p->waitForFinished(10'000);
        }
    }

    void idlePartitionHoldsTheWatermarkUntilIdle();
    void lateUpdateFromKafkaEqualsFileAndTruth();
};

void TestKafkaRules::idlePartitionHoldsTheWatermarkUntilIdle()
{
    const QString bootstrap = startBroker("idle", 2);
    QVERIFY(!bootstrap.isEmpty());
    const QString uri = "kafka://" + bootstrap + "/idle";
    Truth truth;
    // Partition 0 goes on for ten minutes of event time, partition 1 stops after four; each in
    // time order, every click new: all accepted.
    std::vector<Click> busy, quiet;
    for (int m = 0; m < 10; ++m)
        for (int i = 0; i < 2 + m % 3; ++i)
            busy.push_back({ kT0 + m * kMinuteMs + 5'000 + i * 11'000, kAds[(m + i) % 3], i % 2 ? "KR" : "US",
                QStringLiteral("p0-%1-%2").arg(m).arg(i) });
    for (int m = 0; m < 4; ++m)
        for (int i = 0; i < 3; ++i)
            quiet.push_back({ kT0 + m * kMinuteMs + 10'000 + i * 15'000, kAds[(2 * m + i) % 3],
                i % 2 ? "JP" : "US", QStringLiteral("p1-%1-%2").arg(m).arg(i) });
    QVERIFY(produce(bootstrap, "idle", 0, busy));
    QVERIFY(produce(bootstrap, "idle", 1, quiet));
    for (const auto* part : { &busy, &quiet })
        for (const Click& c : *part)
            truth.add(c);
    const qint64 held = quiet.back().ms - kLatenessMs; // W_1 = T0 + 2:40

    // Before the idle time (--idle 3600): both partitions are read to their end, and the quiet
    // one holds the watermark at its own. Panes 2.. stay open although partition 0 is far on.
    const QString db = freshDb();
    Run r = runCli({ "ingest", "--db", db, "--idle", "3600", "--until-end", uri });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(storedWatermark(db), held);
    QCOMPARE(aggText(db), truth.aggText());
    QCOMPARE(countersText(db), truth.countersText());
    checkTop(db, truth, held);
    QCOMPARE(finalEnd(held), kT0 + 2 * kMinuteMs);

    // Following with --idle 1 while partition 0 goes on: once partition 1 has been idle for a
    // second, the watermark is partition 0's alone. Partition 0 gets a click every few hundred ms
    // until the stored watermark shows the advance (nothing else can move it past partition 1's).
    // Whenever partition 0 is quiet for a second too, every partition is idle and the watermark
    // stays where it is; so it ends at the last click of partition 0 however slow the machine is.
    QProcess follow;
    follow.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", db, "--idle", "1", uri });
    QVERIFY(follow.waitForStarted());
    std::vector<Click> fed;
    for (int k = 0; k < 60 && storedWatermark(db) == held; ++k) {
        fed.push_back(
            { kT0 + 10 * kMinuteMs + k * 10'000, kAds[k % 3], "DE", QStringLiteral("feed-%1").arg(k) });
        QVERIFY(produce(bootstrap, "idle", 0, { fed.back() }));
        truth.add(fed.back());
        QThread::msleep(300);
    }
    const qint64 advanced = fed.back().ms - kLatenessMs;
    QElapsedTimer t;
    t.start();
    while (storedWatermark(db) != advanced && t.elapsed() < 20'000)
        QThread::msleep(100);
    follow.terminate(); // SIGTERM: commits what was read and ends
    QVERIFY(follow.waitForFinished(20'000));
    QCOMPARE(follow.exitStatus(), QProcess::NormalExit);
    QVERIFY2(follow.exitCode() == 0, follow.readAllStandardError().constData());
    QCOMPARE(storedWatermark(db), advanced);
    QCOMPARE(aggText(db), truth.aggText()); // the panes now final: exactly the truth's counts
    QCOMPARE(countersText(db), truth.countersText());
    checkTop(db, truth, advanced);
    QVERIFY(finalEnd(advanced) >= kT0 + 9 * kMinuteMs);

    // Partition 1 resumes with older events, judged by its own watermark (T0 + 2:40), not by the
    // database's: a click of pane 3 (final for the database) is still on time and changes that
    // pane; then (W_1 = T0 + 2:50) one of pane 1 is late, and a copy of a click of minute 3 is a
    // duplicate (its key was kept, or rebuilt on restart). The database's watermark never goes back.
    std::vector<Click> resumed { { kT0 + 3 * kMinuteMs + 50'000, "ad-a", "JP", "p1-resumed" },
        { kT0 + 1 * kMinuteMs + 30'000, "ad-b", "US", "p1-late", Click::Late }, quiet.back() };
    resumed.back().verdict = Click::Duplicate;
    QVERIFY(produce(bootstrap, "idle", 1, resumed));
    for (const Click& c : resumed)
        truth.add(c);
    r = runCli({ "ingest", "--db", db, "--idle", "3600", "--until-end", uri });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(storedWatermark(db), advanced);
    QCOMPARE(aggText(db), truth.aggText());
    QCOMPARE(countersText(db), truth.countersText());
    checkTop(db, truth, advanced);
    QCOMPARE(integrity(db), QStringLiteral("ok"));
}

void TestKafkaRules::lateUpdateFromKafkaEqualsFileAndTruth()
{
    // One partition is one stream, as a file is: the generator's truth (under --late update)
    // holds for both, and the two databases must agree on every aggregate and counter.
    const QString bootstrap = startBroker("lateupd", 1);
    QVERIFY(!bootstrap.isEmpty());
    const QString log = m_dir.filePath("lateupd.jsonl");
    const Run g = runCli({ "gen", "--out", log, "--events", "6000", "--seed", "14", "--format", "jsonl",
        "--rate", "20", "--late-rate", "0.04", "--late", "update" });
    QVERIFY2(g.exitCode == 0, g.err.constData());
    QCOMPARE(QProcess::execute("kcat", { "-P", "-b", bootstrap, "-t", "lateupd", "-l", log }), 0);
    const QJsonObject truth = truthCounters(log);
    QVERIFY(truth["late_applied"].toInteger() > 50);
    const QString uri = "kafka://" + bootstrap + "/lateupd";
    const auto ingest = [&](const QString& db, const QString& failpoint = {}) {
        return runCli(
            { "ingest", "--db", db, "--late", "update", "--commit-every", "500", "--until-end", uri },
            envWith(failpoint));
    };

    const QString fileDb = freshDb();
    Run r = runCli({ "ingest", "--db", fileDb, "--late", "update", "--format", "jsonl", log });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString reference = freshDb();
    r = ingest(reference);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    for (const QString& db : { fileDb, reference }) {
        QCOMPARE(aggText(db), truthAggText(log));
        QCOMPARE(countersAsTruth(json(runCli({ "stats", "--db", db }).out)), countersAsTruth(truth));
    }
    QCOMPARE(countersText(reference), countersText(fileDb));
    QCOMPARE(queryText(reference, "SELECT * FROM minute_stats ORDER BY minute"),
        queryText(fileDb, "SELECT * FROM minute_stats ORDER BY minute"));
    // The late clicks within the horizon were added to their (final) panes: the panes hold them.
    const qint64 aggregated
        = queryText(reference, "SELECT sum(clicks) FROM agg WHERE filter_id = 0").trimmed().toLongLong();
    QCOMPARE(aggregated - truth["accepted"].toInteger(), truth["late_applied"].toInteger());

    // Killed right after a commit and inside one, then resumed: every late click is applied once.
    // (Commits also come every second without data: the after-commit kill waits for the 5th, so
    // that a slow start cannot use up every run on empty commits.)
    for (const char* fp : { "commit.after_commit:5", "commit.mid_txn:5" }) {
        const QString db = freshDb();
        int kills = 0;
        Run last;
        while ((last = ingest(db, fp)).crashed && kills < 30)
            ++kills;
        qInfo("%s: %d kills", fp, kills);
        QVERIFY2(kills > 0, fp);
        QVERIFY2(last.exitCode == 0,
            qPrintable(
                QStringLiteral("%1 after %2 kills: %3").arg(fp).arg(kills).arg(QString::fromUtf8(last.err))));
        QCOMPARE(integrity(db), QStringLiteral("ok"));
        QCOMPARE(fullState(db), fullState(reference));
    }
}

QTEST_GUILESS_MAIN(TestKafkaRules)
#include "tst_kafka_rules.moc"
