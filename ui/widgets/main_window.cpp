#include "ui/widgets/main_window.h"

#include "ui/widgets/filter_panel.h"
#include "ui/widgets/health_panel.h"
#include "ui/widgets/kafka_dialog.h"

#include "core/store/store_reader.h"
#include "ui/charts/clicks_chart.h"
#include "ui/dashboard/dashboard_controller.h"
#include "ui/dashboard/demo_session.h"
#include "ui/models/rejects_model.h"
#include "ui/dashboard/stall_probe.h"
#include "ui/models/time_format.h"
#include "ui/models/top_n_model.h"
#include "ui/models/unusual_events_model.h"

#include "core/base/click_event.h"
#include "core/store/maintenance.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QTimeZone>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <set>

namespace adclick::ui {

namespace {

constexpr int kMaxSelectedAds = 12;
constexpr int kMaxRecent = 10;

//! Colours the change column: green for growth, red for decline.
class ChangeDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const double change = index.data(TopNModel::ChangeRole).toDouble();
        if (change >= 0.0005)
            option->palette.setColor(QPalette::Text, QColor(0x1e, 0x84, 0x49));
        else if (change <= -0.0005)
            option->palette.setColor(QPalette::Text, QColor(0xc0, 0x39, 0x2b));
    }
};

QTableView* makeTable(QWidget* parent, QAbstractItemModel* model)
{
    auto* v = new QTableView(parent);
    v->setModel(model);
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->verticalHeader()->setDefaultSectionSize(v->fontMetrics().height() + 6);
    v->horizontalHeader()->setHighlightSections(false);
    v->setAlternatingRowColors(true);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->setWordWrap(false);
    return v;
}

QDateTimeEdit* makeTimeEdit(QWidget* parent)
{
    auto* e = new QDateTimeEdit(parent);
    e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    e->setCalendarPopup(true);
    e->setTimeSpec(Qt::UTC);
    return e;
}

int64_t editMs(const QDateTimeEdit* e)
{
    return e->dateTime().toMSecsSinceEpoch();
}

void setEditMs(QDateTimeEdit* e, int64_t ms)
{
    e->setDateTime(QDateTime::fromMSecsSinceEpoch(
        ms, e->timeSpec() == Qt::UTC ? QTimeZone::utc() : QTimeZone::systemTimeZone()));
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_controller(new DashboardController(this))
    , m_stallProbe(new StallProbe(this))
    , m_topN(new TopNModel(this))
    , m_topNProxy(new QSortFilterProxyModel(this))
    , m_rejects(new RejectsModel(this))
    , m_unusual(new UnusualEventsModel(this))
{
    setWindowTitle(tr("AdClick Monitor"));
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    m_pool.setMaxThreadCount(2);

    createCentral();
    createDocks();
    createActions();
    createRangeBar();
    createStatusBar();

    connect(m_controller, &DashboardController::snapshotChanged, this, &MainWindow::onSnapshot);
    connect(m_controller, &DashboardController::ingestStatusChanged, this, &MainWindow::onIngestStatus);
    connect(m_controller, &DashboardController::ingestFinished, this, &MainWindow::onIngestFinished);
    connect(m_controller, &DashboardController::warning, this,
        [this](const QString& w) { statusBar()->showMessage(tr("Warning: %1").arg(w), 15'000); });
    connect(m_filters, &FilterPanel::filterChanged, m_controller, &DashboardController::setFilter);
    connect(m_filters, &FilterPanel::saveRequested, this, &MainWindow::saveFilterInDb);
    connect(m_filters, &FilterPanel::dropRequested, this, &MainWindow::dropFilterInDb);

    // The GUI thread's own health: the longest event-loop stall over the last 10 s.
    m_stallProbe->start();
    auto* stallTimer = new QTimer(this);
    stallTimer->setInterval(1000);
    int seconds = 0;
    connect(stallTimer, &QTimer::timeout, this, [this, seconds]() mutable {
        const double max = m_stallProbe->maxStallMs(), p99 = m_stallProbe->percentileStallMs(99);
        m_health->setStall(max, p99);
        m_stallLabel->setText(tr("GUI stall %1 ms").arg(max, 0, 'f', 0));
        if (++seconds % 10 == 0) m_stallProbe->reset();
    });
    stallTimer->start();

    loadSettings();
    onIngestStatus(IngestStatus());
    m_topNView->setFocus();
}

MainWindow::~MainWindow()
{
    m_controller->shutdown(); // the ingest stops (and commits) before the demo's brokers go
    m_pool.waitForDone();
    m_demo.reset();
}

// ---------------------------------------------------------------------------------------------
// Construction

void MainWindow::createCentral()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);

    m_bannerBox = new QWidget(central);
    m_bannerBox->setObjectName(QStringLiteral("errorBanner"));
    m_bannerBox->setStyleSheet(QStringLiteral(
        "#errorBanner { background: #fdecea; border: 1px solid #e6b0aa; border-radius: 4px; }"));
    auto* bannerLayout = new QHBoxLayout(m_bannerBox);
    bannerLayout->setContentsMargins(8, 4, 4, 4);
    m_banner = new QLabel(m_bannerBox);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("color: #922b21;"));
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QToolButton(m_bannerBox);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss"));
    connect(close, &QToolButton::clicked, this, &MainWindow::clearError);
    bannerLayout->addWidget(m_banner, 1);
    bannerLayout->addWidget(close, 0, Qt::AlignTop);
    m_bannerBox->hide();
    layout->addWidget(m_bannerBox);

    auto* splitter = new QSplitter(Qt::Horizontal, central);
    m_centralSplitter = splitter;
    splitter->setObjectName(QStringLiteral("centralSplitter"));

    // Top-N table with its controls.
    auto* tableBox = new QWidget(splitter);
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout();
    m_topNSpin = new QSpinBox(tableBox);
    m_topNSpin->setObjectName(QStringLiteral("topNSpin"));
    m_topNSpin->setRange(1, 1000);
    m_topNSpin->setValue(m_controller->params().topN);
    m_windowSpin = new QSpinBox(tableBox);
    m_windowSpin->setObjectName(QStringLiteral("windowSpin"));
    m_windowSpin->setRange(1, 7 * 24 * 60);
    m_windowSpin->setSuffix(tr(" min"));
    m_windowSpin->setValue(m_controller->params().windowMinutes);
    controls->addWidget(new QLabel(tr("Top"), tableBox));
    controls->addWidget(m_topNSpin);
    controls->addWidget(new QLabel(tr("ads over"), tableBox));
    controls->addWidget(m_windowSpin);
    controls->addStretch();
    tableLayout->addLayout(controls);
    m_windowLabel = new QLabel(tableBox);
    m_windowLabel->setObjectName(QStringLiteral("windowLabel"));
    m_windowLabel->setWordWrap(true);
    m_windowLabel->setStyleSheet(QStringLiteral("color: palette(mid);"));
    tableLayout->addWidget(m_windowLabel);
    connect(m_topNSpin, &QSpinBox::valueChanged, m_controller, &DashboardController::setTopN);
    connect(m_windowSpin, &QSpinBox::valueChanged, m_controller, &DashboardController::setWindowMinutes);

    m_topNProxy->setSourceModel(m_topN);
    m_topNProxy->setSortRole(TopNModel::SortRole);
    m_topNProxy->setDynamicSortFilter(true);
    m_topNView = makeTable(tableBox, m_topNProxy);
    m_topNView->setObjectName(QStringLiteral("topNView"));
    m_topNView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_topNView->setSortingEnabled(true);
    m_topNView->sortByColumn(TopNModel::RankColumn, Qt::AscendingOrder);
    m_topNView->verticalHeader()->hide();
    m_topNView->setItemDelegateForColumn(TopNModel::ChangeColumn, new ChangeDelegate(m_topNView));
    m_topNView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_topNView->horizontalHeader()->setSectionResizeMode(TopNModel::AdColumn, QHeaderView::Stretch);
    m_topNView->setToolTip(tr("Select ads (Ctrl/Shift for several) to chart their clicks per minute"));
    tableLayout->addWidget(m_topNView, 1);
    connect(m_topNView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &MainWindow::onSelectionChanged);

    // Charts.
    auto* charts = new QSplitter(Qt::Vertical, splitter);
    m_chartSplitter = charts;
    charts->setObjectName(QStringLiteral("chartSplitter"));
    m_adChart = new ClicksChart(tr("Clicks per minute of the selected ads"), charts);
    m_adChart->setObjectName(QStringLiteral("adChart"));
    m_totalChart = new ClicksChart(tr("All clicks per minute (filtered)"), charts);
    m_totalChart->setObjectName(QStringLiteral("totalChart"));
    m_qualityChart = new ClicksChart(tr("Late and duplicate events per minute (all clicks)"), charts);
    m_qualityChart->setObjectName(QStringLiteral("qualityChart"));
    m_qualityChart->setAxisTitle(tr("per min"));
    m_adChart->setTimeTitleVisible(false);
    m_totalChart->setTimeTitleVisible(false);
    charts->setStretchFactor(0, 4);
    charts->setStretchFactor(1, 3);
    charts->setStretchFactor(2, 2);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    tableBox->setMinimumWidth(300);
    charts->setMinimumWidth(360);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);
}

void MainWindow::createDocks()
{
    auto* filterDock = new QDockWidget(tr("Filters"), this);
    filterDock->setObjectName(QStringLiteral("filterDock"));
    m_filters = new FilterPanel(filterDock);
    filterDock->setWidget(m_filters);
    addDockWidget(Qt::LeftDockWidgetArea, filterDock);

    auto* healthDock = new QDockWidget(tr("Ingest health"), this);
    healthDock->setObjectName(QStringLiteral("healthDock"));
    m_health = new HealthPanel(healthDock);
    healthDock->setWidget(m_health);
    addDockWidget(Qt::RightDockWidgetArea, healthDock);

    auto* problemDock = new QDockWidget(tr("Rejected, late and duplicate events"), this);
    problemDock->setObjectName(QStringLiteral("problemDock"));
    m_problemTabs = new QTabWidget(problemDock);
    auto* rejectsView = makeTable(m_problemTabs, nullptr);
    rejectsView->setObjectName(QStringLiteral("rejectsView"));
    auto* rejectsProxy = new QSortFilterProxyModel(rejectsView);
    rejectsProxy->setSourceModel(m_rejects);
    rejectsProxy->setSortRole(RejectsModel::SortRole);
    rejectsView->setModel(rejectsProxy);
    rejectsView->setSortingEnabled(true);
    rejectsView->sortByColumn(-1, Qt::AscendingOrder);
    rejectsView->horizontalHeader()->setStretchLastSection(true);
    rejectsView->horizontalHeader()->resizeSection(RejectsModel::SourceColumn, 260);
    m_problemTabs->addTab(rejectsView, tr("Rejected lines"));

    auto* unusualBox = new QWidget(m_problemTabs);
    auto* unusualLayout = new QVBoxLayout(unusualBox);
    unusualLayout->setContentsMargins(0, 0, 0, 0);
    auto* unusualBar = new QHBoxLayout();
    auto* load = new QPushButton(tr("Load"), unusualBox);
    load->setObjectName(QStringLiteral("loadUnusual"));
    load->setToolTip(tr("Read the newest 1000 late and duplicate events of the chart's range from the raw "
                        "events"));
    m_unusualLabel = new QLabel(tr("Late and duplicate events of the chart's range (per-minute counts are on "
                                   "the total chart)."),
        unusualBox);
    unusualBar->addWidget(load);
    unusualBar->addWidget(m_unusualLabel, 1);
    unusualLayout->addLayout(unusualBar);
    auto* unusualProxy = new QSortFilterProxyModel(unusualBox);
    unusualProxy->setSourceModel(m_unusual);
    unusualProxy->setSortRole(UnusualEventsModel::SortRole);
    auto* unusualView = makeTable(unusualBox, unusualProxy);
    unusualView->setObjectName(QStringLiteral("unusualView"));
    unusualView->setSortingEnabled(true);
    unusualView->horizontalHeader()->setStretchLastSection(true);
    unusualLayout->addWidget(unusualView, 1);
    m_problemTabs->addTab(unusualBox, tr("Late and duplicates"));
    connect(load, &QPushButton::clicked, this, &MainWindow::loadUnusualEvents);
    problemDock->setWidget(m_problemTabs);
    addDockWidget(Qt::BottomDockWidgetArea, problemDock);
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    auto* openArchiveAction = file->addAction(tr("&Open archived logs…"), this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open archived click logs"),
            QSettings().value(QStringLiteral("lastDir")).toString(),
            tr("Click logs (*.log *.csv *.jsonl *.json *.txt *.gz);;All files (*)"));
        if (!files.isEmpty()) openArchive(files);
    });
    openArchiveAction->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open a &folder of logs…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of rotated logs"),
            QSettings().value(QStringLiteral("lastDir")).toString());
        if (!dir.isEmpty()) openArchive({ dir });
    });
    file->addAction(tr("&Follow a growing log…"), this, [this] {
        const QString f = QFileDialog::getOpenFileName(
            this, tr("Follow a growing click log"), QSettings().value(QStringLiteral("lastDir")).toString());
        if (!f.isEmpty()) followFile(f);
    });
    auto* kafka = file->addAction(tr("Connect to &Kafka…"), this, [this] {
        KafkaDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted) connectKafka(dialog.uri(), dialog.properties());
    });
    kafka->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_demoAction = file->addAction(tr("Start the &demo stream"), this, &MainWindow::startDemo);
    file->addAction(tr("Open a &database…"), this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Open an AdClick database"),
            QSettings().value(QStringLiteral("lastDir")).toString(),
            tr("AdClick databases (*.db);;All files (*)"));
        if (!f.isEmpty()) openDatabase(f);
    });
    m_recentMenu = file->addMenu(tr("&Recent"));
    file->addSeparator();
    file->addAction(tr("Export &top-N as CSV…"), this, [this] { chooseExport(ReportRequest::Kind::TopN); });
    file->addAction(tr("Export the selected ads' &series as CSV…"), this,
        [this] { chooseExport(ReportRequest::Kind::Series); });
    file->addAction(tr("Export &aggregates of the range as CSV…"), this,
        [this] { chooseExport(ReportRequest::Kind::Aggregates); });
    file->addAction(tr("Export the &charts as PNG…"), this, &MainWindow::chooseChartPng);
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_pauseView = view->addAction(tr("&Pause view"));
    m_pauseView->setCheckable(true);
    m_pauseView->setShortcut(QKeySequence(Qt::Key_F8));
    m_pauseView->setToolTip(tr("Freeze the dashboard; the ingest keeps going"));
    connect(m_pauseView, &QAction::toggled, this, [this](bool paused) {
        m_controller->setViewPaused(paused);
        m_pauseView->setText(paused ? tr("Resume view") : tr("Pause view"));
    });
    m_pauseSource = view->addAction(tr("Pause &source"));
    m_pauseSource->setCheckable(true);
    m_pauseSource->setToolTip(tr("Stop reading the source (what was read is committed); resume continues "
                                 "exactly there"));
    connect(m_pauseSource, &QAction::toggled, this, [this](bool paused) {
        m_controller->setSourcePaused(paused);
        m_pauseSource->setText(paused ? tr("Resume source") : tr("Pause source"));
    });
    m_stopSource = view->addAction(tr("S&top ingest"), this, [this] { m_controller->stopSource(); });
    view->addSeparator();
    m_utcAction = view->addAction(tr("&UTC time"));
    m_utcAction->setCheckable(true);
    m_utcAction->setChecked(true);
    m_utcAction->setToolTip(tr("Show times in UTC (checked) or local time"));
    connect(m_utcAction, &QAction::toggled, this, &MainWindow::setUtc);
    m_includeOpen = view->addAction(tr("Include the &open minute in the live top-N"));
    m_includeOpen->setCheckable(true);
    m_includeOpen->setChecked(true);
    m_includeOpen->setToolTip(
        tr("Live sources: count the minute still receiving clicks (provisional) instead "
           "of stopping at the newest final minute"));
    connect(m_includeOpen, &QAction::toggled, this, [this] {
        if (m_mode->currentIndex() == 0) m_controller->setWindowEnd(liveWindowEnd());
    });
    view->addAction(tr("&Clear the charted ads"), this, [this] {
        m_syncingSelection = true;
        m_topNView->clearSelection();
        m_syncingSelection = false;
        m_followTopAds = false;
        setChartedAds({});
    });
    view->addAction(tr("&Reset chart zoom"), this, [this] {
        m_adChart->resetZoom();
        m_totalChart->resetZoom();
        m_qualityChart->resetZoom();
    });
    view->addSeparator();
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About AdClick Monitor"),
            tr("<b>AdClick Monitor %1</b><p>Exact live monitoring and offline analysis of ad click events."
               "</p><p>Every count is exact: duplicates are dropped, late clicks are counted, and a restart "
               "never loses or double-counts a click.</p>")
                .arg(QStringLiteral(ADCLICK_VERSION)));
    });

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(openArchiveAction);
    bar->addAction(kafka);
    bar->addAction(m_demoAction);
    bar->addSeparator();
    bar->addAction(m_pauseView);
    bar->addAction(m_pauseSource);
    bar->addAction(m_stopSource);
    bar->addSeparator();
    bar->addAction(m_utcAction);
    auto* exportButton = new QToolButton(bar);
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(
        tr("Top-N table (CSV)…"), this, [this] { chooseExport(ReportRequest::Kind::TopN); });
    exportMenu->addAction(
        tr("Selected ads per minute (CSV)…"), this, [this] { chooseExport(ReportRequest::Kind::Series); });
    exportMenu->addAction(tr("All ads per minute of the range (CSV)…"), this,
        [this] { chooseExport(ReportRequest::Kind::Aggregates); });
    exportMenu->addAction(tr("Charts (PNG)…"), this, &MainWindow::chooseChartPng);
    exportButton->setMenu(exportMenu);
    bar->addWidget(exportButton);
}

void MainWindow::createRangeBar()
{
    m_rangeBar = new QToolBar(tr("Time range"), this);
    m_rangeBar->setObjectName(QStringLiteral("rangeToolBar"));
    addToolBarBreak();
    addToolBar(Qt::TopToolBarArea, m_rangeBar);
    m_mode = new QComboBox(m_rangeBar);
    m_mode->setObjectName(QStringLiteral("modeCombo"));
    m_mode->addItem(tr("Live: follow the newest data"));
    m_mode->addItem(tr("Analysis: a chosen range"));
    m_rangeBar->addWidget(m_mode);
    m_chartMinutes = new QSpinBox(m_rangeBar);
    m_chartMinutes->setRange(5, 7 * 24 * 60);
    m_chartMinutes->setValue(m_controller->params().chartMinutes);
    m_chartMinutes->setPrefix(tr("charts: last "));
    m_chartMinutes->setSuffix(tr(" min"));
    m_chartMinutesAction = m_rangeBar->addWidget(m_chartMinutes);
    connect(m_chartMinutes, &QSpinBox::valueChanged, m_controller, &DashboardController::setChartMinutes);

    m_from = makeTimeEdit(m_rangeBar);
    m_to = makeTimeEdit(m_rangeBar);
    m_at = makeTimeEdit(m_rangeBar);
    m_atLatest = new QCheckBox(tr("newest final minute"), m_rangeBar);
    m_atLatest->setChecked(true);
    m_at->setEnabled(false);
    connect(m_atLatest, &QCheckBox::toggled, m_at, [this](bool latest) { m_at->setEnabled(!latest); });
    m_rangeActions << m_rangeBar->addWidget(new QLabel(tr("  charts from "), m_rangeBar))
                   << m_rangeBar->addWidget(m_from)
                   << m_rangeBar->addWidget(new QLabel(tr(" to "), m_rangeBar)) << m_rangeBar->addWidget(m_to)
                   << m_rangeBar->addWidget(new QLabel(tr("   top-N as of "), m_rangeBar))
                   << m_rangeBar->addWidget(m_at) << m_rangeBar->addWidget(m_atLatest);
    auto* apply = new QPushButton(tr("Apply"), m_rangeBar);
    auto* whole = new QPushButton(tr("All data"), m_rangeBar);
    whole->setToolTip(tr("The whole time range the database holds"));
    m_rangeActions << m_rangeBar->addWidget(apply) << m_rangeBar->addWidget(whole);
    connect(apply, &QPushButton::clicked, this, &MainWindow::applyRange);
    connect(whole, &QPushButton::clicked, this, [this] {
        if (!m_snapshot || m_snapshot->dataEndMinute <= m_snapshot->dataFirstMinute) return;
        setEditMs(m_from, m_snapshot->dataFirstMinute * core::kMinuteMs);
        setEditMs(m_to, m_snapshot->dataEndMinute * core::kMinuteMs);
        applyRange();
    });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int index) { setLiveMode(index == 0); });
    for (QAction* a : m_rangeActions)
        a->setVisible(false);
}

void MainWindow::createStatusBar()
{
    m_statusText = new QLabel(this);
    m_statusText->setObjectName(QStringLiteral("statusText"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("ingestProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("rateLabel"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelIngest"));
    m_cancel->setToolTip(tr("Stop the ingest; what was read is committed, and opening the same files again "
                            "continues there"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, m_controller, &DashboardController::stopSource);
    m_stallLabel = new QLabel(this);
    m_dbLabel = new QLabel(this);
    m_dbLabel->setObjectName(QStringLiteral("databaseLabel"));
    statusBar()->addWidget(m_statusText);
    statusBar()->addWidget(m_progress);
    statusBar()->addWidget(m_rate);
    statusBar()->addWidget(m_cancel);
    statusBar()->addPermanentWidget(m_stallLabel);
    statusBar()->addPermanentWidget(m_dbLabel);
}

void MainWindow::loadSettings()
{
    QSettings s;
    m_recent = s.value(QStringLiteral("recent")).toStringList();
    rebuildRecentMenu();
    m_topNSpin->setValue(s.value(QStringLiteral("view/topN"), 10).toInt());
    m_windowSpin->setValue(s.value(QStringLiteral("view/windowMinutes"), 5).toInt());
    m_chartMinutes->setValue(s.value(QStringLiteral("view/chartMinutes"), 30).toInt());
    m_utcAction->setChecked(s.value(QStringLiteral("view/utc"), true).toBool());
    m_includeOpen->setChecked(s.value(QStringLiteral("view/includeOpen"), true).toBool());
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) resize(1600, 980);
    m_layoutRestored = restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    if (m_layoutRestored) {
        m_centralSplitter->restoreState(s.value(QStringLiteral("window/splitter")).toByteArray());
        m_chartSplitter->restoreState(s.value(QStringLiteral("window/chartSplitter")).toByteArray());
    }
}

void MainWindow::saveSettings()
{
    QSettings s;
    s.setValue(QStringLiteral("recent"), m_recent);
    s.setValue(QStringLiteral("view/topN"), m_topNSpin->value());
    s.setValue(QStringLiteral("view/windowMinutes"), m_windowSpin->value());
    s.setValue(QStringLiteral("view/chartMinutes"), m_chartMinutes->value());
    s.setValue(QStringLiteral("view/utc"), m_utcAction->isChecked());
    s.setValue(QStringLiteral("view/includeOpen"), m_includeOpen->isChecked());
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/splitter"), m_centralSplitter->saveState());
    s.setValue(QStringLiteral("window/chartSplitter"), m_chartSplitter->saveState());
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_shownOnce) return;
    m_shownOnce = true;
    if (m_layoutRestored) return;
    // The first run's layout (once the window has its size): narrow side panels, the charts get
    // the room.
    QTimer::singleShot(0, this, [this] {
        QDockWidget *filters = findChild<QDockWidget*>(QStringLiteral("filterDock")),
                    *health = findChild<QDockWidget*>(QStringLiteral("healthDock")),
                    *problems = findChild<QDockWidget*>(QStringLiteral("problemDock"));
        resizeDocks({ filters, health }, { 260, 340 }, Qt::Horizontal);
        resizeDocks({ problems }, { 160 }, Qt::Vertical);
        const int room = m_centralSplitter->width();
        const int table = std::clamp(room * 2 / 5, 340, 520);
        m_centralSplitter->setSizes({ table, std::max(360, room - table) });
        const int height = m_chartSplitter->height();
        m_chartSplitter->setSizes({ height * 2 / 5, height * 3 / 10, height * 3 / 10 });
    });
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

// ---------------------------------------------------------------------------------------------
// Sources

void MainWindow::startSource(const SourceSpec& spec, const QString& databasePath)
{
    clearError();
    QString db = databasePath;
    if (db.isEmpty()) db = m_databaseOverride;
    m_rangeInitialised = false;
    m_followTopAds = true;
    m_chartedAds.clear();
    m_topNView->clearSelection();
    m_mode->setCurrentIndex(0);
    m_pauseSource->blockSignals(true);
    m_pauseSource->setChecked(false);
    m_pauseSource->setText(tr("Pause source"));
    m_pauseSource->blockSignals(false);
    m_unusual->setEvents({});
    m_controller->openSource(spec, db);
    m_dbLabel->setText(QFileInfo(m_controller->databasePath()).fileName());
    m_dbLabel->setToolTip(m_controller->databasePath());
    setWindowTitle(tr("%1 — AdClick Monitor").arg(spec.displayName()));
}

void MainWindow::openArchive(const QStringList& paths)
{
    if (paths.isEmpty()) return;
    QSettings().setValue(QStringLiteral("lastDir"), QFileInfo(paths.front()).absolutePath());
    addRecent(QStringLiteral("archive:") + paths.join(QLatin1Char('|')));
    startSource(SourceSpec::archive(paths));
}

void MainWindow::followFile(const QString& path)
{
    QSettings().setValue(QStringLiteral("lastDir"), QFileInfo(path).absolutePath());
    addRecent(QStringLiteral("follow:") + path);
    SourceSpec spec = SourceSpec::follow(path);
    spec.idleMs = 5'000;
    spec.commitIntervalMs = 500;
    startSource(spec);
}

void MainWindow::connectKafka(
    const QString& uri, const std::vector<std::pair<std::string, std::string>>& properties)
{
    addRecent(QStringLiteral("kafka:") + uri);
    SourceSpec spec = SourceSpec::kafka(uri, properties);
    spec.commitIntervalMs = 500;
    startSource(spec);
}

void MainWindow::openDatabase(const QString& path)
{
    clearError();
    addRecent(QStringLiteral("db:") + path);
    m_rangeInitialised = false;
    m_followTopAds = true;
    m_chartedAds.clear();
    m_topNView->clearSelection();
    m_mode->setCurrentIndex(0);
    m_unusual->setEvents({});
    m_controller->openDatabase(path);
    m_dbLabel->setText(QFileInfo(path).fileName());
    m_dbLabel->setToolTip(path);
    setWindowTitle(tr("%1 — AdClick Monitor").arg(QFileInfo(path).fileName()));
}

void MainWindow::openArguments(const QStringList& arguments)
{
    QStringList files;
    for (const QString& a : arguments) {
        if (a.startsWith(QLatin1String("kafka://"))) {
            connectKafka(a);
            return;
        }
        if (a.endsWith(QLatin1String(".db")) && QFileInfo(a).isFile()) {
            openDatabase(a);
            return;
        }
        files << a;
    }
    if (!files.isEmpty()) openArchive(files);
}

void MainWindow::startDemo()
{
    m_demoAction->setEnabled(false);
    m_statusText->setText(tr("Starting the demo: embedded Kafka brokers and a generated click stream…"));
    m_controller->stopSource();
    m_pool.start([this] {
        auto demo = DemoSession::start(DemoSession::Options());
        std::shared_ptr<DemoSession> session;
        QString error;
        if (demo)
            session = std::shared_ptr<DemoSession>(std::move(*demo));
        else
            error = QString::fromStdString(demo.message());
        QMetaObject::invokeMethod(
            this,
            [this, session, error] {
                m_demoAction->setEnabled(true);
                if (!session) {
                    showError(tr("The demo could not start: %1").arg(error));
                    emit demoStarted(false);
                    return;
                }
                const SourceSpec spec = session->source();
                const QString db = session->databasePath();
                startSource(spec, db); // stops the old ingest before its demo brokers go
                m_demo = session;
                emit demoStarted(true);
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::addRecent(const QString& entry)
{
    m_recent.removeAll(entry);
    m_recent.prepend(entry);
    while (m_recent.size() > kMaxRecent)
        m_recent.removeLast();
    QSettings().setValue(QStringLiteral("recent"), m_recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    for (const QString& entry : m_recent) {
        const QString kind = entry.section(QLatin1Char(':'), 0, 0);
        const QString what = entry.section(QLatin1Char(':'), 1);
        QString label;
        if (kind == QLatin1String("archive"))
            label = what.split(QLatin1Char('|')).join(QStringLiteral(", "));
        else if (kind == QLatin1String("follow"))
            label = tr("follow %1").arg(what);
        else if (kind == QLatin1String("db"))
            label = tr("database %1").arg(what);
        else
            label = what;
        m_recentMenu->addAction(label, this, [this, entry] { openRecent(entry); });
    }
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void MainWindow::openRecent(const QString& entry)
{
    const QString kind = entry.section(QLatin1Char(':'), 0, 0);
    const QString what = entry.section(QLatin1Char(':'), 1);
    if (kind == QLatin1String("archive"))
        openArchive(what.split(QLatin1Char('|')));
    else if (kind == QLatin1String("follow"))
        followFile(what);
    else if (kind == QLatin1String("kafka"))
        connectKafka(what);
    else if (kind == QLatin1String("db"))
        openDatabase(what);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    openArguments(paths);
}

// ---------------------------------------------------------------------------------------------
// Snapshots and status

void MainWindow::onSnapshot(const SnapshotPtr& snapshot)
{
    m_snapshot = snapshot;
    const DashboardSnapshot& s = *snapshot;
    if (!s.error.isEmpty()) {
        if (!s.errorIsFilter) {
            showError(s.error);
            m_bannerFromQuery = true;
        }
    } else if (m_bannerFromQuery) {
        clearError();
    }
    m_topN->setSnapshot(snapshot);
    if (m_followTopAds && !s.top.empty() && s.error.isEmpty()) {
        // Until the user picks ads, the charts follow the top three.
        std::vector<std::string> top3;
        for (std::size_t i = 0; i < s.top.size() && i < 3; ++i)
            top3.push_back(s.top[i].adId);
        std::sort(top3.begin(), top3.end());
        if (top3 != m_chartedAds) setChartedAds(std::move(top3));
    }
    syncSelection();
    m_filters->setSnapshot(snapshot);
    m_health->setSnapshot(snapshot);
    m_rejects->setSnapshot(snapshot);
    m_problemTabs->setTabText(
        0, tr("Rejected lines (%1)").arg(QLocale().toString(qlonglong(s.counters.rejected))));
    m_problemTabs->setTabText(1,
        tr("Late (%1) and duplicates (%2)")
            .arg(QLocale().toString(qlonglong(s.counters.late)),
                QLocale().toString(qlonglong(s.counters.duplicates))));
    updateWindowLabel(s);
    updateCharts(s);
    if (!m_rangeInitialised && s.dataEndMinute > s.dataFirstMinute) {
        m_rangeInitialised = true;
        setEditMs(m_from, s.dataFirstMinute * core::kMinuteMs);
        setEditMs(m_to, s.dataEndMinute * core::kMinuteMs);
        setEditMs(m_at, s.atMs ? *s.atMs : s.dataEndMinute * core::kMinuteMs);
    }
}

void MainWindow::updateWindowLabel(const DashboardSnapshot& s)
{
    if (s.noData) {
        m_windowLabel->setText(s.databasePath.isEmpty()
                ? tr("Open a log, connect to Kafka or start the demo.")
                : tr("Waiting for data…"));
        return;
    }
    if (!s.atMs) {
        m_windowLabel->setText(tr("No final minute yet"));
        return;
    }
    const int64_t from = *s.atMs - int64_t(s.params.windowMinutes) * core::kMinuteMs;
    QString text = tr("%1 – %2: %3 clicks (window before: %4)")
                       .arg(formatTime(from, m_utc, false), formatTime(*s.atMs, m_utc, false),
                           QLocale().toString(qlonglong(s.windowTotal)),
                           QLocale().toString(qlonglong(s.previousTotal)));
    if (s.params.windowEnd == WindowEnd::IncludeOpen) text += tr(" · includes the open minute (provisional)");
    m_windowLabel->setText(text);
}

void MainWindow::updateCharts(const DashboardSnapshot& s)
{
    std::vector<ChartLine> lines;
    for (const DenseSeries& d : s.adSeries)
        lines.push_back({ QString::fromStdString(d.name), d.values, QColor(), false, false });
    m_adChart->setData(s.firstMinute, s.endMinute, lines);
    m_adChart->setPlaceholder(s.noData     ? tr("Waiting for data…")
            : s.params.selectedAds.empty() ? tr("Select ads in the table to chart them")
                                           : QString());

    std::vector<ChartLine> totals, quality;
    if (!s.total.values.empty()) {
        totals.push_back({ tr("all clicks"), s.total.values, QColor(0x21, 0x61, 0x8c), false, false });
        const std::size_t width = s.total.values.size();
        ChartLine late { tr("late"), std::vector<int64_t>(width, 0), QColor(0xe6, 0x7e, 0x22), false, false };
        ChartLine dups { tr("duplicates"), std::vector<int64_t>(width, 0), QColor(0x8e, 0x44, 0xad), false,
            false };
        for (const MinuteStat& m : s.minuteStats) {
            if (m.minute < s.firstMinute || m.minute >= s.firstMinute + int64_t(width)) continue;
            late.values[std::size_t(m.minute - s.firstMinute)] = m.late;
            dups.values[std::size_t(m.minute - s.firstMinute)] = m.duplicates;
        }
        quality.push_back(std::move(late));
        quality.push_back(std::move(dups));
    }
    m_totalChart->setData(s.firstMinute, s.endMinute, totals);
    m_qualityChart->setData(s.firstMinute, s.endMinute, quality);
    m_qualityChart->setPlaceholder(s.noData ? tr("Waiting for data…") : QString());
    m_totalChart->setPlaceholder(s.noData ? tr("Waiting for data…") : QString());
}

void MainWindow::onIngestStatus(const IngestStatus& status)
{
    m_health->setIngestStatus(status);
    const bool archive = !status.live && status.totalBytes > 0;
    const bool active = status.active();
    m_progress->setVisible(archive && (active || status.state == IngestStatus::State::Finished));
    m_cancel->setVisible(active && !status.live);
    m_stopSource->setEnabled(active);
    m_pauseSource->setEnabled(m_controller->source().isValid());
    if (status.fraction >= 0) {
        m_progress->setValue(int(status.fraction * 1000));
        m_progress->setFormat(QStringLiteral("%1%").arg(status.fraction * 100, 0, 'f', 1));
    }
    QString rate;
    if (status.hasProgress) {
        rate = tr("%1 lines · %2 lines/s")
                   .arg(formatCount(double(status.progress.runLines)), formatCount(status.linesPerSecond));
        if (status.bytesPerSecond > 0 && !status.live)
            rate += tr(" · %1 MB/s").arg(status.bytesPerSecond / 1e6, 0, 'f', 0);
        if (active && status.etaSeconds >= 0 && !status.live)
            rate += tr(" · ETA %1").arg(formatDuration(int64_t(status.etaSeconds * 1000)));
    }
    m_rate->setText(rate);
    QString text;
    switch (status.state) {
    case IngestStatus::State::Idle:
        text = m_controller->databasePath().isEmpty() ? tr("No source") : tr("No ingest running");
        break;
    case IngestStatus::State::Opening:
        text = tr("Opening %1…").arg(status.source);
        break;
    case IngestStatus::State::Running:
        text = status.live ? tr("Live: %1").arg(status.source) : tr("Reading %1").arg(status.source);
        break;
    case IngestStatus::State::Stopping:
        text = tr("Stopping…");
        break;
    case IngestStatus::State::Finished:
        text = tr("Read %1").arg(status.source);
        break;
    case IngestStatus::State::Cancelled:
        text = m_controller->sourcePaused() ? tr("Source paused: %1").arg(status.source)
                                            : tr("Stopped: %1").arg(status.source);
        break;
    case IngestStatus::State::Failed:
        text = tr("Failed: %1").arg(status.source);
        break;
    }
    m_statusText->setText(text);
}

void MainWindow::onIngestFinished(const IngestStatus& status)
{
    onIngestStatus(status);
    if (status.state == IngestStatus::State::Failed) {
        showError(tr("Reading %1 failed: %2").arg(status.source, status.message));
        m_bannerFromQuery = false;
    } else if (status.state == IngestStatus::State::Finished && !status.live) {
        statusBar()->showMessage(tr("Finished: %1 lines in %2")
                                     .arg(QLocale().toString(qlonglong(status.progress.runLines)),
                                         formatDuration(int64_t(status.progress.seconds * 1000))),
            10'000);
        QTimer::singleShot(5000, m_progress, [this] {
            if (!m_controller->ingestActive()) m_progress->hide();
        });
    }
}

void MainWindow::onSelectionChanged(const QItemSelection& /*selected*/, const QItemSelection& deselected)
{
    // Rows leave the table when their ad leaves the top-N: that is not the user's choice, and
    // the ad stays charted.
    if (m_syncingSelection || m_topN->updating()) return;
    m_followTopAds = false;
    std::set<std::string> next;
    for (const QModelIndex& i : m_topNView->selectionModel()->selectedRows(TopNModel::AdColumn))
        next.insert(i.data(TopNModel::AdIdRole).toString().toStdString());
    // Extending the selection (nothing deselected) keeps the charted ads that are out of the table.
    if (deselected.isEmpty())
        for (const std::string& ad : m_chartedAds)
            if (m_topN->rowOfKey(ad) < 0) next.insert(ad);
    setChartedAds(std::vector<std::string>(next.begin(), next.end()));
}

void MainWindow::setChartedAds(std::vector<std::string> ads)
{
    std::sort(ads.begin(), ads.end());
    if (int(ads.size()) > kMaxSelectedAds) ads.resize(kMaxSelectedAds);
    m_chartedAds = std::move(ads);
    m_controller->setSelectedAds(m_chartedAds);
}

void MainWindow::syncSelection()
{
    std::set<int> want, have;
    for (const std::string& ad : m_chartedAds)
        if (const int row = m_topN->rowOfKey(ad); row >= 0)
            want.insert(m_topNProxy->mapFromSource(m_topN->index(row, 0)).row());
    QItemSelectionModel* sel = m_topNView->selectionModel();
    for (const QModelIndex& i : sel->selectedRows())
        have.insert(i.row());
    if (want == have) return;
    QItemSelection rows;
    for (const int r : want)
        rows.select(m_topNProxy->index(r, 0), m_topNProxy->index(r, m_topNProxy->columnCount() - 1));
    m_syncingSelection = true;
    sel->select(rows, QItemSelectionModel::ClearAndSelect);
    m_syncingSelection = false;
}

void MainWindow::setUtc(bool utc)
{
    m_utc = utc;
    m_adChart->setUtc(utc);
    m_totalChart->setUtc(utc);
    m_qualityChart->setUtc(utc);
    m_health->setUtc(utc);
    m_unusual->setUtc(utc);
    for (QDateTimeEdit* e : { m_from, m_to, m_at }) {
        const int64_t ms = editMs(e);
        e->setTimeSpec(utc ? Qt::UTC : Qt::LocalTime);
        setEditMs(e, ms);
    }
    if (m_snapshot) updateWindowLabel(*m_snapshot);
}

WindowEnd MainWindow::liveWindowEnd() const
{
    return m_controller->source().isLive() && m_includeOpen->isChecked() ? WindowEnd::IncludeOpen
                                                                         : WindowEnd::FinalPanes;
}

void MainWindow::setLiveMode(bool live)
{
    for (QAction* a : m_rangeActions)
        a->setVisible(!live);
    m_chartMinutesAction->setVisible(live);
    if (live) {
        m_controller->setFollowRange(true);
        m_controller->setWindowEnd(liveWindowEnd());
    } else {
        applyRange();
    }
}

void MainWindow::applyRange()
{
    int64_t from = editMs(m_from), to = editMs(m_to);
    if (from >= to) {
        showError(tr("The range is empty: 'from' must be before 'to'"));
        return;
    }
    m_controller->setRange(from, to);
    if (m_atLatest->isChecked())
        m_controller->setWindowEnd(WindowEnd::FinalPanes);
    else
        m_controller->setWindowEnd(WindowEnd::Explicit, editMs(m_at));
}

void MainWindow::loadUnusualEvents()
{
    if (!m_snapshot || m_snapshot->databasePath.isEmpty() || m_snapshot->endMinute <= m_snapshot->firstMinute)
        return;
    const QString db = m_snapshot->databasePath;
    const int64_t from = m_snapshot->firstMinute * core::kMinuteMs,
                  to = m_snapshot->endMinute * core::kMinuteMs;
    m_unusualLabel->setText(tr("Reading the raw events…"));
    m_pool.start([this, db, from, to] {
        std::vector<UnusualEvent> events;
        QString error;
        auto reader = StoreReader::open(QFile::encodeName(db).toStdString());
        if (!reader) {
            error = QString::fromStdString(reader.message());
        } else if (auto r = (*reader)->unusualEvents(from, to, 1000)) {
            events = std::move(*r);
        } else {
            error = QString::fromStdString(r.message());
        }
        QMetaObject::invokeMethod(
            this,
            [this, events = std::move(events), error, from, to]() mutable {
                if (!error.isEmpty()) {
                    m_unusualLabel->setText(tr("Cannot read the raw events: %1").arg(error));
                    return;
                }
                m_unusualLabel->setText(
                    tr("%n late or duplicate event(s) between %1 and %2 (the newest 1000)", nullptr,
                        int(events.size()))
                        .arg(formatTime(from, m_utc, false), formatTime(to, m_utc, false)));
                m_unusual->setEvents(std::move(events));
            },
            Qt::QueuedConnection);
    });
}

// ---------------------------------------------------------------------------------------------
// Saved filters and reports

void MainWindow::saveFilterInDb(const QString& name, const QString& expression)
{
    const QString db = m_controller->databasePath();
    if (db.isEmpty()) return;
    statusBar()->showMessage(tr("Saving filter '%1'…").arg(name));
    m_pool.start([this, db, name, expression] {
        auto r = core::saveFilter(
            QFile::encodeName(db).toStdString(), name.toStdString(), expression.toStdString());
        const QString error = r ? QString() : QString::fromStdString(r.message());
        const bool backfilled = r && r->backfilled;
        QMetaObject::invokeMethod(
            this,
            [this, name, error, backfilled] {
                if (!error.isEmpty()) {
                    showError(tr("Cannot save filter '%1': %2").arg(name, error));
                    return;
                }
                statusBar()->showMessage(backfilled
                        ? tr("Saved filter '%1'").arg(name)
                        : tr("Saved filter '%1'; the running ingest back-fills it").arg(name),
                    8000);
                m_controller->refresh();
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::dropFilterInDb(const QString& name)
{
    const QString db = m_controller->databasePath();
    if (db.isEmpty()) return;
    m_pool.start([this, db, name] {
        const core::Status st = core::dropFilter(QFile::encodeName(db).toStdString(), name.toStdString());
        const QString error = st ? QString() : QString::fromStdString(st.message());
        QMetaObject::invokeMethod(
            this,
            [this, name, error] {
                if (!error.isEmpty())
                    showError(tr("Cannot delete filter '%1': %2").arg(name, error));
                else
                    statusBar()->showMessage(tr("Deleted filter '%1'").arg(name), 8000);
                m_controller->refresh();
            },
            Qt::QueuedConnection);
    });
}

QString MainWindow::exportDirectory() const
{
    const QString dir = QSettings().value(QStringLiteral("exportDir")).toString();
    return dir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) : dir;
}

void MainWindow::chooseExport(ReportRequest::Kind kind)
{
    const char* base = kind == ReportRequest::Kind::TopN ? "top-ads"
        : kind == ReportRequest::Kind::Series            ? "ads-per-minute"
                                                         : "clicks-per-minute";
    const QString path = QFileDialog::getSaveFileName(this, tr("Export as CSV"),
        exportDirectory() + QLatin1Char('/') + QLatin1String(base) + QStringLiteral(".csv"),
        tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    QSettings().setValue(QStringLiteral("exportDir"), QFileInfo(path).absolutePath());
    exportReport(kind, path);
}

void MainWindow::chooseChartPng()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the charts as PNG"),
        exportDirectory() + QStringLiteral("/clicks.png"), tr("PNG (*.png)"));
    if (path.isEmpty()) return;
    QSettings().setValue(QStringLiteral("exportDir"), QFileInfo(path).absolutePath());
    if (exportChartPng(path))
        statusBar()->showMessage(tr("Charts written to %1").arg(path), 8000);
    else
        showError(tr("Cannot write '%1'").arg(path));
}

void MainWindow::exportReport(ReportRequest::Kind kind, const QString& path)
{
    ReportRequest r;
    r.kind = kind;
    r.outPath = path;
    r.snapshot = m_snapshot;
    r.databasePath = m_controller->databasePath();
    if (m_snapshot) {
        r.filter = m_snapshot->params.filter;
        r.ads = m_snapshot->params.selectedAds;
        r.fromMs = m_snapshot->firstMinute * core::kMinuteMs;
        r.toMs = m_snapshot->endMinute * core::kMinuteMs;
    }
    if (kind != ReportRequest::Kind::TopN && r.fromMs >= r.toMs) {
        ReportOutcome o;
        o.message = tr("there is no time range to export yet");
        showError(tr("Export failed: %1").arg(o.message));
        emit reportFinished(o);
        return;
    }
    m_pool.start([this, r] {
        const ReportOutcome o = writeReport(r);
        QMetaObject::invokeMethod(
            this,
            [this, o] {
                if (o.ok)
                    statusBar()->showMessage(o.message, 10'000);
                else
                    showError(tr("Export failed: %1").arg(o.message));
                emit reportFinished(o);
            },
            Qt::QueuedConnection);
    });
}

bool MainWindow::exportChartPng(const QString& path)
{
    QWidget* charts = m_adChart->parentWidget();
    return charts->grab().save(path, "PNG");
}

bool MainWindow::saveScreenshot(const QString& path)
{
    return grab().save(path, "PNG");
}

void MainWindow::showError(const QString& message)
{
    m_banner->setText(message);
    m_bannerBox->show();
    m_bannerFromQuery = false;
}

void MainWindow::clearError()
{
    m_banner->clear();
    m_bannerBox->hide();
    m_bannerFromQuery = false;
}

QString MainWindow::bannerText() const
{
    return m_bannerBox->isVisible() || !m_banner->text().isEmpty() ? m_banner->text() : QString();
}

} // namespace adclick::ui
