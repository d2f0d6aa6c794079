// --demo's engine side: the embedded brokers and the generated stream, read live. Data shows
// within seconds; Kafka health (per-partition lag) reaches the snapshot; pausing the view
// freezes it while the ingest goes on; pausing the source stops and resumes the ingest.
#include "ui_test_support.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/dashboard/demo_session.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

using namespace adclick;
using namespace adclick::ui;

class TestUiDemo : public QObject {
    Q_OBJECT

private slots:
    void demoIsLiveWithinSeconds()
    {
        QTemporaryDir dir;
        uitest::isolate(dir.path());
        QElapsedTimer clock;
        clock.start();
        auto demo = DemoSession::start(DemoSession::Options());
        QVERIFY2(demo, demo.message().c_str());
        DashboardController c;
        c.openSource((*demo)->source(), (*demo)->databasePath());
        QVERIFY(QTest::qWaitFor(
            [&] {
                const SnapshotPtr s = c.snapshot();
                return s && !s->top.empty() && !s->total.values.empty();
            },
            20'000));
        const double firstData = double(clock.elapsed()) / 1000.0;
        qInfo("demo: first top-N after %.2f s", firstData);
        QVERIFY2(firstData < 10, "the demo should show data within seconds");
        SnapshotPtr s = c.snapshot();
        QCOMPARE(s->params.windowEnd, WindowEnd::IncludeOpen);
        QVERIFY(s->ingest.live);

        // Kafka health: 8 partitions, from the ingest's progress.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const SnapshotPtr x = c.snapshot();
                return x && !x->kafka.empty() && x->kafka.front().partitions.size() == 8;
            },
            10'000));
        s = c.snapshot();
        QCOMPARE(QString::fromStdString(s->kafka.front().brokerState), QStringLiteral("connected"));

        // Pause the view: no snapshot is applied, the ingest goes on.
        QSignalSpy snapshots(&c, &DashboardController::snapshotChanged);
        c.setViewPaused(true);
        // A request already on its way may still land: wait for a quiet half second.
        for (int i = 0; i < 20; ++i) {
            snapshots.clear();
            QTest::qWait(500);
            if (snapshots.isEmpty()) break;
        }
        const int64_t linesBefore = c.ingestStatus().progress.totals.lines;
        QTest::qWait(1200);
        QCOMPARE(snapshots.count(), 0);
        QVERIFY(c.ingestStatus().progress.totals.lines > linesBefore);
        c.setViewPaused(false);
        QVERIFY(snapshots.wait(5000));

        // Pause the source: the ingest stops (and commits); resume continues.
        QSignalSpy finished(&c, &DashboardController::ingestFinished);
        c.setSourcePaused(true);
        QVERIFY(finished.wait(10'000));
        QCOMPARE(finished.front().front().value<IngestStatus>().state, IngestStatus::State::Cancelled);
        QVERIFY(!c.ingestActive());
        c.setSourcePaused(false);
        QVERIFY(
            QTest::qWaitFor([&] { return c.ingestStatus().state == IngestStatus::State::Running; }, 10'000));
        const int64_t resumed = c.ingestStatus().progress.totals.lines;
        QVERIFY(
            QTest::qWaitFor([&] { return c.ingestStatus().progress.totals.lines > resumed + 1000; }, 10'000));
        c.shutdown();
    }
};

QTEST_GUILESS_MAIN(TestUiDemo)
#include "tst_ui_demo.moc"
