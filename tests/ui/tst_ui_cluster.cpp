// The window on a cluster store (docs/SCALING.md): a worker (`adclick aggregate`) counts an
// 8-partition click topic into an aggregate topic, and the window opens
// `kafka://…/agg?kind=aggregates`. Its counters, aggregates and top-N must equal a one-process
// ingest of the click topic (and the generator's truth); its health panel shows the store's lag
// on the aggregate topic per partition and, per input partition, the offset its units were
// applied up to and its newest event — both equal to what the one-process ingest read; with the
// source paused the lag keeps growing under new units, their event-time lag unknown ("?"); with
// the brokers down the lag is unknown ("?", "lag unknown"), never 0; an ip= filter is refused
// with the cluster-store message instead of an empty (0) answer. Brokers and worker run in their
// own processes.
#include "test_support.h"
#include "ui_test_support.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/models/cluster_chain_model.h"
#include "ui/models/partition_lag_model.h"
#include "ui/widgets/health_panel.h"
#include "ui/widgets/main_window.h"

#include "core/query/query.h"

#include <QApplication>
#include <QTemporaryDir>

using namespace adclick;
using namespace adclick::ui;
using testsupport::ControlledBroker;

namespace {

constexpr int kPartitions = 8;
constexpr int kEvents = 16000;

//! Column `column` of every row of `model`, in row order.
QStringList columnCells(const QAbstractItemModel* model, int column)
{
    QStringList cells;
    for (int r = 0; r < model->rowCount(); ++r)
        cells << model->index(r, column).data().toString();
    return cells;
}

//! `key → value` of a query's two-column rows ("a,b" lines).
QMap<QString, QString> pairs(const QString& rows)
{
    QMap<QString, QString> out;
    for (const QString& line : rows.split('\n', Qt::SkipEmptyParts))
        out.insert(line.section(',', 0, 0), line.section(',', 1));
    return out;
}

} // namespace

class TestUiCluster : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    ControlledBroker m_broker;
    QProcess m_worker;
    QString m_boot, m_log, m_reference;

    QString uri(const QString& topic) const { return "kafka://" + m_boot + "/" + topic; }

    //! The one-process ingest's position and newest event per click partition ("P" → value).
    QMap<QString, QString> referencePartitions(const char* column) const
    {
        const QString sql
            = QStringLiteral("SELECT substr(uri, %1), %2 FROM sources WHERE uri LIKE 'kafka:clicks/%'")
                  .arg(QString::number(QStringLiteral("kafka:clicks/").size() + 1), column);
        return pairs(testsupport::queryText(m_reference, sql.toUtf8().constData()));
    }

    //! The snapshot's top-N equals the one-process ingest's for the same window.
    void checkTopN(const DashboardSnapshot& s)
    {
        auto q = core::QueryService::open(m_reference.toStdString());
        QVERIFY(q);
        // A live source's window reaches the newest event's minute (open panes included).
        QCOMPARE(s.params.windowEnd, WindowEnd::IncludeOpen);
        const int64_t newest
            = testsupport::queryText(m_reference, "SELECT value FROM meta WHERE key = 'max_event_ms'")
                  .trimmed()
                  .toLongLong();
        const int64_t at = (newest / core::kMinuteMs + 1) * core::kMinuteMs;
        QCOMPARE(s.atMs, std::optional<int64_t>(at));
        auto popular = (*q)->popular(s.params.topN, s.params.windowMinutes, at, core::Filter());
        QVERIFY(popular);
        QVERIFY(!s.top.empty());
        QCOMPARE(s.top.size(), popular->top.size());
        for (std::size_t i = 0; i < s.top.size(); ++i) {
            QCOMPARE(s.top[i].adId, popular->top[i].adId);
            QCOMPARE(s.top[i].clicks, popular->top[i].clicks);
        }
    }

    //! Per input partition: the applied offset and newest event equal the one-process ingest's
    //! position and newest event there (the worker published the whole partition).
    void checkChains(const DashboardSnapshot& s, const ClusterChainModel& model)
    {
        const QMap<QString, QString> offsets = referencePartitions("offset");
        const QMap<QString, QString> newest = referencePartitions("max_ms");
        QCOMPARE(offsets.size(), kPartitions);
        QCOMPARE(int(s.chains.size()), kPartitions);
        for (const core::ClusterChain& c : s.chains) {
            QCOMPARE(QString::fromStdString(c.topic), QStringLiteral("clicks"));
            QCOMPARE(QString::number(c.appliedTo), offsets.value(QString::number(c.partition)));
            QCOMPARE(QString::number(c.maxEventMs), newest.value(QString::number(c.partition)));
        }
        QCOMPARE(model.rowCount(), kPartitions);
        QVERIFY(!columnCells(&model, ClusterChainModel::NewestEventColumn).contains(QStringLiteral("—")));
    }

    //! Paused, the window keeps probing the aggregate topic: units the worker publishes meanwhile
    //! are a known lag (> 0), and how far behind that is in event time is unknown ("?", never the
    //! last stored "0 ms": aggregate partitions have no event time of their own). Resumed, the
    //! store reads them and again equals a one-process ingest of the whole click topic.
    void checkPausedSource(MainWindow& w, const QString& db)
    {
        DashboardController* c = w.controller();
        const PartitionLagModel* lag = w.healthPanel()->partitionModel();
        c->setSourcePaused(true);
        QVERIFY(QTest::qWaitFor([&] { return !c->ingestActive(); }, 30'000));
        const QString more = m_dir.filePath("more.jsonl");
        const testsupport::Run g = testsupport::runCli({ "gen", "--out", more, "--events", "4000", "--format",
            "jsonl", "--seed", "22", "--rate", "100", "--start", "2021-01-01T00:03:00Z" });
        QVERIFY2(g.exitCode == 0, g.err.constData());
        const testsupport::Run p
            = testsupport::runCli({ "produce", "--brokers", m_boot, "--topic", "clicks", more });
        QVERIFY2(p.exitCode == 0, p.err.constData());
        const auto behind = [&] {
            QStringList times;
            for (int r = 0; r < lag->rowCount(); ++r)
                if (lag->index(r, PartitionLagModel::LagColumn).data(PartitionLagModel::SortRole).toLongLong()
                    > 0)
                    times << lag->index(r, PartitionLagModel::LagTimeColumn).data().toString();
            return times;
        };
        const bool grew = QTest::qWaitFor(
            [&] { return !behind().isEmpty() && behind() == QStringList(behind().size(), "?"); }, 60'000);
        QVERIFY2(grew,
            qPrintable(columnCells(lag, PartitionLagModel::LagColumn).join(' ') + " | "
                + columnCells(lag, PartitionLagModel::LagTimeColumn).join(' ')));
        QCOMPARE(w.healthPanel()->figure(QStringLiteral("state")), QStringLiteral("paused"));

        c->setSourcePaused(false);
        const int64_t lines = kEvents + testsupport::truthCounters(more)["lines"].toInteger();
        QVERIFY(QTest::qWaitFor(
            [&] {
                const SnapshotPtr s = c->snapshot();
                return s && s->counters.lines == lines;
            },
            60'000));
        const testsupport::Run r
            = testsupport::runCli({ "ingest", "--db", m_reference, "--until-end", uri("clicks") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(testsupport::aggText(db), testsupport::aggText(m_reference));
        QCOMPARE(testsupport::countersText(db), testsupport::countersText(m_reference));
    }

    //! `adclick stats` on the live store: the aggregate topic's lag per partition, known, and the
    //! chains as the window shows them.
    void checkStats(const QString& db, const DashboardSnapshot& s)
    {
        const testsupport::Run r = testsupport::runCli({ "stats", "--db", db, "--samples", "0" });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = testsupport::json(r.out);
        const QJsonArray kafka = o["kafka"].toArray();
        QCOMPARE(kafka.size(), 1);
        QCOMPARE(kafka[0].toObject()["topic"].toString(), QStringLiteral("agg"));
        const QJsonArray parts = kafka[0].toObject()["partitions"].toArray();
        QCOMPARE(parts.size(), kPartitions);
        for (const QJsonValue& p : parts)
            QVERIFY2(p.toObject()["lag_messages"].isDouble(), r.out.constData()); // known (as of a commit)
        const QJsonArray chains = o["cluster_chains"].toArray();
        QCOMPARE(chains.size(), kPartitions);
        for (int i = 0; i < chains.size(); ++i) {
            const QJsonObject c = chains[i].toObject();
            QCOMPARE(c["partition"].toInt(), s.chains[std::size_t(i)].partition);
            QCOMPARE(c["applied_to"].toInteger(), s.chains[std::size_t(i)].appliedTo);
            QVERIFY(c["max_event_time"].isString());
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        QApplication::setOrganizationName(QStringLiteral("AdClickTest"));
        QApplication::setApplicationName(QStringLiteral("tst_ui_cluster"));
        m_boot = m_broker.start(m_dir.path(), QStringLiteral("clicks"), kPartitions, 3, { "agg" });
        QVERIFY(!m_boot.isEmpty());
        // Several minutes of event time, with duplicates, late clicks and malformed lines.
        m_log = m_dir.filePath("clicks.jsonl");
        const testsupport::Run g = testsupport::runCli({ "gen", "--out", m_log, "--events",
            QString::number(kEvents), "--format", "jsonl", "--seed", "21", "--rate", "100" });
        QVERIFY2(g.exitCode == 0, g.err.constData());
        const testsupport::Run p
            = testsupport::runCli({ "produce", "--brokers", m_boot, "--topic", "clicks", m_log });
        QVERIFY2(p.exitCode == 0, p.err.constData());
        m_reference = m_dir.filePath("reference.db");
        const testsupport::Run r
            = testsupport::runCli({ "ingest", "--db", m_reference, "--until-end", uri("clicks") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(testsupport::aggText(m_reference), testsupport::truthAggText(m_log));
        m_worker.setStandardErrorFile(m_dir.filePath("worker.err"));
        m_worker.start(QStringLiteral(ADCLICK_CLI),
            { "aggregate", uri("clicks"), "--to", uri("agg"), "--group", "g", "--unit-events", "500" });
        QVERIFY(m_worker.waitForStarted());
    }

    void cleanupTestCase()
    {
        // Its brokers may be down: a worker that does not stop soon is killed.
        m_worker.terminate();
        if (!m_worker.waitForFinished(10'000)) m_worker.kill();
        m_worker.waitForFinished(5000);
    }

    void windowShowsTheClusterStore()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        DashboardController* c = w.controller();
        const QString db = m_dir.filePath("store.db");
        c->openSource(SourceSpec::kafka(uri("agg") + "?kind=aggregates"), db);
        const int64_t lines = testsupport::truthCounters(m_log)["lines"].toInteger();
        QVERIFY(lines == kEvents);
        // The worker joins its group (the mock waits ~3 s), counts and publishes; the window's
        // ingest applies the units. Generous: a loaded 2-core machine.
        const bool complete = QTest::qWaitFor(
            [&] {
                const SnapshotPtr s = c->snapshot();
                return s && s->counters.lines == lines && int(s->chains.size()) == kPartitions;
            },
            90'000);
        const QString workerLog = [&] {
            QFile f(m_dir.filePath("worker.err"));
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        }();
        QVERIFY2(complete, qPrintable(w.bannerText() + " | worker: " + workerLog));
        QVERIFY(c->ingestActive()); // a live source: it keeps reading
        // Equal to the one-process ingest and to the truth (the committed database).
        QCOMPARE(testsupport::aggText(db), testsupport::aggText(m_reference));
        QCOMPARE(testsupport::countersText(db), testsupport::countersText(m_reference));
        QCOMPARE(testsupport::aggText(db), testsupport::truthAggText(m_log));

        const SnapshotPtr s = uitest::nextSnapshot(*c);
        QVERIFY(s && s->error.isEmpty());
        checkTopN(*s);
        HealthPanel* health = w.healthPanel();
        checkChains(*s, *health->chainModel());
        QVERIFY2(health->figure(QStringLiteral("cluster")).startsWith(QStringLiteral("8 input partitions")),
            qPrintable(health->figure(QStringLiteral("cluster"))));

        // The aggregate topic: every partition read to its end, a known lag of 0 (the truth: the
        // store read every unit), shown per partition.
        const PartitionLagModel* lag = health->partitionModel();
        const bool caughtUp = QTest::qWaitFor(
            [&] {
                return lag->rowCount() == kPartitions
                    && columnCells(lag, PartitionLagModel::LagColumn) == QStringList(kPartitions, "0")
                    && health->figure(QStringLiteral("broker"))
                           .startsWith(QStringLiteral("connected · lag 0 msgs"));
            },
            30'000);
        QVERIFY2(caughtUp,
            qPrintable(health->figure(QStringLiteral("broker")) + " | "
                + columnCells(lag, PartitionLagModel::LagColumn).join(' ')));
        QCOMPARE(columnCells(lag, PartitionLagModel::PositionColumn),
            columnCells(lag, PartitionLagModel::HighWatermarkColumn));
        QVERIFY(health->figure(QStringLiteral("kafkaSource")).startsWith(QStringLiteral("agg")));
        checkStats(db, *s);

        // ip= needs raw events, which a cluster store does not hold: refused, never 0.
        FilterState f;
        f.ip = QStringLiteral("10.0.0.0/8");
        c->setFilter(f);
        const SnapshotPtr filtered = uitest::nextSnapshot(*c);
        QVERIFY(filtered);
        QVERIFY2(filtered->error.contains(QStringLiteral("cluster store")), qPrintable(filtered->error));
        QVERIFY(filtered->top.empty());
        QTRY_VERIFY_WITH_TIMEOUT(w.bannerText().contains(QStringLiteral("cluster store")), 10'000);
        c->setFilter(FilterState());
        QVERIFY(uitest::nextSnapshot(*c));
        checkPausedSource(w, db);

        // Every broker down: the lag is unknown, in the figure and in every partition's cells —
        // never the last known 0. The chains stay (they are what the database holds).
        for (const char* b : { "down 1", "down 2", "down 3" })
            QCOMPARE(m_broker.command(QString::fromLatin1(b)), QStringLiteral("ok"));
        const bool unknown = QTest::qWaitFor(
            [&] {
                return health->figure(QStringLiteral("broker")).contains(QStringLiteral("lag unknown"))
                    && columnCells(lag, PartitionLagModel::LagColumn) == QStringList(kPartitions, "?")
                    && columnCells(lag, PartitionLagModel::LagTimeColumn) == QStringList(kPartitions, "?");
            },
            40'000);
        QVERIFY2(unknown,
            qPrintable(health->figure(QStringLiteral("broker")) + " | "
                + columnCells(lag, PartitionLagModel::LagColumn).join(' ')));
        QVERIFY(!health->figure(QStringLiteral("broker")).contains(QStringLiteral("lag 0")));
        QCOMPARE(health->chainModel()->rowCount(), kPartitions);
        c->stopSource();
        QVERIFY(QTest::qWaitFor([&] { return !c->ingestActive(); }, 30'000));
        c->shutdown();
    }
};

QTEST_MAIN(TestUiCluster)
#include "tst_ui_cluster.moc"
