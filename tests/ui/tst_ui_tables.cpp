// The range bar and the event tables, offscreen, driven as a user would: typed ISO times (kept as
// typed, an error for what does not parse), the default range (all the data, the newest minute
// included, its total the generator's truth), quick ranges, the zone with its offset, the busy
// state while a snapshot for new parameters is pending, and the rejected lines' search, reason
// groups, copy and "open source at line".
#include "ui_test_support.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/dashboard/query_worker.h"
#include "ui/models/rejects_model.h"
#include "ui/models/time_format.h"
#include "ui/models/top_n_model.h"
#include "ui/models/unusual_events_model.h"
#include "ui/widgets/charts_panel.h"
#include "ui/widgets/filter_panel.h"
#include "ui/widgets/main_window.h"

#include "core/base/click_event.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimeZone>
#include <QToolButton>

using namespace adclick;
using namespace adclick::ui;

namespace {

int64_t utcMs(int y, int mo, int d, int h = 0, int mi = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi), QTimeZone::utc()).toMSecsSinceEpoch();
}

//! Types `text` into a field as a user does (select all, type, Enter).
void typeInto(QWidget* field, const QString& text)
{
    field->setFocus();
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(field, text);
    QTest::keyClick(field, Qt::Key_Return);
}

//! Types a time into one of the range bar's fields and clicks Apply.
void typeTime(QWidget& w, const QString& name, const QString& text)
{
    auto* field = w.findChild<QWidget*>(name);
    auto* apply = w.findChild<QPushButton*>(QStringLiteral("applyRange"));
    QVERIFY2(field && apply, qPrintable(name));
    typeInto(field, text);
    apply->click();
}

QString textOf(QWidget& w, const QString& name)
{
    auto* field = w.findChild<QWidget*>(name);
    return field ? field->property("text").toString() : QStringLiteral("(no %1)").arg(name);
}

QAction* actionNamed(QWidget& w, const QString& text)
{
    for (QAction* a : w.findChildren<QAction*>())
        if (a->text() == text) return a;
    return nullptr;
}

int64_t truthTotal(const core::ClickTruth& truth)
{
    int64_t sum = 0;
    for (const auto& [key, cell] : truth.panes)
        sum += cell.first;
    return sum;
}

//! The rejected-lines file: good lines (the book's format) with three bad ones at known lines.
struct RejectsFile {
    QString path;
    QStringList lines;
    int badTimeLine = 5, badIpLine = 9, badTokenLine = 13; // 1-based
};

RejectsFile writeRejectsFile(const QString& dir)
{
    RejectsFile f;
    f.path = dir + QStringLiteral("/rejects.log");
    for (int i = 1; i <= 16; ++i)
        f.lines << QStringLiteral("[AdClickEvent] ad%1, 2021-01-01 00:00:%2, user %3, 10.0.0.%3, USA")
                       .arg(i % 3 + 1, 3, 10, QLatin1Char('0'))
                       .arg(i * 2, 2, 10, QLatin1Char('0'))
                       .arg(i);
    f.lines[f.badTimeLine - 1] = QStringLiteral("[AdClickEvent] ad001, not-a-time, user 5, 10.0.0.5, USA");
    f.lines[f.badIpLine - 1]
        = QStringLiteral("[AdClickEvent] ad002, 2021-01-01 00:00:18, user 9, 999.1.1.1, USA");
    f.lines[f.badTokenLine - 1] = QStringLiteral("[AdClickEvent] ad003, BADTOKEN, user 13, 10.0.0.13, USA");
    QFile out(f.path);
    if (!out.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(f.path));
    out.write((f.lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
    return f;
}

} // namespace

class TestUiTables : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    uitest::Generated m_log;

    //! A window showing `path` read whole: a snapshot of the current parameters (read anew: the
    //! window itself changes them once, when it charts the top three) after the ingest ended.
    void openSettled(MainWindow& w, const QString& db, const QString& path)
    {
        w.setDatabaseOverride(m_dir.filePath(db));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.openArchive({ path });
        DashboardController* c = w.controller();
        QVERIFY(QTest::qWaitFor([c] { return !c->ingestActive(); }, 60'000));
        c->refresh();
        QVERIFY(QTest::qWaitFor(
            [c] {
                const SnapshotPtr s = c->snapshot();
                return s && s->paramsGeneration == c->paramsGeneration() && !s->ingest.active()
                    && s->ingest.run != 0 && (s->top.empty() || !s->adSeries.empty());
            },
            60'000));
    }
    //! Analysis mode, as a user picks it, and the snapshot for it.
    SnapshotPtr analysis(MainWindow& w)
    {
        auto* mode = w.findChild<QComboBox*>(QStringLiteral("modeCombo"));
        if (!mode) return nullptr;
        mode->setCurrentIndex(1);
        return uitest::nextSnapshot(*w.controller());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        QApplication::setOrganizationName(QStringLiteral("AdClickTest"));
        QApplication::setApplicationName(QStringLiteral("tst_ui_tables"));
        m_log = uitest::generate(m_dir.path(), QStringLiteral("clicks.csv"), 30'000, 100);
    }

    void parsesTypedTimes()
    {
        QCOMPARE(parseTimeInput(QStringLiteral("2021-01-01"), true), utcMs(2021, 1, 1));
        QCOMPARE(parseTimeInput(QStringLiteral("2021-01-01 10:30"), true), utcMs(2021, 1, 1, 10, 30));
        QCOMPARE(parseTimeInput(QStringLiteral("2021-01-01T10:30:00Z"), false), utcMs(2021, 1, 1, 10, 30));
        QCOMPARE(parseTimeInput(QStringLiteral("2021-01-01T10:30:00+01:00"), true), utcMs(2021, 1, 1, 9, 30));
        QCOMPARE(parseTimeInput(QStringLiteral("2021-01-01 10:30:15.5-0500"), true),
            utcMs(2021, 1, 1, 15, 30) + 15'500);
        // Local time here is Europe/Berlin (main() below): winter, UTC+01:00.
        QCOMPARE(parseTimeInput(QStringLiteral("2021-01-01 10:30"), false), utcMs(2021, 1, 1, 9, 30));
        for (const char* bad :
            { "yesterday", "2021-02-30", "2021-01-01 25:00", "01/01/2021", "2021-1-1", "" })
            QVERIFY2(!parseTimeInput(QString::fromLatin1(bad), true), bad);
        QCOMPARE(zoneLabel(true, utcMs(2021, 1, 1)), QStringLiteral("UTC"));
        QCOMPARE(zoneLabel(false, utcMs(2021, 1, 1)), QStringLiteral("UTC+01:00 Europe/Berlin"));
        QCOMPARE(zoneLabel(false, utcMs(2021, 7, 1)), QStringLiteral("UTC+02:00 Europe/Berlin"));
    }

    //! Defect 6: typing 2021-01-01 into the range keeps 2021 (it became 2020-01-01).
    void typedDateKeepsTheYear()
    {
        MainWindow w;
        openSettled(w, QStringLiteral("typed.db"), m_log.path);
        QVERIFY(analysis(w));
        const QString from = QStringLiteral("rangeFrom"), to = QStringLiteral("rangeTo");
        typeTime(w, from, QStringLiteral("2021-01-01 00:03"));
        QCOMPARE(w.controller()->params().rangeFromMs, utcMs(2021, 1, 1, 0, 3));
        typeTime(w, from, QStringLiteral("2021-01-01"));
        QCOMPARE(w.controller()->params().followRange, false);
        QCOMPARE(w.controller()->params().rangeFromMs, utcMs(2021, 1, 1));
        QCOMPARE(textOf(w, from), QStringLiteral("2021-01-01 00:00"));
        typeTime(w, to, QStringLiteral("2021-01-01T00:02:00Z"));
        QCOMPARE(w.controller()->params().rangeToMs, utcMs(2021, 1, 1, 0, 2));
        // Local time: typed without a zone it is the zone the bar shows, with its offset.
        QAction* utc = actionNamed(w, QStringLiteral("&UTC time"));
        QVERIFY(utc);
        utc->setChecked(false);
        auto* zone = w.findChild<QLabel*>(QStringLiteral("zoneLabel"));
        QVERIFY(zone);
        QCOMPARE(zone->text().trimmed(), QStringLiteral("UTC+01:00 Europe/Berlin"));
        QCOMPARE(textOf(w, from), QStringLiteral("2021-01-01 01:00")); // the same instant, local
        typeTime(w, from, QStringLiteral("2021-01-01 00:30"));
        QCOMPARE(w.controller()->params().rangeFromMs, utcMs(2020, 12, 31, 23, 30));
        QCOMPARE(
            w.unusualEventsModel()->headerData(UnusualEventsModel::TimeColumn, Qt::Horizontal).toString(),
            QStringLiteral("Event time (UTC+01:00 Europe/Berlin)"));
        utc->setChecked(true);
    }

    //! Defect 6: what does not parse is framed red, says why and changes nothing.
    void unparsableTextShowsAnErrorAndKeepsTheRange()
    {
        MainWindow w;
        openSettled(w, QStringLiteral("bad.db"), m_log.path);
        QVERIFY(analysis(w));
        const QString from = QStringLiteral("rangeFrom");
        const auto errorText = [&w] {
            auto* l = w.findChild<QLabel*>(QStringLiteral("rangeError"));
            return l ? l->text() : QStringLiteral("(no error label)");
        };
        const ViewParams before = w.controller()->params();
        const uint64_t generation = w.controller()->paramsGeneration();
        for (const QString& text : { QStringLiteral("yesterday"), QStringLiteral("2021-02-30") }) {
            typeTime(w, from, text);
            QVERIFY(w.findChild<QWidget*>(from)->property("invalid").toBool());
            QVERIFY2(errorText().contains(text), qPrintable(errorText()));
            QCOMPARE(w.controller()->paramsGeneration(), generation);
            QCOMPARE(w.controller()->params().rangeFromMs, before.rangeFromMs);
            QCOMPARE(w.controller()->params().rangeToMs, before.rangeToMs);
        }
        // Fixed text clears the error and applies.
        typeTime(w, from, QStringLiteral("2021-01-01 00:01"));
        QVERIFY(!w.findChild<QWidget*>(from)->property("invalid").toBool());
        QVERIFY(errorText().isEmpty());
        QCOMPARE(w.controller()->params().rangeFromMs, utcMs(2021, 1, 1, 0, 1));
    }

    //! Defect 6: the default range is all the data, the newest minute included (it was set by
    //! the first data and left out what came later); its total is the generator's truth and
    //! each ad's clicks over it are what `adclick count` says.
    void defaultRangeIncludesTheNewestMinute()
    {
        QFile in(m_log.path);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = in.readAll().split('\n');
        const qsizetype half = lines.size() / 2;
        const QString path = m_dir.filePath(QStringLiteral("followed.csv"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        for (qsizetype i = 0; i < half; ++i)
            out.write(lines[i] + '\n');
        out.flush();

        MainWindow w;
        const QString db = m_dir.filePath(QStringLiteral("follow.db"));
        w.setDatabaseOverride(db);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.followFile(path);
        DashboardController* c = w.controller();
        // The first data is shown (the range bar has seen it) before the rest is appended.
        QTRY_VERIFY_WITH_TIMEOUT(c->snapshot() && c->snapshot()->counters.lines > 0
                && c->snapshot()->dataEndMinute > c->snapshot()->dataFirstMinute,
            30'000);
        QVERIFY(c->snapshot()->maxEventMs < m_log.truth.counter("max_event_ms"));
        for (qsizetype i = half; i < lines.size(); ++i) // the rest (the last piece is the final '\n''s)
            if (i + 1 < lines.size() || !lines[i].isEmpty()) out.write(lines[i] + '\n');
        out.close();
        const int64_t all = m_log.truth.counter("lines");
        QTRY_VERIFY_WITH_TIMEOUT(c->snapshot() && c->snapshot()->counters.lines == all, 30'000);

        const SnapshotPtr s = analysis(w);
        QVERIFY(s);
        const int64_t newestMinute = m_log.truth.counter("max_event_ms") / core::kMinuteMs;
        QCOMPARE(s->dataEndMinute, newestMinute + 1);
        QCOMPARE(c->params().rangeToMs, (newestMinute + 1) * core::kMinuteMs);
        QCOMPARE(c->params().rangeFromMs, s->dataFirstMinute * core::kMinuteMs);
        int64_t charted = 0;
        for (const int64_t v : s->total.values)
            charted += v;
        QCOMPARE(charted, truthTotal(m_log.truth));
        auto* total = w.findChild<QLabel*>(QStringLiteral("rangeTotal"));
        QVERIFY(total);
        QTRY_VERIFY(total->text().contains(QLocale().toString(qlonglong(truthTotal(m_log.truth)))));
        // Each charted ad over the range: `adclick count` over the same [from, to).
        QVERIFY(!s->adSeries.empty());
        for (const DenseSeries& ad : s->adSeries) {
            int64_t sum = 0;
            for (const int64_t v : ad.values)
                sum += v;
            const uitest::Cli cli = uitest::runCli({ QStringLiteral("count"), QStringLiteral("--db"), db,
                QStringLiteral("--ad"), QString::fromStdString(ad.name), QStringLiteral("--from"),
                formatIsoUtc(c->params().rangeFromMs), QStringLiteral("--to"),
                formatIsoUtc(c->params().rangeToMs) });
            QCOMPARE(cli.exitCode, 0);
            QVERIFY2(cli.out.contains(QStringLiteral("\"count\":%1").arg(sum).toUtf8()), cli.out.constData());
        }
    }

    //! Quick ranges: the last 15 min, 1 h, 6 h, 24 h up to the end of the newest minute, and all.
    void quickRangesSetTheRange()
    {
        MainWindow w;
        openSettled(w, QStringLiteral("quick.db"), m_log.path);
        const SnapshotPtr s = w.controller()->snapshot();
        const int64_t end = s->dataEndMinute * core::kMinuteMs;
        for (const int minutes : { 15, 60, 360, 1440, 0 }) {
            auto* b = w.findChild<QToolButton*>(QStringLiteral("quick%1").arg(minutes));
            QVERIFY2(b, qPrintable(QString::number(minutes)));
            b->click();
            const ViewParams& p = w.controller()->params();
            QCOMPARE(p.followRange, false);
            QCOMPARE(p.rangeToMs, end);
            QCOMPARE(p.rangeFromMs,
                minutes ? end - minutes * core::kMinuteMs : s->dataFirstMinute * core::kMinuteMs);
            QCOMPARE(w.findChild<QComboBox*>(QStringLiteral("modeCombo"))->currentIndex(), 1);
        }
    }

    //! Defect 9: while a snapshot for new parameters is pending (the query held), the top-N, the
    //! countries and the charts say "Updating…" and keep the old numbers readable; it clears when
    //! the snapshot for the current parameters arrives.
    void busyWhileAQueryIsPending()
    {
        MainWindow w;
        openSettled(w, QStringLiteral("busy.db"), m_log.path);
        const auto overlay = [&w](const char* name) { return w.findChild<QWidget*>(QLatin1String(name)); };
        QVERIFY(overlay("busyTopN") && overlay("busyCountries") && overlay("busyCharts"));
        QTRY_VERIFY(!overlay("busyTopN")->isVisible());
        const int rows = w.topNProxy()->rowCount();
        QVERIFY(rows > 0);
        auto* worker = w.controller()->findChild<QueryWorker*>();
        QVERIFY(worker);
        worker->setHeld(true);
        auto* ip = w.findChild<QLineEdit*>(QStringLiteral("ipEdit"));
        typeInto(ip, QStringLiteral("10.0.0.0/8"));
        QVERIFY(w.controller()->snapshot()->paramsGeneration != w.controller()->paramsGeneration());
        // Each overlay is shown over the whole of its view.
        const std::pair<const char*, QWidget*> views[]
            = { { "busyTopN", w.topNView() }, { "busyCountries", w.filterPanel()->countryView() },
                  { "busyCharts", w.findChild<ChartsPanel*>() } };
        for (const auto& [name, view] : views) {
            QVERIFY2(view && overlay(name)->isVisible(), name);
            QCOMPARE(QRect(overlay(name)->mapToGlobal(QPoint(0, 0)), overlay(name)->size()),
                QRect(view->mapToGlobal(QPoint(0, 0)), view->size()));
        }
        QCOMPARE(w.topNProxy()->rowCount(), rows); // the old numbers stay
        worker->setHeld(false);
        QVERIFY(uitest::nextSnapshot(*w.controller()));
        for (const char* name : { "busyTopN", "busyCountries", "busyCharts" })
            QTRY_VERIFY2(!overlay(name)->isVisible(), name);

        // Charting other ads makes only the charts out of date.
        worker->setHeld(true);
        w.controller()->setSelectedAds({ "ad-none" });
        QVERIFY(overlay("busyCharts")->isVisible());
        QVERIFY(!overlay("busyTopN")->isVisible());
        QVERIFY(!overlay("busyCountries")->isVisible());
        worker->setHeld(false);
        QVERIFY(uitest::nextSnapshot(*w.controller()));
        QTRY_VERIFY(!overlay("busyCharts")->isVisible());
    }

    //! The rejected lines: search, one reason with its count, copy the raw line, open the
    //! source at the line.
    void rejectsTable()
    {
        const RejectsFile f = writeRejectsFile(m_dir.path());
        MainWindow w;
        openSettled(w, QStringLiteral("rejects.db"), f.path);
        auto* view = w.findChild<QTableView*>(QStringLiteral("rejectsView"));
        QVERIFY(view);
        QTRY_COMPARE(view->model()->rowCount(), 3);
        auto* search = w.findChild<QLineEdit*>(QStringLiteral("rejectsSearch"));
        QVERIFY(search);
        QTest::keyClicks(search, QStringLiteral("badtoken"));
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(
            view->model()->index(0, RejectsModel::LineColumn).data().toString(), f.lines[f.badTokenLine - 1]);
        search->clear();
        QCOMPARE(view->model()->rowCount(), 3);

        auto* reason = w.findChild<QComboBox*>(QStringLiteral("rejectsReason"));
        QVERIFY(reason);
        const int badTime = reason->findData(QStringLiteral("bad_timestamp"));
        QVERIFY(badTime > 0);
        QCOMPARE(reason->itemText(badTime), QStringLiteral("bad_timestamp (2)"));
        QCOMPARE(reason->itemText(reason->findData(QStringLiteral("bad_ip"))), QStringLiteral("bad_ip (1)"));
        reason->setCurrentIndex(badTime);
        QCOMPARE(view->model()->rowCount(), 2);
        for (int r = 0; r < 2; ++r)
            QCOMPARE(view->model()->index(r, RejectsModel::ReasonColumn).data().toString(),
                QStringLiteral("bad_timestamp"));
        reason->setCurrentIndex(0);

        // Copy: the line as it was read.
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        view->sortByColumn(RejectsModel::OffsetColumn, Qt::AscendingOrder);
        view->setFocus();
        view->selectRow(1);
        QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(), f.lines[f.badIpLine - 1]);

        // Open the source at the line: the file and line number, the lines around it.
        QAction* open = nullptr;
        for (QAction* a : view->actions())
            if (a->objectName() == QStringLiteral("openSourceAction")) open = a;
        QVERIFY(open);
        view->setCurrentIndex(view->model()->index(1, 0));
        open->trigger();
        auto* dialog = w.findChild<QDialog*>(QStringLiteral("sourceLineDialog"));
        QVERIFY(dialog);
        auto* location = dialog->findChild<QLabel*>(QStringLiteral("sourceLocation"));
        auto* lines = dialog->findChild<QPlainTextEdit*>(QStringLiteral("sourceLines"));
        QVERIFY(location && lines);
        QTRY_VERIFY2(location->text().contains(QStringLiteral("%1:%2 ").arg(f.path).arg(f.badIpLine)),
            qPrintable(location->text()));
        const QString text = lines->toPlainText();
        QString marked;
        for (const QString& line : text.split(QLatin1Char('\n')))
            if (line.startsWith(QStringLiteral("▶"))) marked = line;
        QVERIFY2(
            marked.simplified() == QStringLiteral("▶ %1 %2").arg(f.badIpLine).arg(f.lines[f.badIpLine - 1]),
            qPrintable(text));
        QVERIFY(text.contains(f.lines[f.badIpLine - 2]) && text.contains(f.lines[f.badIpLine]));
        dialog->close();
    }
};

int main(int argc, char** argv)
{
    qputenv("TZ", "Europe/Berlin"); // local time with an offset (before Qt reads the zone)
    QApplication app(argc, argv);
    TestUiTables test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_ui_tables.moc"
