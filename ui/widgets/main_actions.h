#pragma once

#include "ui/dashboard/csv_report.h"

#include <QObject>
#include <QStringList>

#include <string>
#include <utility>
#include <vector>

class QAction;
class QMainWindow;
class QMenu;
class QSettings;

namespace adclick::ui {

using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

//! The main window's menus (File, View, Help) and main toolbar, with the file dialogs behind
//! them and the recent sources. What the user chose arrives as signals; the view toggles are
//! exposed as actions.
class MainActions : public QObject {
    Q_OBJECT
public:
    //! Builds the menus and the toolbar of `window` (after its docks, which the View menu lists).
    explicit MainActions(QMainWindow* window);

    QAction* pauseView() const { return m_pauseView; }
    QAction* pauseSource() const { return m_pauseSource; }
    QAction* stopSource() const { return m_stopSource; }
    QAction* utc() const { return m_utc; }
    QAction* includeOpen() const { return m_includeOpen; }
    QAction* demo() const { return m_demo; }

    //! Puts `entry` ("archive:a|b", "follow:f", "kafka:uri", "db:f") first in File → Recent.
    void addRecent(const QString& entry);
    //! A new source runs: "Pause source" unchecked without a resume request.
    void resetSourcePause();

    void loadSettings(const QSettings& settings);
    void saveSettings(QSettings& settings) const;

signals:
    void archiveChosen(const QStringList& paths);
    void followChosen(const QString& path);
    void kafkaChosen(const QString& uri, const adclick::ui::KafkaProperties& properties);
    void databaseChosen(const QString& path);
    void demoRequested();
    void exportChosen(adclick::ui::ReportRequest::Kind kind, const QString& path);
    void chartPngChosen(const QString& path);
    void clearChartedAdsRequested();
    void resetZoomRequested();

private:
    void createFileMenu();
    //! The export entries: the File menu's, or the toolbar button's shorter ones.
    void addExportActions(QMenu* menu, bool shortLabels);
    void createViewMenu();
    void createHelpMenu();
    void createToolBar();
    void rebuildRecentMenu();
    void openRecent(const QString& entry);
    QString lastDirectory() const;
    QString exportDirectory() const;
    void chooseExport(ReportRequest::Kind kind);
    void chooseChartPng();

    QMainWindow* m_window;
    QAction* m_openArchive = nullptr;
    QAction* m_kafka = nullptr;
    QAction* m_pauseView = nullptr;
    QAction* m_pauseSource = nullptr;
    QAction* m_stopSource = nullptr;
    QAction* m_utc = nullptr;
    QAction* m_includeOpen = nullptr;
    QAction* m_demo = nullptr;
    QMenu* m_recentMenu = nullptr;
    QStringList m_recent;
};

} // namespace adclick::ui
