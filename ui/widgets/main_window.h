#pragma once

#include "ui/dashboard/csv_report.h"
#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/import_preview.h"
#include "ui/dashboard/source_spec.h"
#include "ui/dashboard/store_actions.h"
#include "ui/widgets/charts_panel.h"
#include "ui/widgets/events_panel.h"
#include "ui/widgets/main_actions.h"
#include "ui/widgets/top_n_panel.h"

#include <QMainWindow>
#include <QPointer>

#include <optional>

class QDockWidget;
class QSplitter;

namespace adclick::ui {

class DashboardController;
class ErrorBanner;
class FilterPanel;
class HealthPanel;
class ImportPreviewDialog;
class IngestStatusBar;
class RangeBar;
class StallProbe;

//! The main window, composed of panels: the top-N table and the charts in the middle, filters on
//! the left, ingest health on the right, rejected/late/duplicate events below, the analysis range
//! in a toolbar, ingest progress in the status bar, the menus (MainActions). It only hands
//! snapshots and job results from the DashboardController to the panels and the user's choices
//! back to it; every query and file operation runs off the GUI thread, in the controller.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    DashboardController* controller() const { return m_controller; }
    StallProbe* stallProbe() const { return m_stallProbe; }
    TopNModel* topNModel() const { return m_topN->model(); }
    QSortFilterProxyModel* topNProxy() const { return m_topN->proxy(); }
    QTableView* topNView() const { return m_topN->view(); }
    ClicksChart* adChart() const { return m_charts->adChart(); }
    ClicksChart* totalChart() const { return m_charts->totalChart(); }
    ClicksChart* qualityChart() const { return m_charts->qualityChart(); }
    //! The ads charted (kept while they are out of the table), sorted.
    const std::vector<std::string>& chartedAds() const { return m_topN->chartedAds(); }
    HealthPanel* healthPanel() const { return m_health; }
    FilterPanel* filterPanel() const { return m_filters; }
    RejectsModel* rejectsModel() const { return m_events->rejectsModel(); }
    UnusualEventsModel* unusualEventsModel() const { return m_events->unusualEventsModel(); }
    //! The error banner's text (empty when hidden).
    QString bannerText() const;

    //! --db: the database of the next source (instead of the per-source default).
    void setDatabaseOverride(const QString& path) { m_databaseOverride = path; }

    void openArchive(const QStringList& paths, bool orderAny = false, const core::ParserOptions& parser = {});
    void followFile(const QString& path, const core::ParserOptions& parser = {});
    //! File menu: the import preview of `paths` (sniffed off the GUI thread) first; its
    //! Read button opens them with the order chosen there.
    void previewArchive(const QStringList& paths);
    void previewFollow(const QString& path);
    //! The command line and drag and drop: `spec` (an archive or a followed file, default
    //! options) is opened as it is when the head of its first file reads as clicks or holds no
    //! line yet. When every line read there is rejected, or the rows look separated by another
    //! delimiter, the import preview comes first, with what it found chosen: a file dropped on
    //! the window is never read into nothing without a word.
    void openChecked(const SourceSpec& spec);
    //! The import preview on screen (nullptr when none).
    ImportPreviewDialog* previewDialog() const;
    void connectKafka(const QString& uri, const KafkaProperties& properties = {});
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

    //! Whether the window shows its dark palette (View → Theme, or the system's).
    bool darkTheme() const { return m_dark; }
    //! View → Go to: shows the panel's dock and moves the keyboard focus into the panel.
    void focusPanel(MainActions::Panel panel);
    MainActions* actions() const { return m_actions; }

signals:
    void reportFinished(const adclick::ui::ReportOutcome& outcome);
    void demoStarted(bool ok);
    //! The palette turned dark or light (the charts follow it here already).
    void themeChanged(bool dark);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    static constexpr int kWarningMs = 15'000; //!< how long a warning stays on the status bar
    void createCentral();
    void createDocks();
    QDockWidget* addDock(const QString& title, const QString& name, Qt::DockWidgetArea area);
    void connectController();
    void connectPanels();
    void connectActions();
    void startStallWatch();
    void loadSettings();
    void saveSettings() const;
    void applyFirstRunLayout();
    //! Minimum sizes and column modes so the window fits 1024×640 (issue 11 defect 5).
    void fitSmallScreens();
    void setUpKeyboard();
    void setThemeMode(ThemeMode mode);
    void updateChartTheme();

    void openSource(const SourceSpec& spec);
    void onSourceChanged();
    void onSnapshot(const SnapshotPtr& snapshot);
    void onIngestStatus(const IngestStatus& status);
    void onIngestFinished(const IngestStatus& status);
    //! A notice about how a file is read: the banner's button opens its import preview.
    void offerPreview();
    void onDemoStarted(bool ok, const QString& error);
    void onPreviewReady(const ImportPreview& preview);
    //! Sniffs `spec` in the background; onPreviewReady then shows the dialog, or with
    //! `openIfReadable` opens the source at once when its head reads as it is (openChecked).
    void requestPreview(const SourceSpec& spec, bool openIfReadable);
    void onReportFinished(const ReportOutcome& outcome);
    //! How an action ended: `done` in the status bar for `doneMs`, or `failed` in the banner.
    void showOutcome(bool ok, const QString& done, const QString& failed, int doneMs);
    void onFilterAction(const FilterActionOutcome& outcome);
    void saveFilter(const QString& name, const QString& expression);
    void loadUnusualEvents();
    void saveChartPng(const QString& path);
    void setUtc(bool utc);

    DashboardController* m_controller = nullptr;
    StallProbe* m_stallProbe = nullptr;
    ErrorBanner* m_banner = nullptr;
    QSplitter* m_centralSplitter = nullptr;
    TopNPanel* m_topN = nullptr;
    ChartsPanel* m_charts = nullptr;
    FilterPanel* m_filters = nullptr;
    HealthPanel* m_health = nullptr;
    EventsPanel* m_events = nullptr;
    MainActions* m_actions = nullptr;
    RangeBar* m_rangeBar = nullptr;
    IngestStatusBar* m_status = nullptr;
    QPointer<ImportPreviewDialog> m_preview;
    //! The spec of the preview on its way when openChecked asked for it (opened without the
    //! dialog if its head reads as it is).
    std::optional<SourceSpec> m_openIfReadable;
    QString m_databaseOverride;
    bool m_layoutRestored = false;
    bool m_shownOnce = false;
    bool m_dark = false;
};

} // namespace adclick::ui
