#pragma once

#include "ui/dashboard/csv_report.h"
#include "ui/widgets/theme.h"

#include <QObject>
#include <QStringList>

#include <string>
#include <utility>
#include <vector>

class QAction;
class QActionGroup;
class QMainWindow;
class QMenu;
class QSettings;

namespace adclick::ui {

using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

//! The main window's menus (File, View, Help) and main toolbar, with the file dialogs behind
//! them and the recent sources. What the user chose arrives as signals; the view toggles are
//! exposed as actions. Every main action has a keyboard shortcut; Help → Keyboard shortcuts
//! lists them.
class MainActions : public QObject {
    Q_OBJECT
public:
    //! The panels View → Go to moves the keyboard focus to.
    enum class Panel { Filters, TopN, Charts, Range, Events, Health };

    //! Builds the menus and the toolbar of `window` (after its docks, which the View menu lists).
    explicit MainActions(QMainWindow* window);

    QAction* pauseView() const { return m_pauseView; }
    QAction* pauseSource() const { return m_pauseSource; }
    QAction* stopSource() const { return m_stopSource; }
    QAction* utc() const { return m_utc; }
    QAction* includeOpen() const { return m_includeOpen; }
    QAction* demo() const { return m_demo; }
    //! The actions that must have a shortcut (all but the recent sources, theme choices, dock
    //! toggles and About).
    const QList<QAction*>& mainActions() const { return m_main; }
    ThemeMode themeMode() const;
    void setThemeMode(ThemeMode mode);

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
    void refreshRequested();
    void focusRequested(adclick::ui::MainActions::Panel panel);
    void themeChosen(adclick::ui::ThemeMode mode);

private:
    void createFileMenu();
    //! The export entries: the File menu's, or the toolbar button's shorter ones.
    void addExportActions(QMenu* menu, bool shortLabels);
    void createViewMenu();
    void addGoToMenu(QMenu* view);
    void addThemeMenu(QMenu* view);
    //! A main action: `keys` as its shortcut, and in mainActions().
    QAction* withKeys(QAction* action, const QKeySequence& keys);
    void showShortcuts();
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
    QActionGroup* m_themes = nullptr;
    QStringList m_recent;
    QList<QAction*> m_main;
};

} // namespace adclick::ui
