#include "ui/widgets/main_actions.h"

#include "ui/widgets/kafka_dialog.h"
#include "ui/widgets/shortcuts_dialog.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSignalBlocker>
#include <QStandardPaths>
#include <QToolBar>
#include <QToolButton>

namespace adclick::ui {

namespace {

constexpr int kMaxRecent = 10;

QString recentLabel(const QString& kind, const QString& what)
{
    if (kind == QLatin1String("archive")) return what.split(QLatin1Char('|')).join(QStringLiteral(", "));
    if (kind == QLatin1String("follow")) return MainActions::tr("follow %1").arg(what);
    if (kind == QLatin1String("db")) return MainActions::tr("database %1").arg(what);
    return what;
}

} // namespace

MainActions::MainActions(QMainWindow* window)
    : QObject(window)
    , m_window(window)
{
    createFileMenu();
    createViewMenu();
    createHelpMenu();
    createToolBar();
}

QAction* MainActions::withKeys(QAction* action, const QKeySequence& keys)
{
    action->setShortcut(keys);
    m_main << action;
    return action;
}

QString MainActions::lastDirectory() const
{
    return QSettings().value(QStringLiteral("lastDir")).toString();
}

void MainActions::createFileMenu()
{
    QMenu* file = m_window->menuBar()->addMenu(tr("&File"));
    m_openArchive = file->addAction(tr("&Open archived logs…"), this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(m_window, tr("Open archived click logs"),
            lastDirectory(), tr("Click logs (*.log *.csv *.jsonl *.json *.txt *.gz *.zst);;All files (*)"));
        if (!files.isEmpty()) emit archiveChosen(files);
    });
    withKeys(m_openArchive, QKeySequence::Open);
    withKeys(file->addAction(tr("Open a &folder of logs…"), this,
                 [this] {
                     const QString dir = QFileDialog::getExistingDirectory(
                         m_window, tr("Open a folder of rotated logs"), lastDirectory());
                     if (!dir.isEmpty()) emit archiveChosen({ dir });
                 }),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    withKeys(file->addAction(tr("&Follow a growing log…"), this,
                 [this] {
                     const QString f = QFileDialog::getOpenFileName(
                         m_window, tr("Follow a growing click log"), lastDirectory());
                     if (!f.isEmpty()) emit followChosen(f);
                 }),
        QKeySequence(Qt::CTRL | Qt::Key_L));
    m_kafka = file->addAction(tr("Connect to &Kafka…"), this, [this] {
        KafkaDialog dialog(m_window);
        if (dialog.exec() == QDialog::Accepted) emit kafkaChosen(dialog.uri(), dialog.properties());
    });
    withKeys(m_kafka, QKeySequence(Qt::CTRL | Qt::Key_K));
    m_demo = withKeys(file->addAction(tr("Start the &demo stream"), this, &MainActions::demoRequested),
        QKeySequence(Qt::CTRL | Qt::Key_D));
    withKeys(file->addAction(tr("Open a &database…"), this,
                 [this] {
                     const QString f = QFileDialog::getOpenFileName(m_window, tr("Open an AdClick database"),
                         lastDirectory(), tr("AdClick databases (*.db);;All files (*)"));
                     if (!f.isEmpty()) emit databaseChosen(f);
                 }),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_recentMenu = file->addMenu(tr("&Recent"));
    file->addSeparator();
    addExportActions(file, false);
    file->addSeparator();
    withKeys(file->addAction(tr("&Quit"), m_window, &QWidget::close), QKeySequence(Qt::CTRL | Qt::Key_Q));
}

void MainActions::addExportActions(QMenu* menu, bool shortLabels)
{
    // The File menu's entries carry the shortcuts; the toolbar button's show them too.
    const auto keyed = [&](QAction* a, const QKeySequence& keys) {
        if (!shortLabels) {
            withKeys(a, keys);
            return;
        }
        a->setShortcut(keys); // shown in the toolbar's menu, bound only while that menu has the focus
        a->setShortcutContext(Qt::WidgetShortcut);
    };
    const auto add = [&](const QString& text, ReportRequest::Kind kind, const QKeySequence& keys) {
        keyed(menu->addAction(text, this, [this, kind] { chooseExport(kind); }), keys);
    };
    using Kind = ReportRequest::Kind;
    add(shortLabels ? tr("Top-N table (CSV)…") : tr("Export &top-N as CSV…"), Kind::TopN,
        QKeySequence(Qt::CTRL | Qt::Key_E));
    add(shortLabels ? tr("Selected ads per minute (CSV)…") : tr("Export the selected ads' &series as CSV…"),
        Kind::Series, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    add(shortLabels ? tr("All ads per minute of the range (CSV)…")
                    : tr("Export &aggregates of the range as CSV…"),
        Kind::Aggregates, QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E));
    keyed(menu->addAction(shortLabels ? tr("Charts (PNG)…") : tr("Export the &charts as PNG…"), this,
              &MainActions::chooseChartPng),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
}

void MainActions::createViewMenu()
{
    QMenu* view = m_window->menuBar()->addMenu(tr("&View"));
    m_pauseView = withKeys(view->addAction(tr("&Pause view")), QKeySequence(Qt::Key_F8));
    m_pauseView->setCheckable(true);
    m_pauseView->setToolTip(tr("Freeze the dashboard; the ingest keeps going"));
    connect(m_pauseView, &QAction::toggled, this,
        [this](bool paused) { m_pauseView->setText(paused ? tr("Resume view") : tr("Pause view")); });
    m_pauseSource = withKeys(view->addAction(tr("Pause &source")), QKeySequence(Qt::SHIFT | Qt::Key_F8));
    m_pauseSource->setCheckable(true);
    m_pauseSource->setToolTip(tr("Stop reading the source (what was read is committed); resume continues "
                                 "exactly there"));
    connect(m_pauseSource, &QAction::toggled, this,
        [this](bool paused) { m_pauseSource->setText(paused ? tr("Resume source") : tr("Pause source")); });
    m_stopSource
        = withKeys(view->addAction(tr("S&top ingest")), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    withKeys(view->addAction(tr("&Refresh"), this, &MainActions::refreshRequested), QKeySequence(Qt::Key_F5));
    view->addSeparator();
    m_utc = withKeys(view->addAction(tr("&UTC time")), QKeySequence(Qt::CTRL | Qt::Key_U));
    m_utc->setCheckable(true);
    m_utc->setChecked(true);
    m_utc->setToolTip(tr("Show times in UTC (checked) or local time"));
    m_includeOpen = withKeys(view->addAction(tr("Include the &open minute in the live top-N")),
        QKeySequence(Qt::CTRL | Qt::Key_M));
    m_includeOpen->setCheckable(true);
    m_includeOpen->setChecked(true);
    m_includeOpen->setToolTip(
        tr("Live sources: count the minute still receiving clicks (provisional) instead "
           "of stopping at the newest final minute"));
    withKeys(view->addAction(tr("&Clear the charted ads"), this, &MainActions::clearChartedAdsRequested),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    withKeys(view->addAction(tr("&Reset chart zoom"), this, &MainActions::resetZoomRequested),
        QKeySequence(Qt::CTRL | Qt::Key_0));
    view->addSeparator();
    addGoToMenu(view);
    addThemeMenu(view);
    QAction* full = withKeys(view->addAction(tr("F&ull screen")), QKeySequence(Qt::Key_F11));
    full->setCheckable(true);
    connect(full, &QAction::toggled, m_window, [this](bool on) {
        m_window->setWindowState(on ? m_window->windowState() | Qt::WindowFullScreen
                                    : m_window->windowState() & ~Qt::WindowFullScreen);
    });
    view->addSeparator();
    for (QDockWidget* dock : m_window->findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());
}

void MainActions::addGoToMenu(QMenu* view)
{
    // Tab walks the controls one panel after another; these jump straight to a panel (showing
    // its dock if it was closed or tabbed away).
    QMenu* go = view->addMenu(tr("&Go to"));
    const auto add = [&](const QString& text, Panel panel, const QKeySequence& keys) {
        withKeys(go->addAction(text, this, [this, panel] { emit focusRequested(panel); }), keys);
    };
    add(tr("&Filters"), Panel::Filters, QKeySequence::Find);
    add(tr("&Top-N table"), Panel::TopN, QKeySequence(Qt::CTRL | Qt::Key_1));
    add(tr("&Charts"), Panel::Charts, QKeySequence(Qt::CTRL | Qt::Key_2));
    add(tr("&Rejected, late and duplicate events"), Panel::Events, QKeySequence(Qt::CTRL | Qt::Key_3));
    add(tr("Ingest &health"), Panel::Health, QKeySequence(Qt::CTRL | Qt::Key_4));
    add(tr("Time &range"), Panel::Range, QKeySequence(Qt::CTRL | Qt::Key_R));
}

void MainActions::addThemeMenu(QMenu* view)
{
    QMenu* menu = view->addMenu(tr("T&heme"));
    m_themes = new QActionGroup(this);
    for (const auto& [mode, text] : { std::pair { ThemeMode::System, tr("&System") },
             std::pair { ThemeMode::Light, tr("&Light") }, std::pair { ThemeMode::Dark, tr("&Dark") } }) {
        QAction* a = menu->addAction(text);
        a->setObjectName(QStringLiteral("theme-") + themeModeKey(mode));
        a->setCheckable(true);
        a->setData(int(mode));
        a->setChecked(mode == ThemeMode::System);
        m_themes->addAction(a);
        connect(a, &QAction::toggled, this, [this, mode](bool on) {
            if (on) emit themeChosen(mode);
        });
    }
    menu->addSeparator();
    withKeys(menu->addAction(
                 tr("&Next theme"), this, [this] { setThemeMode(ThemeMode((int(themeMode()) + 1) % 3)); }),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
}

ThemeMode MainActions::themeMode() const
{
    const QAction* checked = m_themes->checkedAction();
    return checked ? ThemeMode(checked->data().toInt()) : ThemeMode::System;
}

void MainActions::setThemeMode(ThemeMode mode)
{
    for (QAction* a : m_themes->actions())
        if (ThemeMode(a->data().toInt()) == mode) a->setChecked(true);
}

void MainActions::createHelpMenu()
{
    QMenu* help = m_window->menuBar()->addMenu(tr("&Help"));
    withKeys(help->addAction(tr("&Keyboard shortcuts"), this, &MainActions::showShortcuts),
        QKeySequence::HelpContents);
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(m_window, tr("About AdClick Monitor"),
            tr("<b>AdClick Monitor %1</b><p>Exact live monitoring and offline analysis of ad click events."
               "</p><p>Every count is exact: duplicates are dropped, late clicks are counted, and a restart "
               "never loses or double-counts a click.</p>")
                .arg(QStringLiteral(ADCLICK_VERSION)));
    });
}

void MainActions::showShortcuts()
{
    if (auto* open = m_window->findChild<ShortcutsDialog*>()) open->deleteLater();
    auto* dialog = new ShortcutsDialog(m_window->menuBar(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainActions::createToolBar()
{
    QToolBar* bar = m_window->addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_openArchive);
    bar->addAction(m_kafka);
    bar->addAction(m_demo);
    bar->addSeparator();
    bar->addAction(m_pauseView);
    bar->addAction(m_pauseSource);
    bar->addAction(m_stopSource);
    bar->addSeparator();
    bar->addAction(m_utc);
    auto* exportButton = new QToolButton(bar);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    addExportActions(exportMenu, true);
    exportButton->setMenu(exportMenu);
    bar->addWidget(exportButton);
}

void MainActions::resetSourcePause()
{
    const QSignalBlocker block(m_pauseSource);
    m_pauseSource->setChecked(false);
    m_pauseSource->setText(tr("Pause source"));
}

void MainActions::addRecent(const QString& entry)
{
    m_recent.removeAll(entry);
    m_recent.prepend(entry);
    while (m_recent.size() > kMaxRecent)
        m_recent.removeLast();
    QSettings().setValue(QStringLiteral("recent"), m_recent);
    rebuildRecentMenu();
}

void MainActions::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString& entry : m_recent) {
        const QString label
            = recentLabel(entry.section(QLatin1Char(':'), 0, 0), entry.section(QLatin1Char(':'), 1));
        m_recentMenu->addAction(label, this, [this, entry] { openRecent(entry); });
    }
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void MainActions::openRecent(const QString& entry)
{
    const QString kind = entry.section(QLatin1Char(':'), 0, 0);
    const QString what = entry.section(QLatin1Char(':'), 1);
    if (kind == QLatin1String("archive"))
        emit archiveChosen(what.split(QLatin1Char('|')));
    else if (kind == QLatin1String("follow"))
        emit followChosen(what);
    else if (kind == QLatin1String("kafka"))
        emit kafkaChosen(what, {});
    else if (kind == QLatin1String("db"))
        emit databaseChosen(what);
}

QString MainActions::exportDirectory() const
{
    const QString dir = QSettings().value(QStringLiteral("exportDir")).toString();
    return dir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) : dir;
}

void MainActions::chooseExport(ReportRequest::Kind kind)
{
    const char* base = kind == ReportRequest::Kind::TopN ? "top-ads"
        : kind == ReportRequest::Kind::Series            ? "ads-per-minute"
                                                         : "clicks-per-minute";
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export as CSV"),
        exportDirectory() + QLatin1Char('/') + QLatin1String(base) + QStringLiteral(".csv"),
        tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    QSettings().setValue(QStringLiteral("exportDir"), QFileInfo(path).absolutePath());
    emit exportChosen(kind, path);
}

void MainActions::chooseChartPng()
{
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export the charts as PNG"),
        exportDirectory() + QStringLiteral("/clicks.png"), tr("PNG (*.png)"));
    if (path.isEmpty()) return;
    QSettings().setValue(QStringLiteral("exportDir"), QFileInfo(path).absolutePath());
    emit chartPngChosen(path);
}

void MainActions::loadSettings(const QSettings& s)
{
    m_recent = s.value(QStringLiteral("recent")).toStringList();
    rebuildRecentMenu();
    m_utc->setChecked(s.value(QStringLiteral("view/utc"), true).toBool());
    m_includeOpen->setChecked(s.value(QStringLiteral("view/includeOpen"), true).toBool());
    setThemeMode(themeModeFromKey(s.value(QStringLiteral("view/theme")).toString()));
}

void MainActions::saveSettings(QSettings& s) const
{
    s.setValue(QStringLiteral("recent"), m_recent);
    s.setValue(QStringLiteral("view/utc"), m_utc->isChecked());
    s.setValue(QStringLiteral("view/includeOpen"), m_includeOpen->isChecked());
    s.setValue(QStringLiteral("view/theme"), themeModeKey(themeMode()));
}

} // namespace adclick::ui
