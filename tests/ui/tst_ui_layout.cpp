// The main window's fit, keyboard use and theme (issue 11 defects 5, 11, 12, the health dock of 13,
// dark mode), offscreen: it fits 1024×640 with every ad id whole, its first size fits the screen
// at 150 % and 200 %, a long health message does not widen its dock, Tab goes from panel to
// panel without touching a selection, every main action has a shortcut that Help lists,
// --help/--version need no display, and View → Theme switches the palette and the charts.
// The window is found through its widgets' object names and its menus, as a user finds them.
#include "ui_test_support.h"

#include "ui/charts/clicks_chart.h"
#include "ui/models/top_n_model.h"
#include "ui/widgets/main_window.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDockWidget>
#include <QHelpEvent>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStyle>
#include <QTabBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolTip>
#include <QXYSeries>

#include <set>

using namespace adclick;
using namespace adclick::ui;

namespace {

QString plain(QString text)
{
    return text.remove(QLatin1Char('&'));
}

//! Every action of the menu bar's menus (submenus included), by its text without '&'.
void collectActions(QMenu* menu, QList<QAction*>& out)
{
    for (QAction* a : menu->actions()) {
        if (a->isSeparator()) continue;
        if (a->menu())
            collectActions(a->menu(), out);
        else
            out << a;
    }
}

QList<QAction*> menuActions(QMainWindow& w)
{
    QList<QAction*> out;
    for (QAction* top : w.menuBar()->actions())
        if (top->menu()) collectActions(top->menu(), out);
    return out;
}

QAction* actionNamed(QMainWindow& w, const QString& text)
{
    for (QAction* a : menuActions(w))
        if (plain(a->text()).startsWith(text)) return a;
    return nullptr;
}

std::set<std::string> selectedAds(QTableView* view)
{
    std::set<std::string> ads;
    for (const QModelIndex& i : view->selectionModel()->selectedRows(TopNModel::AdColumn))
        ads.insert(i.data().toString().toStdString());
    return ads;
}

//! Every visible dock tab shows its whole title; false also when no tab is visible.
bool dockTabsAreWhole(QMainWindow& w)
{
    bool seen = false;
    for (auto* bar : w.findChildren<QTabBar*>()) {
        if (!bar->isVisible()) continue;
        // Tabs are shrunk (and their titles elided) when together they need more than the bar has.
        if (bar->sizeHint().width() > bar->width()) {
            qWarning("dock tabs need %d px, have %d", bar->sizeHint().width(), bar->width());
            return false;
        }
        for (int i = 0; i < bar->count(); ++i) {
            seen = true;
            if (bar->fontMetrics().horizontalAdvance(bar->tabText(i)) >= bar->tabRect(i).width()) {
                qWarning("tab \"%s\" is cut", qPrintable(bar->tabText(i)));
                return false;
            }
        }
    }
    return seen;
}

} // namespace

class TestUiLayout : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    uitest::Generated m_log;
    QPalette m_systemPalette;

    //! A window showing the generated archive (its top-N filled and the top three charted).
    void openLog(MainWindow& w, const QString& db)
    {
        w.setDatabaseOverride(m_dir.filePath(db));
        w.openArchive({ m_log.path });
        QTRY_VERIFY_WITH_TIMEOUT(
            w.controller()->source().isValid() && !w.controller()->ingestActive(), 90'000);
        QTRY_VERIFY_WITH_TIMEOUT(w.topNProxy()->rowCount() >= 3, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(w.chartedAds().size(), std::size_t(3), 30'000);
    }

    //! `--screenshot` of the archive at QT_SCALE_FACTOR `scale` on an offscreen screen of
    //! `screen` physical pixels: the PNG (physical pixels, as the window is on the screen).
    QImage screenshotAt(double scale, QSize screen)
    {
        const QString config = m_dir.filePath(QStringLiteral("screen-%1.json").arg(scale));
        QFile f(config);
        if (!f.open(QIODevice::WriteOnly)) return {};
        f.write(QStringLiteral(R"({"windowFrameMargins": false, "screens": [{"name": "s", "x": 0, "y": 0,
            "width": %1, "height": %2, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})")
                    .arg(screen.width())
                    .arg(screen.height())
                    .toUtf8());
        f.close();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen:configfile=") + config);
        env.insert(QStringLiteral("QT_SCALE_FACTOR"), QString::number(scale));
        // A fresh settings folder: no saved geometry of another screen.
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("cfg-%1").arg(scale)));
        p.setProcessEnvironment(env);
        const QString shot = m_dir.filePath(QStringLiteral("scaled-%1.png").arg(scale));
        p.start(QStringLiteral(ADCLICK_MONITOR),
            { QStringLiteral("--db"), m_dir.filePath(QStringLiteral("scaled-%1.db").arg(scale)),
                QStringLiteral("--screenshot"), shot, QStringLiteral("--screenshot-after"),
                QStringLiteral("1"), m_log.path });
        if (!p.waitForFinished(60'000) || p.exitCode() != 0) {
            qWarning("monitor: %s", p.readAllStandardError().constData());
            return {};
        }
        return QImage(shot);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        uitest::isolate(m_dir.path());
        QApplication::setOrganizationName(QStringLiteral("AdClickTest"));
        QApplication::setApplicationName(QStringLiteral("tst_ui_layout"));
        m_log = uitest::generate(m_dir.path(), QStringLiteral("clicks.csv"), 20'000, 100, false);
        m_systemPalette = QApplication::palette();
    }

    // Defect 5: the minimum size was 1289×745 and ad ids became "…" at it.
    void fitsASmallScreenWithWholeAdIds()
    {
        MainWindow w;
        const QSize min = w.minimumSizeHint().expandedTo(w.minimumSize());
        QVERIFY2(min.width() <= 1024 && min.height() <= 640,
            qPrintable(QStringLiteral("minimum %1×%2").arg(min.width()).arg(min.height())));
        w.resize(1024, 640);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        openLog(w, QStringLiteral("small.db"));
        QTRY_COMPARE(w.size(), QSize(1024, 640));
        QTableView* view = w.topNView();
        QTRY_VERIFY(view->isVisible() && view->viewport()->width() > 0);
        // Every ad id fits its cell, and the column is on screen (not scrolled away).
        const int column = view->columnWidth(TopNModel::AdColumn);
        // The item delegate elides what is wider than the cell less its text margins.
        const int margins = 2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1);
        for (int r = 0; r < w.topNProxy()->rowCount(); ++r) {
            // Ad ids and shares are read whole; only the change column may be elided.
            for (const int c : { int(TopNModel::AdColumn), int(TopNModel::ShareColumn) }) {
                const QString text = w.topNProxy()->index(r, c).data().toString();
                QVERIFY2(view->fontMetrics().horizontalAdvance(text) + margins <= view->columnWidth(c),
                    qPrintable(QStringLiteral("%1 in %2 px").arg(text).arg(view->columnWidth(c))));
            }
        }
        QVERIFY(view->columnViewportPosition(TopNModel::AdColumn) + column <= view->viewport()->width());
        // The charts keep a usable room.
        QVERIFY(w.adChart()->width() >= 250 && w.adChart()->height() >= 80);
        // The three docks are tabs side by side, each with its whole title.
        QVERIFY(dockTabsAreWhole(w));
    }

    // Seen at 150 % (1280×720 logical and less): the filter dock scrolled sideways and hid its
    // buttons ("Clea…"), and the tab beside it read "F…". The first layout gives the filters
    // their whole width, and the tabs their whole titles.
    void filtersAndTabsFitAtTheFirstLayout_data()
    {
        QTest::addColumn<QSize>("size");
        // The first sizes on a 1920×1080 screen at 150 % and on a 1024×640 screen (three tabs).
        QTest::newRow("1177x660") << QSize(1177, 660);
        QTest::newRow("941x589") << QSize(941, 589);
    }

    void filtersAndTabsFitAtTheFirstLayout()
    {
        QFETCH(QSize, size);
        MainWindow w;
        w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        openLog(w, QStringLiteral("filters-%1.db").arg(size.width()));
        QScrollArea* filters = nullptr;
        for (auto* dock : w.findChildren<QDockWidget*>())
            if (dock->objectName() == QStringLiteral("filterDock"))
                filters = qobject_cast<QScrollArea*>(dock->widget());
        QVERIFY(filters);
        QTRY_VERIFY(filters->isVisible() && filters->viewport()->width() > 0);
        QVERIFY2(!filters->horizontalScrollBar()->isVisible(),
            qPrintable(QStringLiteral("the panel needs %1 px, the dock shows %2")
                           .arg(filters->widget()->minimumSizeHint().width())
                           .arg(filters->viewport()->width())));
        for (auto* button : filters->widget()->findChildren<QPushButton*>())
            QVERIFY2(button->fontMetrics().horizontalAdvance(button->text()) < button->width(),
                qPrintable(button->text()));
        QVERIFY(dockTabsAreWhole(w)); // 660 px high: the anomalies are a tab beside the filters
        // The health dock's times are read whole (wrapped, not "2021-01-…8:23 UTC").
        for (const char* name : { "watermark", "newest" }) {
            auto* label = w.findChild<QLabel*>(QLatin1String(name));
            QVERIFY(label);
            const bool whole = label->wordWrap()
                ? label->minimumSizeHint().width() <= label->width()
                : label->fontMetrics().horizontalAdvance(label->text()) <= label->contentsRect().width();
            QVERIFY2(whole, qPrintable(label->text() + QStringLiteral(" in %1 px").arg(label->width())));
        }
    }

    // Defect 5: at 150 % on a 1920×1080 screen the window opened at 2400×1470 (and at 200 % it
    // could not fit either). Its first size now fits the screen it opens on.
    void firstSizeFitsTheScreenAt150And200Percent()
    {
        for (const auto& [scale, screen] :
            { std::pair { 1.5, QSize(1920, 1080) }, std::pair { 2.0, QSize(2048, 1280) } }) {
            const QImage shot = screenshotAt(scale, screen);
            QVERIFY(!shot.isNull());
            QVERIFY2(shot.width() <= screen.width() && shot.height() <= screen.height(),
                qPrintable(QStringLiteral("%1×%2 at %3").arg(shot.width()).arg(shot.height()).arg(scale)));
            QVERIFY(shot.width() >= screen.width() * 3 / 4); // and uses it
        }
    }

    // Defect 13 (health dock): a long message widened the dock and squeezed the charts.
    void longHealthMessageKeepsTheDockWidth()
    {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        openLog(w, QStringLiteral("health.db"));
        auto* dock = w.findChild<QDockWidget*>(QStringLiteral("healthDock"));
        QVERIFY(dock);
        QTest::qWait(0);
        const int dockWidth = dock->width(), chartWidth = w.adChart()->width();
        QVERIFY(dockWidth > 0);
        // A failure whose message holds a long path (one word: it cannot wrap).
        const QString name
            = QStringLiteral("missing-") + QString(160, QLatin1Char('x')) + QStringLiteral(".log");
        w.setDatabaseOverride(m_dir.filePath(QStringLiteral("missing.db")));
        w.openArchive({ m_dir.filePath(name) });
        auto* alarm = w.findChild<QLabel*>(QStringLiteral("healthAlarm"));
        QVERIFY(alarm);
        QTRY_VERIFY_WITH_TIMEOUT(alarm->isVisible() && alarm->text().contains(name), 20'000);
        QTRY_VERIFY(!w.bannerText().isEmpty());
        QTest::qWait(50); // the layout settles
        QCOMPARE(w.size(), QSize(1280, 720));
        QCOMPARE(dock->width(), dockWidth);
        QCOMPARE(w.adChart()->width(), chartWidth);
        // The whole message is one hover away.
        QHelpEvent help(QEvent::ToolTip, QPoint(5, 5), alarm->mapToGlobal(QPoint(5, 5)));
        QApplication::sendEvent(alarm, &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY(QToolTip::text().contains(name));
        QToolTip::hideText();
    }

    // Defect 11: Tab walked cell by cell through the top-N table, changing the selection and
    // the charted ads.
    void tabMovesBetweenPanelsWithoutTouchingTheSelection()
    {
        MainWindow w;
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        openLog(w, QStringLiteral("keys.db"));
        QTableView* view = w.topNView();
        QTRY_COMPARE(selectedAds(view).size(), std::size_t(3));
        const std::set<std::string> selected = selectedAds(view);
        const std::vector<std::string> charted = w.chartedAds();

        view->setFocus(Qt::TabFocusReason);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(view));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QWidget* next = QApplication::focusWidget();
        QVERIFY(next != view);
        // The next panel: the charts (their first control, the ad search box, or a chart).
        QVERIFY(next);
        QWidget* charts = w.adChart()->parentWidget();
        while (charts && !charts->inherits("adclick::ui::ChartsPanel"))
            charts = charts->parentWidget();
        QVERIFY2(charts && charts->isAncestorOf(next), qPrintable(next->objectName()));
        QCOMPARE(selectedAds(view), selected);
        QCOMPARE(w.chartedAds(), charted);
        QTest::keyClick(next, Qt::Key_Backtab);
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(view));
        QCOMPARE(selectedAds(view), selected);

        // From the filter (Ctrl+F), Tab visits each control once and then goes to the top-N panel.
        QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
        auto* ip = w.findChild<QLineEdit*>(QStringLiteral("ipEdit"));
        QVERIFY(ip);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(ip));
        QWidget* filters = w.findChild<QDockWidget*>(QStringLiteral("filterDock"));
        QList<QWidget*> visited { ip };
        for (int i = 0; i < 30 && filters->isAncestorOf(QApplication::focusWidget()); ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            QWidget* now = QApplication::focusWidget();
            QVERIFY2(!visited.contains(now) || !filters->isAncestorOf(now),
                qPrintable(QStringLiteral("Tab stayed on %1").arg(now->objectName())));
            visited << now;
        }
        QCOMPARE(QApplication::focusWidget(), w.findChild<QWidget*>(QStringLiteral("topNSpin")));
        QCOMPARE(selectedAds(view), selected);

        // The arrows move within the table.
        view->setFocus(Qt::TabFocusReason);
        const int row = view->currentIndex().row();
        QTest::keyClick(view, Qt::Key_Down);
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(view));
        QCOMPARE(view->currentIndex().row(), row + 1);
    }

    // Defect 11: four shortcuts in all. Each main action has one (distinct), and Help →
    // Keyboard shortcuts lists them.
    void everyMainActionHasAShortcutListedInHelp()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const QStringList main { QStringLiteral("Open archived logs"),
            QStringLiteral("Open a folder of logs"), QStringLiteral("Follow a growing log"),
            QStringLiteral("Connect to Kafka"), QStringLiteral("Start the demo stream"),
            QStringLiteral("Open a database"), QStringLiteral("Export top-N as CSV"),
            QStringLiteral("Export the selected ads' series"), QStringLiteral("Export aggregates"),
            QStringLiteral("Export the charts as PNG"), QStringLiteral("Quit"), QStringLiteral("Pause view"),
            QStringLiteral("Pause source"), QStringLiteral("Stop ingest"), QStringLiteral("Refresh"),
            QStringLiteral("UTC time"), QStringLiteral("Include the open minute"),
            QStringLiteral("Clear the charted ads"), QStringLiteral("Reset chart zoom"),
            QStringLiteral("Filters"), QStringLiteral("Top-N table"), QStringLiteral("Charts"),
            QStringLiteral("Time range"), QStringLiteral("Ingest health"),
            QStringLiteral("Keyboard shortcuts") };
        std::set<QString> keys;
        for (const QString& text : main) {
            QAction* a = actionNamed(w, text);
            QVERIFY2(a, qPrintable(text));
            QVERIFY2(!a->shortcut().isEmpty(), qPrintable(text + QStringLiteral(" has no shortcut")));
        }
        for (QAction* a : menuActions(w)) {
            if (a->shortcut().isEmpty()) continue;
            QVERIFY2(keys.insert(a->shortcut().toString()).second,
                qPrintable(a->shortcut().toString() + QStringLiteral(" twice")));
        }

        QTest::keyClick(&w, Qt::Key_F1);
        QDialog* help = nullptr;
        QTRY_VERIFY((help = w.findChild<QDialog*>(QStringLiteral("shortcutsDialog"))) != nullptr);
        auto* table = help->findChild<QTableWidget*>();
        QVERIFY(table);
        QStringList rows;
        for (int r = 0; r < table->rowCount(); ++r)
            rows << table->item(r, 0)->text() + QLatin1Char('\t') + table->item(r, 1)->text();
        for (const QString& text : main) {
            const QString k = actionNamed(w, text)->shortcut().toString(QKeySequence::NativeText);
            const bool listed = std::any_of(rows.begin(), rows.end(), [&](const QString& row) {
                return row.contains(text) && row.endsWith(QLatin1Char('\t') + k);
            });
            QVERIFY2(listed, qPrintable(text + QLatin1Char(' ') + k));
        }
        help->close();

        // A shortcut works from anywhere in the window: F8 pauses the view.
        QAction* pause = actionNamed(w, QStringLiteral("Pause view"));
        QVERIFY(!pause->isChecked());
        QTest::keyClick(&w, Qt::Key_F8);
        QVERIFY(pause->isChecked());
        QTest::keyClick(&w, Qt::Key_F8);
        QVERIFY(!pause->isChecked());
    }

    // Defect 12: `adclick-monitor --help` and `--version` aborted without a display.
    void helpAndVersionNeedNoDisplay()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : { "QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY" })
            env.remove(QString::fromLatin1(name));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(ADCLICK_MONITOR), { QStringLiteral("--help") });
        QVERIFY(p.waitForFinished(20'000));
        const QByteArray help = p.readAllStandardOutput();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(help.contains("Usage:") && help.contains("--demo") && help.contains("--screenshot"),
            help.constData());
        p.start(QStringLiteral(ADCLICK_MONITOR), { QStringLiteral("--version") });
        QVERIFY(p.waitForFinished(20'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(p.readAllStandardOutput().trimmed(), QByteArray("AdClick Monitor " ADCLICK_VERSION));
    }

    // Dark mode: View → Theme sets the palette and the charts' theme, and is remembered.
    void themeFromTheViewMenu()
    {
        const auto dark = [] { return QApplication::palette().color(QPalette::Window).lightness() < 128; };
        const auto chartTheme = [](MainWindow& w) {
            std::set<int> themes;
            for (ClicksChart* c : w.findChildren<ClicksChart*>())
                themes.insert(int(c->chart()->theme()));
            return themes;
        };
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            openLog(w, QStringLiteral("theme.db"));
            QTRY_COMPARE(w.adChart()->lineNames().size(), 3);
            const QList<QPointF> before = w.adChart()->points(QString::fromStdString(w.chartedAds().front()));
            auto* darkAction = w.findChild<QAction*>(QStringLiteral("theme-dark"));
            QVERIFY(darkAction);
            darkAction->trigger();
            QVERIFY(dark());
            QTRY_COMPARE(chartTheme(w), std::set<int> { int(QChart::ChartThemeDark) });
            // The lines keep their own colours (one per ad), and their data.
            std::set<QRgb> colours;
            for (QAbstractSeries* s : w.adChart()->chart()->series())
                colours.insert(static_cast<QXYSeries*>(s)->pen().color().rgb());
            QCOMPARE(colours.size(), std::size_t(3));
            QCOMPARE(w.adChart()->points(QString::fromStdString(w.chartedAds().front())), before);
            w.close();
        }
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), QStringLiteral("dark"));
        QApplication::setPalette(m_systemPalette);
        {
            MainWindow again; // remembered
            QVERIFY(dark());
            QCOMPARE(chartTheme(again), std::set<int> { int(QChart::ChartThemeDark) });
            again.findChild<QAction*>(QStringLiteral("theme-light"))->trigger();
            QVERIFY(!dark());
            QCOMPARE(chartTheme(again), std::set<int> { int(QChart::ChartThemeLight) });
            again.findChild<QAction*>(QStringLiteral("theme-system"))->trigger();
            QCOMPARE(
                QApplication::palette().color(QPalette::Window), m_systemPalette.color(QPalette::Window));
            QCOMPARE(QApplication::palette().color(QPalette::Text), m_systemPalette.color(QPalette::Text));
            again.close();
        }
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(), QStringLiteral("system"));
    }
};

QTEST_MAIN(TestUiLayout)
#include "tst_ui_layout.moc"
