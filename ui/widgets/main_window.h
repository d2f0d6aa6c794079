#pragma once

#include "ui/dashboard/csv_report.h"
#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/source_spec.h"

#include <QMainWindow>
#include <QThreadPool>

#include <memory>

class QAction;
class QItemSelection;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QSplitter;
class QTabWidget;
class QTableView;
class QToolBar;

namespace adclick::ui {

class ClicksChart;
class DashboardController;
class DemoSession;
class FilterPanel;
class HealthPanel;
class RejectsModel;
class StallProbe;
class TopNModel;
class UnusualEventsModel;

//! The main window: top-N table and charts in the middle, filters on the left, ingest health on
//! the right, rejected/late/duplicate events below, the analysis range in a toolbar, ingest
//! progress in the status bar. It only shows snapshots and forwards the user's choices to the
//! DashboardController; every query and file operation runs off the GUI thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    DashboardController* controller() const { return m_controller; }
    StallProbe* stallProbe() const { return m_stallProbe; }
    TopNModel* topNModel() const { return m_topN; }
    QSortFilterProxyModel* topNProxy() const { return m_topNProxy; }
    QTableView* topNView() const { return m_topNView; }
    ClicksChart* adChart() const { return m_adChart; }
    ClicksChart* totalChart() const { return m_totalChart; }
    ClicksChart* qualityChart() const { return m_qualityChart; }
    //! The ads charted (kept while they are out of the table), sorted.
    const std::vector<std::string>& chartedAds() const { return m_chartedAds; }
    HealthPanel* healthPanel() const { return m_health; }
    FilterPanel* filterPanel() const { return m_filters; }
    RejectsModel* rejectsModel() const { return m_rejects; }
    UnusualEventsModel* unusualEventsModel() const { return m_unusual; }
    //! The error banner's text (empty when hidden).
    QString bannerText() const;

    //! --db: the database of the next source (instead of the per-source default).
    void setDatabaseOverride(const QString& path) { m_databaseOverride = path; }

    void openArchive(const QStringList& paths);
    void followFile(const QString& path);
    void connectKafka(
        const QString& uri, const std::vector<std::pair<std::string, std::string>>& properties = {});
    void openDatabase(const QString& path);
    //! Positional arguments: files/folders (an archive), kafka:// URIs, or a database (*.db).
    void openArguments(const QStringList& arguments);
    //! Starts the embedded broker and the generated stream off the GUI thread, then connects.
    void startDemo();

    //! Writes a report in the background; reportFinished() tells how it went.
    void exportReport(ReportRequest::Kind kind, const QString& path);
    bool exportChartPng(const QString& path);
    //! Renders the whole window to a PNG file.
    bool saveScreenshot(const QString& path);

    void showError(const QString& message);
    void clearError();

signals:
    void reportFinished(const adclick::ui::ReportOutcome& outcome);
    void demoStarted(bool ok);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void createActions();
    void createCentral();
    void createDocks();
    void createRangeBar();
    void createStatusBar();
    void loadSettings();
    void saveSettings();

    void startSource(const SourceSpec& spec, const QString& databasePath = {});
    void onSnapshot(const SnapshotPtr& snapshot);
    void onIngestStatus(const IngestStatus& status);
    void onIngestFinished(const IngestStatus& status);
    void onSelectionChanged(const QItemSelection& selected, const QItemSelection& deselected);
    //! Selects the rows of the charted ads (after the table changed).
    void syncSelection();
    void setChartedAds(std::vector<std::string> ads);
    void updateWindowLabel(const DashboardSnapshot& s);
    void updateCharts(const DashboardSnapshot& s);
    void setUtc(bool utc);
    void applyRange();
    void setLiveMode(bool live);
    WindowEnd liveWindowEnd() const;
    void loadUnusualEvents();
    void saveFilterInDb(const QString& name, const QString& expression);
    void dropFilterInDb(const QString& name);
    void addRecent(const QString& entry);
    void rebuildRecentMenu();
    void openRecent(const QString& entry);
    void chooseExport(ReportRequest::Kind kind);
    void chooseChartPng();
    QString exportDirectory() const;

    DashboardController* m_controller = nullptr;
    StallProbe* m_stallProbe = nullptr;
    TopNModel* m_topN = nullptr;
    QSortFilterProxyModel* m_topNProxy = nullptr;
    QTableView* m_topNView = nullptr;
    QSpinBox* m_topNSpin = nullptr;
    QSpinBox* m_windowSpin = nullptr;
    QLabel* m_windowLabel = nullptr;
    ClicksChart* m_adChart = nullptr;
    ClicksChart* m_totalChart = nullptr;
    ClicksChart* m_qualityChart = nullptr;
    std::vector<std::string> m_chartedAds;
    bool m_syncingSelection = false;
    FilterPanel* m_filters = nullptr;
    HealthPanel* m_health = nullptr;
    RejectsModel* m_rejects = nullptr;
    UnusualEventsModel* m_unusual = nullptr;
    QTabWidget* m_problemTabs = nullptr;
    QLabel* m_unusualLabel = nullptr;
    QLabel* m_banner = nullptr;
    QWidget* m_bannerBox = nullptr;

    // Range toolbar.
    QToolBar* m_rangeBar = nullptr;
    QComboBox* m_mode = nullptr;
    QSpinBox* m_chartMinutes = nullptr;
    QDateTimeEdit* m_from = nullptr;
    QDateTimeEdit* m_to = nullptr;
    QDateTimeEdit* m_at = nullptr;
    QCheckBox* m_atLatest = nullptr;
    QList<QAction*> m_rangeActions; //!< shown in range mode only
    QAction* m_chartMinutesAction = nullptr;

    // Status bar.
    QLabel* m_statusText = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_rate = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_stallLabel = nullptr;
    QLabel* m_dbLabel = nullptr;

    QAction* m_pauseView = nullptr;
    QAction* m_pauseSource = nullptr;
    QAction* m_stopSource = nullptr;
    QAction* m_utcAction = nullptr;
    QAction* m_includeOpen = nullptr;
    QAction* m_demoAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    QStringList m_recent;

    QString m_databaseOverride;
    std::shared_ptr<DemoSession> m_demo;
    SnapshotPtr m_snapshot;
    bool m_utc = true;
    bool m_rangeInitialised = false;
    bool m_bannerFromQuery = false;
    bool m_layoutRestored = false;
    bool m_followTopAds = true; //!< the charts show the top three until the user selects ads
    bool m_shownOnce = false;
    QSplitter* m_centralSplitter = nullptr;
    QSplitter* m_chartSplitter = nullptr;
    QThreadPool m_pool; //!< background file operations; drained before the window goes
};

} // namespace adclick::ui
