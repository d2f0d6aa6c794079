// Issue 11, defects 1, 7, 8 and 10 and the empty states, driven through the main window offscreen
// as a user would: a source switch shows the new source in every view (a filter expression is
// carried over, a saved filter only where it exists, and the window says so); a file without
// clicks says why, offers its import preview and leaves no database behind; `--db` naming a file
// that is no database leaves nothing beside it; "Finished" is shown only with the snapshot of
// everything the run committed; views without data say what to do. Numbers are checked against
// the generator's truth and the core's queries on the same database.
#include "ui_test_support.h"

#include "ui/charts/clicks_chart.h"
#include "ui/dashboard/dashboard_controller.h"
#include "ui/models/country_model.h"
#include "ui/models/rejects_model.h"
#include "ui/models/top_n_model.h"
#include "ui/widgets/filter_panel.h"
#include "ui/widgets/health_panel.h"
#include "ui/widgets/import_preview_dialog.h"
#include "ui/widgets/main_window.h"

#include "core/pipeline/filter_expr.h"
#include "core/query/query.h"

#include <QApplication>
#include <QChart>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <cmath>

#include <algorithm>
#include <memory>

using namespace adclick;
using namespace adclick::ui;

namespace {

std::unique_ptr<core::QueryService> query(const QString& db)
{
    auto q = core::QueryService::open(QFile::encodeName(db).toStdString());
    if (!q) qFatal("%s", q.message().c_str());
    return std::move(*q);
}

core::Filter filterOf(const std::string& expression)
{
    auto f = core::parseFilter(expression);
    if (!f) qFatal("%s", f.message().c_str());
    return *f;
}

//! The window's top-N table, in rank order: ad id and clicks.
std::vector<core::AdCount> shownTop(MainWindow& w)
{
    std::vector<core::AdCount> rows;
    QAbstractItemModel* m = w.topNModel();
    for (int r = 0; r < m->rowCount(); ++r)
        rows.push_back({ m->index(r, TopNModel::AdColumn).data(TopNModel::AdIdRole).toString().toStdString(),
            m->index(r, TopNModel::ClicksColumn).data(TopNModel::SortRole).toLongLong() });
    std::sort(rows.begin(), rows.end(), [](const core::AdCount& a, const core::AdCount& b) {
        return a.clicks != b.clicks ? a.clicks > b.clicks : a.adId < b.adId;
    });
    return rows;
}

bool sameTop(const std::vector<core::AdCount>& a, const std::vector<core::AdCount>& b)
{
    return std::equal(
        a.begin(), a.end(), b.begin(), b.end(), [](const core::AdCount& x, const core::AdCount& y) {
            return x.adId == y.adId && x.clicks == y.clicks;
        });
}

QString windowLine(MainWindow& w)
{
    auto* label = w.findChild<QLabel*>(QStringLiteral("windowLabel"));
    return label ? label->text() : QString();
}

QString tabText(MainWindow& w, int tab)
{
    auto* tabs = w.findChild<QTabWidget*>();
    return tabs ? tabs->tabText(tab) : QString();
}

//! The time axis of a chart: [min, max] in epoch ms.
std::pair<int64_t, int64_t> timeAxis(ClicksChart* chart)
{
    const QPair<double, double> range = chart->xRange();
    return { std::llround(range.first), std::llround(range.second) };
}

QString n(int64_t v)
{
    return QLocale().toString(qlonglong(v));
}

} // namespace

class TestUiSwitch : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    uitest::Generated m_a; //!< 2021-01-01
    uitest::Generated m_b; //!< a day later, other ads' popularity

    QString path(const QString& name) const { return m_dir.filePath(name); }

    QString writeFile(const QString& name, const QByteArray& content)
    {
        QFile f(path(name));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) qFatal("cannot write %s", qPrintable(name));
        f.write(content);
        return f.fileName();
    }

    static std::unique_ptr<MainWindow> window()
    {
        auto w = std::make_unique<MainWindow>();
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get())) qWarning("window not exposed");
        return w;
    }

    //! Waits for the current source's end as the window announces it, and a snapshot after it
    //! for the current parameters.
    static SnapshotPtr settled(MainWindow& w)
    {
        DashboardController* c = w.controller();
        SnapshotPtr out;
        // A timeout leaves `out` null, which every caller checks.
        (void)QTest::qWaitFor(
            [&] {
                const IngestStatus st = c->ingestStatus();
                const SnapshotPtr s = c->snapshot();
                if ((st.run != 0 || !c->source().isValid()) && !st.active() && s
                    && s->paramsGeneration == c->paramsGeneration() && !s->ingest.active())
                    out = s;
                return out != nullptr;
            },
            60'000);
        return out;
    }

    //! The default database of the window's current source.
    static QString currentDatabase(MainWindow& w) { return w.controller()->databasePath(); }

    static QStringList leftovers(const QString& db)
    {
        QStringList found;
        for (const char* suffix : { "", "-wal", "-shm", "-journal", ".lock", ".raw" })
            if (QFileInfo::exists(db + QLatin1String(suffix))) found << db + QLatin1String(suffix);
        return found;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        QApplication::setOrganizationName(QStringLiteral("AdClickTest"));
        QApplication::setApplicationName(QStringLiteral("tst_ui_switch"));
        m_a = uitest::generate(m_dir.path(), QStringLiteral("a.csv"), 30'000, 100, true, 1);
        core::GenOptions o;
        o.out = path(QStringLiteral("b.csv")).toStdString();
        o.events = 20'000;
        o.rate = 100;
        o.seed = 7;
        o.startMs += 24 * 3600'000; // another day: another time axis
        auto r = core::generateClicks(o);
        QVERIFY2(r.isOk(), r.message().c_str());
        m_b = { path(QStringLiteral("b.csv")), r->truth };
    }

    // Defect 10: the run's end is announced together with the snapshot of everything it
    // committed: when the window first says "finished", the table, the tab counts and the
    // counters are the final ones (the generator's truth, `adclick popular`).
    void finishedComesWithTheFinalSnapshot()
    {
        auto w = window();
        DashboardController* c = w->controller();
        struct Seen {
            bool done = false;
            core::Counters counters;
            QString rejectedTab, healthLines, healthState;
            std::vector<core::AdCount> top;
            QString db;
        } seen;
        connect(c, &DashboardController::ingestStatusChanged, w.get(), [&](const IngestStatus& st) {
            if (seen.done || st.state != IngestStatus::State::Finished) return;
            seen.done = true;
            // What the window shows once this turn of the event loop is over (what is painted).
            QMetaObject::invokeMethod(
                w.get(),
                [&] {
                    const SnapshotPtr s = c->snapshot();
                    if (s) seen.counters = s->counters;
                    seen.rejectedTab = tabText(*w, 0);
                    seen.healthLines = w->healthPanel()->figure(QStringLiteral("lines"));
                    seen.healthState = w->healthPanel()->figure(QStringLiteral("state"));
                    seen.top = shownTop(*w);
                    seen.db = c->databasePath();
                },
                Qt::QueuedConnection);
        });
        w->openArchive({ m_a.path });
        QTRY_VERIFY_WITH_TIMEOUT(!seen.db.isEmpty(), 60'000);
        QCOMPARE(seen.counters.lines, m_a.truth.counter("lines"));
        QCOMPARE(seen.counters.accepted, m_a.truth.counter("accepted"));
        QCOMPARE(seen.counters.rejected, m_a.truth.counter("rejected"));
        QCOMPARE(
            seen.rejectedTab, QStringLiteral("Rejected lines (%1)").arg(n(m_a.truth.counter("rejected"))));
        QCOMPARE(seen.healthLines, n(m_a.truth.counter("lines")));
        QVERIFY2(seen.healthState.contains(QStringLiteral("finished")), qPrintable(seen.healthState));
        const ViewParams& p = c->params();
        auto popular = query(seen.db)->popular(p.topN, p.windowMinutes, std::nullopt, {});
        QVERIFY(popular.isOk() && !popular->top.empty());
        QVERIFY(sameTop(seen.top, popular->top));
    }

    // Defect 1: with a saved filter and a country applied and after a failed source, opening
    // another archive shows that archive everywhere: the saved filter (not in its database) is
    // dropped and the window says so, the countries stay, and the table, the country counts, the
    // rejected lines, the health panel, the charts' time axis and the charted top three are the
    // new source's.
    void switchShowsTheNewSourceEverywhere()
    {
        auto w = window();
        w->openArchive({ m_a.path });
        QVERIFY(settled(*w));
        const QString dbA = currentDatabase(*w);
        const uitest::Cli saved
            = uitest::runCli({ "filter", "save", "--db", dbA, "--name", "us", "--expr", "country=US" });
        QCOMPARE(saved.exitCode, 0);

        // The user checks DE, then applies the saved filter (double click in the list).
        QAbstractItemModel* countries = w->filterPanel()->countryView()->model();
        QTRY_VERIFY_WITH_TIMEOUT(countries->rowCount() > 2, 20'000);
        bool checked = false;
        for (int r = 0; r < countries->rowCount() && !checked; ++r)
            if (countries->index(r, CountryModel::CountryColumn).data().toString() == QStringLiteral("DE"))
                checked = countries->setData(
                    countries->index(r, CountryModel::CountryColumn), Qt::Checked, Qt::CheckStateRole);
        QVERIFY(checked);
        QCOMPARE(w->controller()->filter().countries, QStringList { QStringLiteral("DE") });
        w->controller()->refresh();
        QTableView* savedView = w->findChild<QTableView*>(QStringLiteral("savedFiltersView"));
        QVERIFY(savedView);
        QTRY_COMPARE_WITH_TIMEOUT(savedView->model()->rowCount(), 1, 20'000);
        const QModelIndex row = savedView->model()->index(0, 0);
        savedView->selectionModel()->select(
            row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        emit savedView->doubleClicked(row);
        QCOMPARE(w->controller()->filter().saved, QStringLiteral("us"));
        QVERIFY(settled(*w));
        const auto axisA = timeAxis(w->totalChart());
        // A warning of the old source (a Kafka client's complaint) on the status bar.
        emit w->controller()->warning(QStringLiteral("kafka: broker of the old source is down"));
        QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("old source")));

        // Then the other archive.
        w->openArchive({ m_b.path });
        QVERIFY2(!w->statusBar()->currentMessage().contains(QStringLiteral("old source")),
            qPrintable(w->statusBar()->currentMessage()));
        const SnapshotPtr s = settled(*w);
        QVERIFY(s);
        const QString dbB = currentDatabase(*w);
        QCOMPARE(w->controller()->filter().saved, QString());
        QCOMPARE(w->controller()->filter().countries, QStringList { QStringLiteral("DE") });
        QVERIFY2(
            w->bannerText().contains(QStringLiteral("@us")) && w->bannerText().contains("no longer applies"),
            qPrintable(w->bannerText()));
        QVERIFY2(w->bannerText().contains(QStringLiteral("country in (DE)")), qPrintable(w->bannerText()));

        // The table: `adclick popular --filter country=DE` on the new database.
        const ViewParams& p = w->controller()->params();
        auto q = query(dbB);
        auto popular = q->popular(p.topN, p.windowMinutes, std::nullopt, filterOf("country=DE"));
        QVERIFY(popular.isOk() && !popular->top.empty());
        QTRY_VERIFY_WITH_TIMEOUT(sameTop(shownTop(*w), popular->top), 20'000);
        QVERIFY2(!windowLine(*w).contains(QStringLiteral("No final minute")), qPrintable(windowLine(*w)));

        // The countries: counted over the new window without the country condition.
        const int64_t at = *popular->atMs;
        auto counts = q->countries(at - int64_t(p.windowMinutes) * kMinuteMs, at, std::nullopt, {});
        QVERIFY(counts.isOk() && !counts->empty());
        QTRY_COMPARE_WITH_TIMEOUT(countries->rowCount(), int(counts->size()), 20'000);
        for (const core::CountryCount& cc : *counts) {
            bool found = false;
            for (int r = 0; r < countries->rowCount(); ++r)
                if (countries->index(r, CountryModel::CountryColumn).data().toString().toStdString()
                    == cc.country) {
                    found = true;
                    QCOMPARE(countries->index(r, CountryModel::ClicksColumn)
                                 .data(CountryModel::SortRole)
                                 .toLongLong(),
                        cc.clicks);
                }
            QVERIFY2(found, cc.country.c_str());
        }

        // The rejected lines are the new file's, under its count.
        RejectsModel* rejects = w->rejectsModel();
        QTRY_VERIFY_WITH_TIMEOUT(rejects->rowCount() > 0, 20'000);
        QCOMPARE(int64_t(rejects->rowCount()), std::min<int64_t>(1000, m_b.truth.counter("rejected")));
        for (int r = 0; r < rejects->rowCount(); ++r)
            QVERIFY(rejects->index(r, RejectsModel::SourceColumn)
                        .data()
                        .toString()
                        .endsWith(QStringLiteral("b.csv")));
        QCOMPARE(tabText(*w, 0), QStringLiteral("Rejected lines (%1)").arg(n(m_b.truth.counter("rejected"))));

        QCOMPARE(w->healthPanel()->figure(QStringLiteral("lines")), n(m_b.truth.counter("lines")));

        // The charts: the new source's day, and the top three charted.
        const auto axisB = timeAxis(w->totalChart());
        QVERIFY(axisA.first < axisA.second && axisB.first < axisB.second);
        QVERIFY2(axisB.first > axisA.second && axisB.first < s->dataEndMinute * kMinuteMs
                && axisB.second >= s->dataFirstMinute * kMinuteMs,
            qPrintable(QStringLiteral("axis %1..%2, data %3..%4, before %5..%6")
                           .arg(axisB.first)
                           .arg(axisB.second)
                           .arg(s->dataFirstMinute * kMinuteMs)
                           .arg(s->dataEndMinute * kMinuteMs)
                           .arg(axisA.first)
                           .arg(axisA.second)));
        std::vector<std::string> top3;
        for (std::size_t i = 0; i < 3 && i < popular->top.size(); ++i)
            top3.push_back(popular->top[i].adId);
        std::sort(top3.begin(), top3.end());
        QTRY_VERIFY_WITH_TIMEOUT(w->chartedAds() == top3, 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(w->adChart()->lineNames().size(), 3, 20'000);

        // A folder without files fails; then B's database: no old failure in the health panel.
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("no-logs")));
        w->openArchive({ path(QStringLiteral("no-logs")) });
        auto* alarm = w->healthPanel()->findChild<QLabel*>(QStringLiteral("healthAlarm"));
        QTRY_VERIFY_WITH_TIMEOUT(alarm->isVisibleTo(w.get()), 20'000);
        QVERIFY2(alarm->text().contains(QStringLiteral("Ingest failed")), qPrintable(alarm->text()));
        w->openDatabase(dbB);
        QVERIFY(settled(*w));
        QTRY_VERIFY_WITH_TIMEOUT(sameTop(shownTop(*w), popular->top), 20'000);
        QVERIFY2(!alarm->isVisibleTo(w.get()), qPrintable(alarm->text()));
        QVERIFY(!w->healthPanel()->figure(QStringLiteral("state")).contains(QStringLiteral("failed")));
        QCOMPARE(w->healthPanel()->figure(QStringLiteral("lines")), n(m_b.truth.counter("lines")));
    }

    // Defect 1, the other half: a saved filter stays applied where the database has one of that
    // name, and is dropped (with a notice) from an existing database that has none.
    void savedFilterCarriedOverOnlyWhereItExists()
    {
        const QString withUs = path(QStringLiteral("with-us.db"));
        const QString without = path(QStringLiteral("without.db"));
        QCOMPARE(uitest::runCli({ "ingest", "--db", withUs, m_b.path }).exitCode, 0);
        QCOMPARE(uitest::runCli({ "ingest", "--db", without, m_b.path }).exitCode, 0);
        QCOMPARE(uitest::runCli({ "filter", "save", "--db", withUs, "--name", "top", "--expr", "country=US" })
                     .exitCode,
            0);

        auto w = window();
        w->openArchive({ m_a.path });
        QVERIFY(settled(*w));
        QCOMPARE(uitest::runCli({ "filter", "save", "--db", currentDatabase(*w), "--name", "top", "--expr",
                                    "country=KR" })
                     .exitCode,
            0);
        FilterState f;
        f.saved = QStringLiteral("top");
        w->filterPanel()->setFilter(f); // what the panel shows…
        w->controller()->setFilter(f); // …and what it asks for when the user applies it
        QVERIFY(settled(*w));

        w->openDatabase(withUs);
        QVERIFY(settled(*w));
        QCOMPARE(w->controller()->filter().saved, QStringLiteral("top"));
        const ViewParams& p = w->controller()->params();
        auto popular = query(withUs)->popular(p.topN, p.windowMinutes, std::nullopt, filterOf("country=US"));
        QVERIFY(popular.isOk() && !popular->top.empty());
        QTRY_VERIFY_WITH_TIMEOUT(sameTop(shownTop(*w), popular->top), 20'000);
        QVERIFY2(
            w->bannerText().contains(QStringLiteral("Still filtering by @top")), qPrintable(w->bannerText()));

        w->openDatabase(without);
        QTRY_COMPARE_WITH_TIMEOUT(w->controller()->filter().saved, QString(), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            w->bannerText().contains(QStringLiteral("does not exist in without.db")), 20'000);
        QVERIFY(settled(*w));
        auto all = query(without)->popular(p.topN, p.windowMinutes, std::nullopt, {});
        QVERIFY(all.isOk() && !all->top.empty());
        QTRY_VERIFY_WITH_TIMEOUT(sameTop(shownTop(*w), all->top), 20'000);
    }

    // Defect 7: a file whose lines are all rejected, a binary file and an empty file each say
    // what happened (the top reasons), offer the import preview, keep saying it, show the reject
    // samples under the right count, and leave no database behind.
    void fileWithoutClicksSaysWhyAndLeavesNothing_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("says");
        QTest::addColumn<int>("rejected");
        QByteArray junk("ad_id,click_timestamp\n");
        for (int i = 0; i < 1500; ++i)
            junk += "ad" + QByteArray::number(i % 7) + ",yesterday at noon\n";
        QTest::newRow("all rejected") << "junk.csv" << junk << "bad_timestamp 1500" << 1500;
        QByteArray binary;
        for (int i = 0; i < 4000; ++i)
            binary += char((i * 7919) % 251);
        QTest::newRow("binary") << "blob.bin" << binary << "binary_bytes" << -1;
        QTest::newRow("empty") << "empty.log" << QByteArray() << "is empty" << 0;
    }

    void fileWithoutClicksSaysWhyAndLeavesNothing()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, says);
        QFETCH(int, rejected);
        const QString file = writeFile(name, content);
        auto w = window();
        w->openArchive({ file });
        const SnapshotPtr s = settled(*w);
        QVERIFY(s);
        const QString db = currentDatabase(*w);
        QCOMPARE(db, defaultDatabaseFor(w->controller()->source()));
        QCOMPARE(leftovers(db), QStringList());

        QString line = windowLine(*w);
        QVERIFY2(line.startsWith(QStringLiteral("No clicks.")) && line.contains(says), qPrintable(line));
        QVERIFY2(w->bannerText().contains(says), qPrintable(w->bannerText()));
        auto* button = w->findChild<QPushButton*>(QStringLiteral("bannerAction"));
        QVERIFY(button && button->isVisibleTo(w.get()));
        QCOMPARE(button->text(), QStringLiteral("Open the import preview"));
        // Later snapshots say the same (not "Waiting for data…").
        QVERIFY(uitest::nextSnapshot(*w->controller()));
        line = windowLine(*w);
        QVERIFY2(line.startsWith(QStringLiteral("No clicks.")) && !line.contains(QStringLiteral("Waiting")),
            qPrintable(line));
        QCOMPARE(leftovers(db), QStringList());

        // The counters and samples the run saw, although its database is gone.
        const int64_t lines = s->ingest.progress.totals.lines;
        if (rejected >= 0) QCOMPARE(lines, int64_t(rejected));
        QCOMPARE(w->healthPanel()->figure(QStringLiteral("rejected")), n(lines));
        QCOMPARE(tabText(*w, 0), QStringLiteral("Rejected lines (%1)").arg(n(lines)));
        QCOMPARE(int64_t(w->rejectsModel()->rowCount()), std::min<int64_t>(1000, lines));

        // The banner's button opens the import preview of the file.
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w->previewDialog() != nullptr, 20'000);
        w->previewDialog()->reject();
    }

    // Defect 7, the other side: a database that existed before, or holds clicks, is never removed.
    void databaseThatExistedIsKept()
    {
        const QString junk = writeFile(QStringLiteral("junk2.csv"), "ad,when\nx,never\ny,never\n");
        const QString db = path(QStringLiteral("kept.db"));
        QCOMPARE(uitest::runCli({ "ingest", "--db", db, m_b.path }).exitCode, 0);
        auto w = window();
        w->setDatabaseOverride(db);
        w->openArchive({ junk });
        const SnapshotPtr s = settled(*w);
        QVERIFY(s);
        QVERIFY(QFileInfo::exists(db));
        QCOMPARE(s->counters.accepted, m_b.truth.counter("accepted"));

        const QString empty = path(QStringLiteral("empty-before.db"));
        QCOMPARE(
            uitest::runCli({ "ingest", "--db", empty, writeFile(QStringLiteral("e2.log"), {}) }).exitCode, 0);
        w->setDatabaseOverride(empty);
        w->openArchive({ junk });
        QVERIFY(settled(*w));
        QVERIFY(QFileInfo::exists(empty));
    }

    // Defect 8: `--db` naming a file that is no database is a clear error in the window, and
    // nothing is created beside it.
    void notADatabaseLeavesNothingBehind()
    {
        const QByteArray text(5000, 'x');
        const QString fake = writeFile(QStringLiteral("fake.db"), text);
        auto w = window();
        w->setDatabaseOverride(fake);
        w->openArchive({ m_a.path });
        QTRY_VERIFY_WITH_TIMEOUT(w->bannerText().contains(QStringLiteral("not an AdClick database")), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->controller()->ingestActive(), 20'000);
        QVERIFY(uitest::nextSnapshot(*w->controller()));
        QCOMPARE(leftovers(fake), QStringList { fake });
        QVERIFY2(windowLine(*w).contains(QStringLiteral("cannot be read")), qPrintable(windowLine(*w)));
        QFile f(fake);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), text);
    }

    // Empty states: a window without a source says what to do in the table's line, the charts and
    // the status bar, instead of blank views.
    void emptyWindowSaysWhatToDo()
    {
        auto w = window();
        QTRY_VERIFY_WITH_TIMEOUT(windowLine(*w).contains(QStringLiteral("drop files here")), 10'000);
        QVERIFY(windowLine(*w).contains(QStringLiteral("Kafka")));
        auto* status = w->findChild<QLabel*>(QStringLiteral("statusText"));
        QVERIFY(status);
        QVERIFY2(status->text().contains(QStringLiteral("open a log")), qPrintable(status->text()));
        for (ClicksChart* chart : { w->adChart(), w->totalChart(), w->qualityChart() }) {
            const QList<QGraphicsItem*> items = chart->scene()->items();
            QVERIFY(std::any_of(items.begin(), items.end(), [](QGraphicsItem* item) {
                auto* text = dynamic_cast<QGraphicsSimpleTextItem*>(item);
                return text && text->isVisible() && text->text() == QStringLiteral("No source yet");
            }));
        }
    }
};

QTEST_MAIN(TestUiSwitch)
#include "tst_ui_switch.moc"
