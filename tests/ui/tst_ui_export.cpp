// CSV reports equal the CLI's answers (`adclick export`) for the same range, window and filter.
#include "ui_test_support.h"

#include "ui/dashboard/csv_report.h"
#include "ui/dashboard/dashboard_controller.h"

#include "core/base/click_event.h"
#include "core/base/timestamp.h"

#include <QTemporaryDir>

using namespace adclick;
using namespace adclick::ui;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString iso(int64_t ms)
{
    return QString::fromStdString(core::formatIsoUtc(ms));
}

} // namespace

class TestUiExport : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    SnapshotPtr snapshot(
        const FilterState& filter, int n, int window, const std::vector<std::string>& ads = {})
    {
        DashboardController c;
        c.setTopN(n);
        c.setWindowMinutes(window);
        c.setFilter(filter);
        c.openDatabase(m_db);
        SnapshotPtr s = uitest::nextSnapshot(c);
        if (s && !ads.empty()) {
            c.setSelectedAds(ads);
            c.setRange(
                s->dataFirstMinute * core::kMinuteMs + 90'000, s->dataEndMinute * core::kMinuteMs - 30'000);
            s = uitest::nextSnapshot(c);
        }
        return s;
    }

    QByteArray cliExport(const QStringList& args)
    {
        const QString out = m_dir.filePath(QStringLiteral("cli.csv"));
        QFile::remove(out);
        const uitest::Cli r = uitest::runCli(QStringList { "export", "--db", m_db, "--out", out } + args);
        if (r.exitCode != 0) qWarning("%s", r.err.constData());
        return readAll(out);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        const uitest::Generated log
            = uitest::generate(m_dir.path(), QStringLiteral("clicks.csv"), 60'000, 150);
        m_db = m_dir.filePath(QStringLiteral("clicks.db"));
        // The database is made by the CLI: the GUI only reads it here.
        const uitest::Cli r = uitest::runCli({ "ingest", "--db", m_db, log.path });
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void topNEqualsCli_data()
    {
        QTest::addColumn<QStringList>("countries");
        QTest::addColumn<QString>("ip");
        QTest::addColumn<QString>("cliFilter");
        QTest::newRow("all") << QStringList() << QString() << QString();
        QTest::newRow("countries") << QStringList { "US", "DE" } << QString()
                                   << QStringLiteral("country in (DE,US)");
        QTest::newRow("cidr") << QStringList() << QStringLiteral("10.0.0.0/8")
                              << QStringLiteral("ip=10.0.0.0/8");
    }

    void topNEqualsCli()
    {
        QFETCH(QStringList, countries);
        QFETCH(QString, ip);
        QFETCH(QString, cliFilter);
        FilterState f;
        f.countries = countries;
        f.ip = ip;
        const SnapshotPtr s = snapshot(f, 7, 3);
        QVERIFY(s && s->error.isEmpty() && s->atMs);
        ReportRequest r;
        r.kind = ReportRequest::Kind::TopN;
        r.snapshot = s;
        r.outPath = m_dir.filePath(QStringLiteral("top.csv"));
        const ReportOutcome o = writeReport(r);
        QVERIFY2(o.ok, qPrintable(o.message));
        QCOMPARE(o.rows, 7);
        const QList<QByteArray> gui = readAll(r.outPath).split('\n');
        QStringList args { "--top", "--count", "7", "--window", "3", "--at", iso(*s->atMs) };
        if (!cliFilter.isEmpty()) args << "--filter" << cliFilter;
        const QList<QByteArray> cli = cliExport(args).split('\n');
        QCOMPARE(gui.size(), cli.size());
        QCOMPARE(gui.front(),
            QByteArray("rank,ad_id,clicks,at,window_minutes,filter,share,previous_window_clicks"));
        // The CLI's columns come first, equal; the GUI adds share and the previous window.
        for (qsizetype i = 0; i < gui.size(); ++i) {
            if (cli[i].isEmpty()) {
                QVERIFY(gui[i].isEmpty());
                continue;
            }
            QVERIFY2(gui[i].startsWith(cli[i] + (i == 0 ? "," : ",")), gui[i].constData());
        }
        // Without --at the CLI takes the newest final pane, like the GUI's default.
        QCOMPARE(cliExport(QStringList { "--top", "--count", "7", "--window", "3" }
                     + (cliFilter.isEmpty() ? QStringList() : QStringList { "--filter", cliFilter }))
                     .split('\n'),
            cli);
    }

    void seriesEqualsCli()
    {
        const SnapshotPtr first = snapshot(FilterState(), 5, 3);
        QVERIFY(first && first->top.size() == 5);
        const std::vector<std::string> ads { first->top[1].adId, first->top[4].adId };
        FilterState f;
        f.countries = { "US", "KR", "JP" };
        const SnapshotPtr s = snapshot(f, 5, 3, ads);
        QVERIFY(s && s->error.isEmpty());
        QVERIFY(s->endMinute > s->firstMinute);
        ReportRequest r;
        r.kind = ReportRequest::Kind::Series;
        r.databasePath = m_db;
        r.outPath = m_dir.filePath(QStringLiteral("series.csv"));
        r.filter = s->params.filter;
        r.ads = s->params.selectedAds;
        r.fromMs = s->firstMinute * core::kMinuteMs;
        r.toMs = s->endMinute * core::kMinuteMs;
        const ReportOutcome o = writeReport(r);
        QVERIFY2(o.ok, qPrintable(o.message));
        QVERIFY(o.rows > 0);
        const QByteArray gui = readAll(r.outPath);

        // The CLI answers one ad at a time: merged by minute, then ad, they are the GUI's file.
        QList<QByteArray> rows;
        QByteArray header;
        for (const std::string& ad : ads) {
            QList<QByteArray> lines
                = cliExport({ "--minutes", "--from", iso(r.fromMs), "--to", iso(r.toMs), "--ad",
                                QString::fromStdString(ad), "--filter", "country in (JP,KR,US)" })
                      .split('\n');
            header = lines.takeFirst();
            for (const QByteArray& l : lines)
                if (!l.isEmpty()) rows << l;
        }
        std::sort(rows.begin(), rows.end(), [](const QByteArray& a, const QByteArray& b) {
            const QList<QByteArray> x = a.split(','), y = b.split(',');
            return x[0] != y[0] ? x[0] < y[0] : x[1] < y[1];
        });
        QCOMPARE(gui, header + '\n' + rows.join('\n') + '\n');
        QCOMPARE(int64_t(rows.size()), o.rows);
    }

    void aggregatesEqualCli()
    {
        const SnapshotPtr s = snapshot(FilterState(), 5, 3);
        QVERIFY(s && s->dataEndMinute > s->dataFirstMinute);
        ReportRequest r;
        r.kind = ReportRequest::Kind::Aggregates;
        r.databasePath = m_db;
        r.outPath = m_dir.filePath(QStringLiteral("aggregates.csv"));
        r.filter = "country in (GB) and ip != 10.0.0.0/8";
        r.fromMs = (s->dataFirstMinute + 1) * core::kMinuteMs;
        r.toMs = (s->dataEndMinute - 1) * core::kMinuteMs;
        const ReportOutcome o = writeReport(r);
        QVERIFY2(o.ok, qPrintable(o.message));
        const QByteArray cli = cliExport({ "--minutes", "--from", iso(r.fromMs), "--to", iso(r.toMs),
            "--filter", QString::fromStdString(r.filter) });
        QVERIFY(!cli.isEmpty());
        QCOMPARE(readAll(r.outPath), cli);
    }

    void exportErrorsAreMessages()
    {
        ReportRequest r;
        r.kind = ReportRequest::Kind::Aggregates;
        r.databasePath = m_db;
        r.fromMs = 0;
        r.toMs = core::kMinuteMs;
        r.outPath = m_dir.filePath(QStringLiteral("no/such/folder/x.csv"));
        ReportOutcome o = writeReport(r);
        QVERIFY(!o.ok);
        QVERIFY2(o.message.contains(QStringLiteral("x.csv")), qPrintable(o.message));
        r.outPath = m_dir.filePath(QStringLiteral("x.csv"));
        r.filter = "country = ";
        o = writeReport(r);
        QVERIFY(!o.ok);
        QVERIFY2(o.message.startsWith(QStringLiteral("filter: ")), qPrintable(o.message));
        QVERIFY2(!o.message.contains(QStringLiteral("filter: filter:")), qPrintable(o.message));
        QVERIFY(!QFile::exists(r.outPath));
        r.kind = ReportRequest::Kind::Series;
        r.filter.clear();
        o = writeReport(r);
        QVERIFY(!o.ok); // no ads selected
    }
};

QTEST_GUILESS_MAIN(TestUiExport)
#include "tst_ui_export.moc"
