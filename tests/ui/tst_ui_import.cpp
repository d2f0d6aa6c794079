// Issue 10, items 1, 5 and 6 in the window: opening a file shows the import preview (the sniffer's
// first lines with their verdicts, format, mapping, order), where the column map, time format and
// zone are chosen (the preview is read again with them), and those choices reach the ingest; a file whose
// lines are all rejected, an empty or a binary file, or an archive with many late clicks ends with a notice
// instead of "Finished" and "Waiting for data…".
#include "proc_locks.h"
#include "ui_test_support.h"

#include "ui/dashboard/ingest_worker.h"
#include "ui/widgets/import_preview_dialog.h"
#include "ui/widgets/main_window.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QTemporaryDir>

#include <algorithm>
#include <random>

using namespace adclick;
using namespace adclick::ui;
using testsupport::holdsPosixLock;

namespace {

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

//! The header stays first; the other lines are shuffled with a fixed seed.
QByteArray shuffled(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QByteArrayList lines = f.readAll().split('\n');
    while (!lines.isEmpty() && lines.back().isEmpty())
        lines.removeLast();
    std::mt19937 random(3);
    std::shuffle(lines.begin() + 1, lines.end(), random);
    return lines.join('\n') + '\n';
}

QStringList column(QTableWidget* t, int c)
{
    QStringList out;
    for (int r = 0; r < t->rowCount(); ++r)
        out << t->item(r, c)->text();
    return out;
}

//! Picks `text` in a non-editable combo as a user does from the keyboard: Home, then Down.
bool chooseInCombo(QComboBox* combo, const QString& text)
{
    const int index = combo->findText(text);
    if (index < 0 || !combo->isEnabled()) return false;
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_Home);
    for (int i = 0; i < index; ++i)
        QTest::keyClick(combo, Qt::Key_Down);
    return combo->currentIndex() == index;
}

//! Types `text` into an editable combo over what it holds, as a user does.
void typeInCombo(QComboBox* combo, const QString& text)
{
    combo->lineEdit()->setFocus();
    combo->lineEdit()->selectAll();
    QTest::keyClick(combo->lineEdit(), Qt::Key_Backspace);
    QTest::keyClicks(combo->lineEdit(), text);
}

//! The dialog has read the file again with the options it shows.
bool sniffSettled(ImportPreviewDialog* d)
{
    return QTest::qWaitFor([d] { return !d->isSniffing(); }, 20'000);
}

//! The generated log with its header renamed to names no synonym knows: `map` gets, per field the
//! header has, the new name ("col3" for the fourth column). Other columns keep their names.
QByteArray foreignHeader(const QString& path, core::ColumnMap& map)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QByteArray content = f.readAll();
    const qsizetype eol = content.indexOf('\n');
    QList<QByteArray> names = content.left(eol).split(',');
    for (int i = 0; i < names.size(); ++i) {
        core::ClickField field {};
        int rank = 0;
        if (!core::fieldOfName(names[i].trimmed().toStdString(), field, rank)) continue;
        names[i] = "col" + QByteArray::number(i);
        map[field] = names[i].toStdString();
    }
    return names.join(',') + content.mid(eol);
}

} // namespace

class TestUiImport : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_dbs = 0;

    QString file(const QString& name, const QByteArray& content)
    {
        const QString path = m_dir.filePath(name);
        if (!writeFile(path, content)) qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    //! A window with its own database, shown.
    std::unique_ptr<MainWindow> window()
    {
        auto w = std::make_unique<MainWindow>();
        w->setDatabaseOverride(m_dir.filePath(QStringLiteral("i%1.db").arg(++m_dbs)));
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get())) qWarning("window not exposed");
        return w;
    }

    //! The preview of `w`, once it is on screen.
    static ImportPreviewDialog* waitForPreview(MainWindow& w)
    {
        if (!QTest::qWaitFor([&] { return w.previewDialog() && w.previewDialog()->isVisible(); }, 20'000))
            return nullptr;
        return w.previewDialog();
    }

    //! Waits for the run's end and a snapshot of the window's current parameters made after it
    //! (the parameters may change meanwhile: the first data selects the top ads to chart).
    static bool settled(MainWindow& w)
    {
        DashboardController* c = w.controller();
        if (!QTest::qWaitFor([&] { return !c->ingestActive(); }, 60'000)) return false;
        c->refresh();
        return QTest::qWaitFor(
            [&] {
                const SnapshotPtr s = c->snapshot();
                return s && s->paramsGeneration == c->paramsGeneration() && !s->ingest.active()
                    && s->ingest.run != 0;
            },
            60'000);
    }

    //! The text under the top-N table once the run ended and a snapshot after it is shown.
    static QString settledWindowText(MainWindow& w)
    {
        if (!settled(w)) return {};
        auto* label = w.findChild<QLabel*>(QStringLiteral("windowLabel"));
        QTest::qWait(200); // the snapshot reaches the panels in the same event loop turn
        return label ? label->text() : QString();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        QApplication::setOrganizationName(QStringLiteral("AdClickTest"));
        QApplication::setApplicationName(QStringLiteral("tst_ui_import"));
    }

    // A hand-made CSV: the dialog lists each line with the verdict worked out by hand, the
    // mapping, and preselects "any order" (1 of 2 clicks would be late); the choice made there is
    // what the ingest gets.
    void previewShowsVerdictsAndTheOrderReachesTheIngest()
    {
        const QString log = file(QStringLiteral("hand.csv"),
            "ad_id,click_timestamp,user_id,ip,country,note\n"
            "a1,2021-01-01 00:05:00,u1,1.2.3.4,US,x\n"
            "a2,2021-01-01 00:00:01,u2,1.2.3.4,US,y\n" // 5 min behind a1: late with 60 s
            "a3,2021-01-01 00:05:01,u3,not-an-ip,US,z\n");
        auto w = window();
        w->previewArchive({ log });
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(column(d->linesTable(), 0), QStringList({ "1", "2", "3", "4" }));
        QCOMPARE(
            column(d->linesTable(), 1), QStringList({ "header", "accepted", "late", "rejected: bad_ip" }));
        QVERIFY(d->linesTable()->item(3, 3)->text().contains(QStringLiteral("not-an-ip")));
        QCOMPARE(d->mappingTable()->item(3, 0)->text(), QStringLiteral("ip"));
        QCOMPARE(d->mappingTable()->item(3, 1)->text(), QStringLiteral("column 4 · ip"));
        QVERIFY(
            d->summary(QStringLiteral("format")).startsWith(QStringLiteral("CSV with a header on line 1")));
        QVERIFY(d->summary(QStringLiteral("order")).contains(QStringLiteral("50.0 %")));
        QVERIFY(d->summary(QStringLiteral("notes")).contains(QStringLiteral("ignored")) == false);
        QVERIFY(d->anyOrderButton()->isChecked()); // the default for archives
        QVERIFY(!w->controller()->source().isValid()); // nothing is read before the choice

        d->timeOrderButton()->setChecked(true);
        d->accept();
        QTRY_VERIFY(w->controller()->source().isValid());
        QVERIFY(!w->controller()->source().orderAny);
        QVERIFY(!ingestOptionsFor(w->controller()->source()).orderAny);
        QVERIFY(settled(*w));

        w->previewArchive({ log });
        d = waitForPreview(*w);
        QVERIFY(d);
        d->setOrderAny(true);
        d->accept();
        QTRY_VERIFY(w->controller()->source().orderAny);
        QVERIFY(ingestOptionsFor(w->controller()->source()).orderAny);
        // The other reading is another database by default (its counts differ).
        SourceSpec timeOrder = w->controller()->source();
        timeOrder.orderAny = false;
        QVERIFY(defaultDatabaseFor(timeOrder) != defaultDatabaseFor(w->controller()->source()));
        QVERIFY(settled(*w));
    }

    // Archives are read in any order by default, a log in time order (the generator's: 0.5 %
    // late) too; the sniff's order figure is shown. Cancelling reads nothing.
    void archivesDefaultToAnyOrder()
    {
        const uitest::Generated g
            = uitest::generate(m_dir.path(), QStringLiteral("gen.csv"), 5000, 50, false);
        auto w = window();
        w->previewArchive({ g.path });
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        QVERIFY(d->anyOrderButton()->isChecked());
        QVERIFY(d->summary(QStringLiteral("time")).contains(QStringLiteral("2021-01-01")));
        d->reject();
        QTest::qWait(100);
        QVERIFY(!w->controller()->source().isValid());

        w->previewArchive({ file(QStringLiteral("gen-shuffled.csv"), shuffled(g.path)) });
        d = waitForPreview(*w);
        QVERIFY(d);
        QVERIFY(d->anyOrderButton()->isChecked());
        QVERIFY(d->summary(QStringLiteral("notes")).contains(QStringLiteral("--order any")));
    }

    // A CSV whose columns have names no synonym knows: nothing is read until the user maps each
    // field in the dialog's combos; the preview is then read again with the map (the header
    // becomes a header, the rows clicks) and the ingest counts exactly the generator's truth.
    // The map is part of the source's identity: its own default database.
    void mappingChosenInTheDialogReachesTheIngest()
    {
        const uitest::Generated g
            = uitest::generate(m_dir.path(), QStringLiteral("mapped-gen.csv"), 3000, 50);
        core::ColumnMap expected;
        const QString log = file(QStringLiteral("mapped.csv"), foreignHeader(g.path, expected));
        QVERIFY(expected[core::ClickField::AdId] && expected[core::ClickField::ClickTimestamp]);
        auto w = window();
        w->previewArchive({ log });
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(d->sniff().events, 0); // read by position: every row is too long
        QVERIFY(d->linesTable()->item(0, 1)->text().startsWith(QStringLiteral("rejected")));
        QVERIFY(d->fieldCombo(core::ClickField::AdId)->isEnabled()); // the header's names are offered

        for (std::size_t i = 0; i < core::kClickFieldCount; ++i) {
            const auto& column = expected.columns[i];
            if (!column) continue;
            QVERIFY2(chooseInCombo(d->fieldCombo(core::ClickField(i)), QString::fromStdString(*column)),
                column->c_str());
        }
        QVERIFY(sniffSettled(d));
        QCOMPARE(d->shownOptions().map, expected);
        QCOMPARE(column(d->linesTable(), 1).value(0), QStringLiteral("header"));
        QVERIFY(d->sniff().events > 2900);
        QCOMPARE(d->mappingTable()->item(0, 1)->text().section(QStringLiteral(" · "), 1),
            QString::fromStdString(*expected[core::ClickField::AdId]));

        d->timeOrderButton()->setChecked(true); // the truth is for lines read in time order
        d->accept();
        QTRY_VERIFY(w->controller()->source().isValid());
        const SourceSpec source = w->controller()->source();
        QCOMPARE(source.parser.map, expected);
        QCOMPARE(ingestOptionsFor(source).parser.map, expected);
        SourceSpec unmapped = source;
        unmapped.parser = {};
        QVERIFY(defaultDatabaseFor(unmapped) != defaultDatabaseFor(source));
        const SnapshotPtr s = uitest::settle(*w->controller());
        QVERIFY(s);
        QCOMPARE(s->counters.lines, g.truth.counter("lines"));
        QCOMPARE(s->counters.accepted, g.truth.counter("accepted"));
        QCOMPARE(s->counters.duplicates, g.truth.counter("duplicates"));
        QCOMPARE(s->counters.late, g.truth.counter("late"));
        QCOMPARE(s->counters.rejected, g.truth.counter("rejected"));

        // The same database with another map: the ingest refuses it, and the window says why.
        w->previewArchive({ log });
        d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(d->shownOptions().map, core::ColumnMap {}); // a new preview starts from names again
        for (std::size_t i = 0; i < 2; ++i)
            QVERIFY(chooseInCombo(
                d->fieldCombo(core::ClickField(i)), QString::fromStdString(*expected.columns[i])));
        QVERIFY(sniffSettled(d));
        d->timeOrderButton()->setChecked(true);
        d->accept();
        QTRY_VERIFY_WITH_TIMEOUT(
            w->bannerText().contains(QStringLiteral("two different column maps")), 20'000);
    }

    // Stamps written day-first: rejected until the format is chosen (the dialog offers the
    // pattern the sniffer recognised); then a time zone moves the range by its offset; a zone
    // that does not exist cannot be read with. The choice reaches the ingest.
    void timeFormatAndZoneChangeTheVerdicts()
    {
        const QString log = file(QStringLiteral("day-first.csv"),
            "ad_id,click_timestamp,user_id,ip,country\n"
            "a1,13/01/2021 10:00,u1,1.2.3.4,US\n"
            "a2,13/01/2021 11:30,u2,1.2.3.4,US\n"
            "a3,13/01/2021 08:15,u3,1.2.3.4,US\n");
        constexpr int64_t kDay = 86'400'000, kMin = 60'000, T0 = 1609459200000; // 2021-01-01 UTC
        auto w = window();
        w->previewArchive({ log });
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        const QStringList rejected(3, QStringLiteral("rejected: bad_timestamp"));
        QCOMPARE(column(d->linesTable(), 1).mid(1), rejected);
        QVERIFY2(d->summary(QStringLiteral("time")).contains(QStringLiteral("%d/%m/%Y %H:%M")),
            qPrintable(d->summary(QStringLiteral("time"))));

        // The recognised pattern is one of the format combo's choices.
        QComboBox* format = d->timeFormatCombo();
        const int offered = format->findText(QStringLiteral("%d/%m/%Y %H:%M"));
        QVERIFY(offered >= 0);
        format->setFocus();
        QTest::keyClick(format, Qt::Key_Home);
        for (int i = 0; i < offered; ++i)
            QTest::keyClick(format, Qt::Key_Down);
        QTRY_COMPARE_WITH_TIMEOUT(d->shownOptions().time.format(), std::string("%d/%m/%Y %H:%M"), 20'000);
        QVERIFY(sniffSettled(d));
        // Read in this order, the 08:15 click is behind the others by over 3 hours: late.
        QCOMPARE(column(d->linesTable(), 1).mid(1), QStringList({ "accepted", "accepted", "late" }));
        QCOMPARE(d->sniff().minTimeMs, T0 + 12 * kDay + (8 * 60 + 15) * kMin);
        QCOMPARE(d->sniff().maxTimeMs, T0 + 12 * kDay + (11 * 60 + 30) * kMin);

        typeInCombo(d->timeZoneCombo(), QStringLiteral("+05:30"));
        QTRY_COMPARE_WITH_TIMEOUT(d->shownOptions().time.zone().name(), std::string("+05:30"), 20'000);
        QVERIFY(sniffSettled(d));
        QCOMPARE(d->sniff().minTimeMs, T0 + 12 * kDay + (8 * 60 + 15 - 330) * kMin);
        QCOMPARE(d->sniff().timeZone, std::string("+05:30"));
        QVERIFY2(d->summary(QStringLiteral("time")).contains(QStringLiteral("read as +05:30")),
            qPrintable(d->summary(QStringLiteral("time"))));

        typeInCombo(d->timeZoneCombo(), QStringLiteral("Mars/Olympus"));
        QTRY_VERIFY_WITH_TIMEOUT(!d->optionsError().isEmpty() && !d->isSniffing(), 20'000);
        auto* state = d->findChild<QLabel*>(QStringLiteral("previewOptionsState"));
        QVERIFY(state && state->text().startsWith(QStringLiteral("Cannot use")));
        QCOMPARE(d->sniff().timeZone, std::string("+05:30")); // the last good reading stays

        typeInCombo(d->timeZoneCombo(), QStringLiteral("Asia/Kolkata"));
        QTRY_COMPARE_WITH_TIMEOUT(d->shownOptions().time.zone().name(), std::string("Asia/Kolkata"), 20'000);
        QVERIFY(sniffSettled(d));
        QCOMPARE(d->sniff().minTimeMs, T0 + 12 * kDay + (8 * 60 + 15 - 330) * kMin); // +05:30 too
        d->accept(); // in any order, the archive default
        QTRY_VERIFY(w->controller()->source().isValid());
        QCOMPARE(w->controller()->source().parser.time.spec(), std::string("Asia/Kolkata|%d/%m/%Y %H:%M"));
        const SnapshotPtr s = uitest::settle(*w->controller());
        QVERIFY(s);
        QCOMPARE(s->counters.accepted, 3);
        QCOMPARE(s->counters.rejected, 0);
    }

    // A followed file is read in time order: the choice is not offered.
    void followPreview()
    {
        const uitest::Generated g
            = uitest::generate(m_dir.path(), QStringLiteral("follow.csv"), 500, 50, false);
        auto w = window();
        w->previewFollow(g.path);
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        QVERIFY(!d->anyOrderButton()->isEnabled());
        d->accept();
        QTRY_COMPARE(w->controller()->source().kind, SourceSpec::Kind::Follow);
        QVERIFY(!ingestOptionsFor(w->controller()->source()).orderAny);
        w->controller()->stopSource();
    }

    // The window's database kept in the folder of its logs: a preview of that folder reads the
    // logs only. Opening and closing the database's files would drop the SQLite locks this process
    // holds on them (POSIX locks belong to the process): checked in /proc/locks.
    void previewOfTheDatabasesFolderKeepsItsLocks()
    {
        const QString folder = m_dir.filePath(QStringLiteral("withdb"));
        QVERIFY(QDir().mkpath(folder));
        const uitest::Generated g = uitest::generate(folder, QStringLiteral("app.log"), 500, 50, false);
        const QString db = folder + QStringLiteral("/app.db");
        auto w = std::make_unique<MainWindow>();
        w->setDatabaseOverride(db);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        w->previewArchive({ g.path });
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        d->accept();
        QVERIFY(settled(*w));
        QVERIFY(holdsPosixLock(QCoreApplication::applicationPid(), db + "-shm")); // the window reads it

        w->previewArchive({ folder });
        d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(d->linesTable()->item(0, 1)->text(), QStringLiteral("header"));
        QVERIFY(holdsPosixLock(QCoreApplication::applicationPid(), db + "-shm"));
        d->reject();
    }

    // The public dataset with its header: nothing is read, and the window names the --map
    // that would read it.
    void foreignHeaderNamesTheMap()
    {
        const QString log = file(QStringLiteral("foreign-header.csv"),
            "ip,app,device,os,channel,click_time,attributed_time,is_attributed\n"
            "83230,3,1,13,379,2017-11-06 14:32:21,,0\n");
        auto w = window();
        w->openArchive({ log });
        QTRY_VERIFY_WITH_TIMEOUT(w->bannerText().contains(QStringLiteral("--map ad_id=app")), 20'000);
        QVERIFY2(w->bannerText().contains(QStringLiteral("click_time")), qPrintable(w->bannerText()));
    }

    // The same rows without a header: every line rejected. The window says so, with the reasons,
    // instead of "Finished" and then "Waiting for data…" forever.
    void allRejectedShowsANotice()
    {
        const QString log = file(QStringLiteral("foreign.csv"),
            "83230,3,1,13,379,2017-11-06 14:32:21,,0\n"
            "17357,3,1,19,379,2017-11-06 14:33:34,,0\n"
            "35810,3,1,13,379,2017-11-06 14:34:12,,0\n");
        auto w = window();
        w->openArchive({ log });
        const QString text = settledWindowText(*w);
        QVERIFY2(!text.contains(QStringLiteral("Waiting for data")), qPrintable(text));
        QVERIFY2(text.startsWith(QStringLiteral("No clicks. Every line of")), qPrintable(text));
        QVERIFY2(w->bannerText().contains(QStringLiteral("was rejected (3 lines: too_many_fields 3)")),
            qPrintable(w->bannerText()));
        QVERIFY(w->bannerText().contains(QStringLiteral("a CSV needs a header")));
        auto* status = w->findChild<QLabel*>(QStringLiteral("statusText"));
        QVERIFY(status);
        QVERIFY2(
            status->text().startsWith(QStringLiteral("Nothing counted from")), qPrintable(status->text()));
    }

    // A ';' log: the preview finds that ',' reads no click and shows it read with ';' (the choice
    // is offered and can be changed back); the ingest reads it with ';', into a database of its own.
    void semicolonLogIsReadWithItsDelimiter()
    {
        const QString log = file(QStringLiteral("semicolon.csv"),
            "ad_id;click_timestamp;user_id;ip;country\n"
            "a1;2021-01-01 00:00:01;u1;1.2.3.4;DE\n"
            "\"a;2\";2021-01-01 00:00:02;u2;1.2.3.4;FR\n"
            "a1;2021-01-01 00:01:03;u3;1.2.3.4;DE\n");
        auto w = window();
        w->previewArchive({ log });
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(d->delimiterCombo()->currentData().toInt(), int(';'));
        QCOMPARE(d->sniff().events, 3);
        QCOMPARE(column(d->linesTable(), 1), QStringList({ "header", "accepted", "accepted", "accepted" }));

        QVERIFY(chooseInCombo(d->delimiterCombo(), QStringLiteral("comma ,")));
        QVERIFY(sniffSettled(d));
        QCOMPARE(d->sniff().events, 0); // the user's choice is shown as it reads
        QCOMPARE(d->shownOptions().delimiter, ',');
        QVERIFY(chooseInCombo(d->delimiterCombo(), QStringLiteral("semicolon ;")));
        QVERIFY(sniffSettled(d));
        QCOMPARE(d->sniff().events, 3);

        d->timeOrderButton()->setChecked(true);
        d->accept();
        QTRY_VERIFY(w->controller()->source().isValid());
        const SourceSpec source = w->controller()->source();
        QCOMPARE(source.parser.delimiter, ';');
        QCOMPARE(ingestOptionsFor(source).parser.delimiter, ';');
        SourceSpec comma = source;
        comma.parser.delimiter = ',';
        QVERIFY(defaultDatabaseFor(comma) != defaultDatabaseFor(source));
        const SnapshotPtr s = uitest::settle(*w->controller());
        QVERIFY(s);
        QCOMPARE(s->counters.accepted, 3);
        QCOMPARE(s->counters.rejected, 0);

        // Columns of names none of which is known: ';' still reads the rows better than ',' (their
        // names are offered to map), so the preview shows them read with ';'.
        const QString foreign = file(QStringLiteral("semicolon-foreign.csv"),
            "Advertiser Ad;When;Geo\n"
            "a1;2021-01-01 00:00:01;DE\n"
            "a2;2021-01-01 00:00:02;FR\n");
        w->previewArchive({ foreign });
        d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(d->delimiterCombo()->currentData().toInt(), int(';'));
        QCOMPARE(d->sniff().events, 0);
        QVERIFY(d->fieldCombo(core::ClickField::AdId)->isEnabled());
        QVERIFY(d->fieldCombo(core::ClickField::AdId)->findText(QStringLiteral("Advertiser Ad")) > 0);
        d->reject();
    }

    // The command line and drag and drop (openArguments) open a file as it is when its first
    // lines read as clicks. When they do not, the preview comes first with what it found: a ';'
    // log gets the dialog with ';' chosen, a log whose lines are all rejected the dialog too, and
    // nothing is opened until the user says how. An empty file opens as it is (nothing to choose).
    void openedFilesShowThePreviewOnlyWhenTheyNeedIt()
    {
        const QString comma = file(QStringLiteral("dropped-comma.csv"),
            "ad_id,click_timestamp,user_id,ip,country\n"
            "a1,2021-01-01 00:00:01,u1,1.2.3.4,DE\n");
        auto w = window();
        w->openArguments({ comma });
        QTRY_COMPARE(w->controller()->source().paths, QStringList { comma });
        QVERIFY(!w->previewDialog());
        SnapshotPtr s = uitest::settle(*w->controller());
        QVERIFY(s);
        QCOMPARE(s->counters.accepted, 1);

        const QString semicolon = file(QStringLiteral("dropped-semicolon.csv"),
            "ad_id;click_timestamp;user_id;ip;country\n"
            "a1;2021-01-01 00:00:01;u1;1.2.3.4;DE\n"
            "a2;2021-01-01 00:00:02;u2;1.2.3.4;FR\n");
        w->openArguments({ semicolon });
        ImportPreviewDialog* d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(d->delimiterCombo()->currentData().toInt(), int(';'));
        QCOMPARE(w->controller()->source().paths, QStringList { comma }); // not opened yet
        d->accept();
        QTRY_COMPARE(w->controller()->source().paths, QStringList { semicolon });
        QCOMPARE(w->controller()->source().parser.delimiter, ';');
        s = uitest::settle(*w->controller());
        QVERIFY(s);
        QCOMPARE(s->counters.accepted, 2);
        QCOMPARE(s->counters.rejected, 0);

        const QString foreign = file(QStringLiteral("dropped-foreign.csv"),
            "83230,3,1,13,379,2017-11-06 14:32:21,,0\n"
            "17357,3,1,19,379,2017-11-06 14:33:34,,0\n");
        w->openArguments({ foreign });
        d = waitForPreview(*w);
        QVERIFY(d);
        QCOMPARE(d->sniff().events, 0);
        d->reject();
        QTest::qWait(200);
        QCOMPARE(w->controller()->source().paths, QStringList { semicolon });

        const QString empty = file(QStringLiteral("dropped-empty.log"), "");
        w->openArguments({ empty });
        QTRY_COMPARE(w->controller()->source().paths, QStringList { empty });
        QVERIFY(!w->previewDialog() || !w->previewDialog()->isVisible());
    }

    void emptyAndBinaryFilesShowANotice()
    {
        auto w = window();
        w->openArchive({ file(QStringLiteral("empty.log"), QByteArray()) });
        QString text = settledWindowText(*w);
        QVERIFY2(text.contains(QStringLiteral("is empty")), qPrintable(text));
        QVERIFY(w->bannerText().contains(QStringLiteral("is empty")));

        auto w2 = window();
        w2->openArchive({ file(
            QStringLiteral("picture.png"), QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\x02", 18)) });
        text = settledWindowText(*w2);
        QVERIFY2(text.contains(QStringLiteral("not a text click log")), qPrintable(text));
        QVERIFY(w2->bannerText().contains(QStringLiteral("binary_bytes")));
    }

    // Many late clicks: the data is shown, and a warning says what happened and what to choose.
    void manyLateClicksShowAWarning()
    {
        const uitest::Generated g
            = uitest::generate(m_dir.path(), QStringLiteral("late.csv"), 5000, 20, false);
        auto w = window();
        w->openArchive({ file(QStringLiteral("late-shuffled.csv"), shuffled(g.path)) });
        QVERIFY(settled(*w));
        QTRY_VERIFY_WITH_TIMEOUT(w->bannerText().contains(QStringLiteral("were late")), 10'000);
        QVERIFY(w->bannerText().contains(QStringLiteral("Lines in any order")));
    }
};

QTEST_MAIN(TestUiImport)
#include "tst_ui_import.moc"
