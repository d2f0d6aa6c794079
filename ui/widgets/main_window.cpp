#include "ui/widgets/main_window.h"

#include "ui/dashboard/dashboard_controller.h"
#include "ui/dashboard/stall_probe.h"
#include "ui/models/status_text.h"
#include "ui/widgets/busy_overlay.h"
#include "ui/widgets/error_banner.h"
#include "ui/widgets/filter_panel.h"
#include "ui/widgets/health_panel.h"
#include "ui/widgets/import_preview_dialog.h"
#include "ui/widgets/ingest_status_bar.h"
#include "ui/widgets/range_bar.h"
#include "ui/widgets/window_fit.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace adclick::ui {

namespace {

constexpr int kMessageMs = 8000;
constexpr int kReportMessageMs = 10'000;

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new DashboardController(this))
    , m_stallProbe(new StallProbe(this))
{
    setWindowTitle(tr("AdClick Monitor"));
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    createCentral();
    createDocks();
    m_actions = new MainActions(this);
    m_rangeBar = new RangeBar(m_controller, this);
    addToolBarBreak();
    addToolBar(Qt::TopToolBarArea, m_rangeBar);
    m_status = new IngestStatusBar(statusBar());

    connectController();
    attachBusyOverlays(m_controller, m_topN->view(), m_filters->countryView(), m_charts);
    connectPanels();
    connectActions();
    fitSmallScreens();
    setUpKeyboard();
    startStallWatch();
    loadSettings();
    updateChartTheme(); // the system's palette may be dark
    onIngestStatus(IngestStatus());
    m_topN->view()->setFocus();
}

MainWindow::~MainWindow()
{
    m_controller->shutdown(); // the ingest stops and the jobs end before the panels go
}

// ---------------------------------------------------------------------------------------------
// Composition

void MainWindow::createCentral()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    m_banner = new ErrorBanner(central);
    layout->addWidget(m_banner);
    m_centralSplitter = new QSplitter(Qt::Horizontal, central);
    m_centralSplitter->setObjectName(QStringLiteral("centralSplitter"));
    m_topN = new TopNPanel(m_controller, m_centralSplitter);
    m_charts = new ChartsPanel(m_centralSplitter);
    connect(m_charts, &ChartsPanel::chartAdRequested, m_topN, &TopNPanel::chartAd);
    m_centralSplitter->setStretchFactor(0, 0);
    m_centralSplitter->setStretchFactor(1, 1);
    layout->addWidget(m_centralSplitter, 1);
    setCentralWidget(central);
}

QDockWidget* MainWindow::addDock(const QString& title, const QString& name, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::createDocks()
{
    // The side panels scroll inside their docks: their content never sets the window's minimum
    // size, and a long health message elides instead of widening its dock.
    QDockWidget* dock = addDock(tr("Filters"), QStringLiteral("filterDock"), Qt::LeftDockWidgetArea);
    m_filters = new FilterPanel(dock);
    dock->setWidget(scrollableDockContent(m_filters, true));
    dock = addDock(tr("Health"), QStringLiteral("healthDock"), Qt::RightDockWidgetArea);
    m_health = new HealthPanel(dock);
    dock->setWidget(scrollableDockContent(m_health, false));
    elideLabels(m_health);
    // Short titles: on a small screen the docks are tabs side by side, and long ones were cut to "…".
    dock = addDock(tr("Anomalies"), QStringLiteral("problemDock"), Qt::BottomDockWidgetArea);
    m_events = new EventsPanel(dock);
    dock->setWidget(scrollableDockContent(m_events, true));
}

void MainWindow::connectController()
{
    DashboardController* c = m_controller;
    connect(c, &DashboardController::sourceChanged, this, &MainWindow::onSourceChanged);
    connect(c, &DashboardController::snapshotChanged, this, &MainWindow::onSnapshot);
    connect(c, &DashboardController::ingestStatusChanged, this, &MainWindow::onIngestStatus);
    connect(c, &DashboardController::ingestFinished, this, &MainWindow::onIngestFinished);
    connect(c, &DashboardController::warning, this,
        [this](const QString& w) { statusBar()->showMessage(tr("Warning: %1").arg(w), kWarningMs); });
    connect(c, &DashboardController::unusualEventsLoaded, m_events, &EventsPanel::showUnusualEvents);
    connect(c, &DashboardController::filterActionFinished, this, &MainWindow::onFilterAction);
    connect(c, &DashboardController::reportFinished, this, &MainWindow::onReportFinished);
    connect(c, &DashboardController::demoStarted, this, &MainWindow::onDemoStarted);
    connect(c, &DashboardController::previewReady, this, &MainWindow::onPreviewReady);
    connect(c, &DashboardController::filterReset, m_filters, &FilterPanel::setFilter);
    connect(c, &DashboardController::notice, this,
        [this](const QString& text) { m_banner->showNotice(text, false); });
}

void MainWindow::connectPanels()
{
    connect(m_filters, &FilterPanel::filterChanged, m_controller, &DashboardController::setFilter);
    connect(m_filters, &FilterPanel::saveRequested, this, &MainWindow::saveFilter);
    connect(m_filters, &FilterPanel::dropRequested, m_controller, &DashboardController::dropFilter);
    connect(m_events, &EventsPanel::loadRequested, this, &MainWindow::loadUnusualEvents);
    connect(m_status, &IngestStatusBar::cancelRequested, m_controller, &DashboardController::stopSource);
}

void MainWindow::connectActions()
{
    MainActions* a = m_actions;
    connect(a, &MainActions::archiveChosen, this, &MainWindow::previewArchive);
    connect(a, &MainActions::followChosen, this, &MainWindow::previewFollow);
    connect(a, &MainActions::kafkaChosen, this, &MainWindow::connectKafka);
    connect(a, &MainActions::databaseChosen, this, &MainWindow::openDatabase);
    connect(a, &MainActions::demoRequested, this, &MainWindow::startDemo);
    connect(a, &MainActions::exportChosen, this, &MainWindow::exportReport);
    connect(a, &MainActions::chartPngChosen, this, &MainWindow::saveChartPng);
    connect(a, &MainActions::clearChartedAdsRequested, m_topN, &TopNPanel::clearChartedAds);
    connect(a, &MainActions::resetZoomRequested, m_charts, &ChartsPanel::resetZoom);
    connect(a->pauseView(), &QAction::toggled, m_controller, &DashboardController::setViewPaused);
    connect(a->pauseSource(), &QAction::toggled, m_controller, &DashboardController::setSourcePaused);
    connect(a->stopSource(), &QAction::triggered, m_controller, &DashboardController::stopSource);
    connect(a->utc(), &QAction::toggled, this, &MainWindow::setUtc);
    connect(a->includeOpen(), &QAction::toggled, m_rangeBar, &RangeBar::setIncludeOpen);
    connect(a, &MainActions::refreshRequested, m_controller, &DashboardController::refresh);
    connect(a, &MainActions::focusRequested, this, &MainWindow::focusPanel);
    connect(a, &MainActions::themeChosen, this, &MainWindow::setThemeMode);
}

void MainWindow::startStallWatch()
{
    // The GUI thread's own health: the longest event-loop stall over the last 10 s.
    m_stallProbe->start();
    auto* timer = new QTimer(this);
    timer->setInterval(1000);
    connect(timer, &QTimer::timeout, this, [this, seconds = 0]() mutable {
        const double max = m_stallProbe->maxStallMs(), p99 = m_stallProbe->percentileStallMs(99);
        m_health->setStall(max, p99);
        m_status->setStall(max);
        if (++seconds % 10 == 0) m_stallProbe->reset();
    });
    timer->start();
}

void MainWindow::loadSettings()
{
    QSettings s;
    m_actions->loadSettings(s);
    m_topN->loadSettings(s);
    m_rangeBar->loadSettings(s);
    const QSize available = screen() ? screen()->availableGeometry().size() : QSize();
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())
        || (available.isValid() && !QRect(QPoint(), available).contains(QRect(QPoint(), size()))))
        resize(initialWindowSize(available, minimumSizeHint())); // fits the screen (150 %: 1280×720)
    m_layoutRestored = restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    if (m_layoutRestored) {
        m_centralSplitter->restoreState(s.value(QStringLiteral("window/splitter")).toByteArray());
        m_charts->restoreState(s.value(QStringLiteral("window/chartSplitter")).toByteArray());
    }
}

void MainWindow::saveSettings() const
{
    QSettings s;
    m_actions->saveSettings(s);
    m_topN->saveSettings(s);
    m_rangeBar->saveSettings(s);
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/splitter"), m_centralSplitter->saveState());
    s.setValue(QStringLiteral("window/chartSplitter"), m_charts->saveState());
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_shownOnce) return;
    m_shownOnce = true;
    // The first run's layout, once the window has its size.
    if (!m_layoutRestored) QTimer::singleShot(0, this, &MainWindow::applyFirstRunLayout);
}

void MainWindow::applyFirstRunLayout()
{
    // Narrow side panels; the charts get the room.
    auto* filters = findChild<QDockWidget*>(QStringLiteral("filterDock"));
    auto* health = findChild<QDockWidget*>(QStringLiteral("healthDock"));
    auto* problems = findChild<QDockWidget*>(QStringLiteral("problemDock"));
    // The filters need their whole width (a panel scrolled sideways hides its buttons).
    const int filtersNeed
        = m_filters->minimumSizeHint().width() + style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 16;
    if (width() < kTabbedDocksBelowWidth) {
        // A small screen: health is a tab beside the filters, the charts keep their room.
        tabifyDockWidget(filters, health);
        filters->raise();
        resizeDocks(
            { filters }, { std::clamp(std::max(width() / 4, filtersNeed), 200, 300) }, Qt::Horizontal);
    } else {
        resizeDocks({ filters, health },
            { std::clamp(std::max(width() * 9 / 50, filtersNeed), 200, 300),
                std::clamp(width() * 11 / 50, 240, 340) },
            Qt::Horizontal);
    }
    if (height() < kTabbedEventsBelowHeight) { // a short screen: the three charts need the height
        tabifyDockWidget(filters, problems);
        filters->raise();
    } else {
        resizeDocks({ problems }, { 160 }, Qt::Vertical);
    }
    const int room = m_centralSplitter->width();
    const int table = std::clamp(room * 9 / 20, 360, 520);
    m_centralSplitter->setSizes({ table, std::max(360, room - table) });
    m_charts->setFirstRunSizes();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

// ---------------------------------------------------------------------------------------------
// Snapshots, status and job results

void MainWindow::onSnapshot(const SnapshotPtr& snapshot)
{
    const DashboardSnapshot& s = *snapshot;
    if (s.error.isEmpty())
        m_banner->clearQueryError();
    else if (!s.errorIsFilter) // a filter's error is shown at the filter panel
        m_banner->showQueryError(s.error);
    m_topN->setSnapshot(snapshot);
    m_filters->setSnapshot(snapshot);
    m_health->setSnapshot(snapshot);
    m_events->setSnapshot(snapshot);
    m_charts->setSnapshot(snapshot);
    m_rangeBar->setSnapshot(snapshot);
}

void MainWindow::onIngestStatus(const IngestStatus& status)
{
    m_health->setIngestStatus(status, m_controller->sourcePaused());
    m_status->setStatus(status, m_controller->sourcePaused(), !m_controller->databasePath().isEmpty());
    m_actions->stopSource()->setEnabled(status.active());
    m_actions->pauseSource()->setEnabled(m_controller->source().isValid());
}

void MainWindow::onIngestFinished(const IngestStatus& status)
{
    onIngestStatus(status);
    if (status.state == IngestStatus::State::Failed)
        showError(tr("Reading %1 failed: %2").arg(status.source, status.message));
    else if (!status.notices.isEmpty())
        m_banner->showNotice(status.notices.join(QLatin1Char('\n')), status.noticeIsError);
    if (status.previewHelps) offerPreview();
    m_status->setFinished(status);
}

void MainWindow::offerPreview()
{
    const SourceSpec spec = m_controller->source();
    if (spec.kind != SourceSpec::Kind::Archive && spec.kind != SourceSpec::Kind::Follow) return;
    m_banner->setAction(tr("Open the import preview"), [this, spec] {
        if (spec.kind == SourceSpec::Kind::Follow)
            previewFollow(spec.paths.value(0));
        else
            previewArchive(spec.paths);
    });
}

void MainWindow::loadUnusualEvents()
{
    if (m_controller->loadUnusualEvents()) m_events->setLoading();
}

void MainWindow::saveFilter(const QString& name, const QString& expression)
{
    if (m_controller->saveFilter(name, expression))
        statusBar()->showMessage(tr("Saving filter '%1'…").arg(name));
}

void MainWindow::showOutcome(bool ok, const QString& done, const QString& failed, int doneMs)
{
    if (ok)
        statusBar()->showMessage(done, doneMs);
    else
        showError(failed);
}

void MainWindow::onFilterAction(const FilterActionOutcome& outcome)
{
    const QString text = filterActionText(outcome);
    showOutcome(outcome.ok(), text, text, kMessageMs);
}

void MainWindow::exportReport(ReportRequest::Kind kind, const QString& path)
{
    m_controller->exportReport(kind, path);
}

void MainWindow::onReportFinished(const ReportOutcome& outcome)
{
    showOutcome(outcome.ok, outcome.message, tr("Export failed: %1").arg(outcome.message), kReportMessageMs);
    emit reportFinished(outcome);
}

void MainWindow::saveChartPng(const QString& path)
{
    const bool ok = exportChartPng(path);
    showOutcome(ok, tr("Charts written to %1").arg(path), tr("Cannot write '%1'").arg(path), kMessageMs);
}

bool MainWindow::exportChartPng(const QString& path)
{
    return m_charts->savePng(path);
}

bool MainWindow::saveScreenshot(const QString& path)
{
    return grab().save(path, "PNG");
}

void MainWindow::setUtc(bool utc)
{
    m_topN->setUtc(utc);
    m_charts->setUtc(utc);
    m_health->setUtc(utc);
    m_events->setUtc(utc);
    m_rangeBar->setUtc(utc);
}

void MainWindow::showError(const QString& message)
{
    m_banner->showError(message);
}

void MainWindow::clearError()
{
    m_banner->clear();
}

QString MainWindow::bannerText() const
{
    return m_banner->text();
}

} // namespace adclick::ui
