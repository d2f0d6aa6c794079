#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/store_actions.h"

#include <QTabWidget>
#include <QThreadPool>

class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace adclick::ui {

class JobTracker;
class RejectsModel;
class SourceLineDialog;
class UnusualEventsModel;

//! The rejected lines (from the snapshots) and, on demand ("Load", answered by the controller),
//! the late and duplicate events of the chart's range, in two tabs. Each table has a search box
//! (rows holding the text, in any column) and a group choice (a reject reason with its count, a
//! verdict); Ctrl+C or the context menu copies the selected lines (a rejected line as it was
//! read); a rejected line's context menu opens its source at the line (SourceLineDialog).
class EventsPanel : public QTabWidget {
    Q_OBJECT
public:
    explicit EventsPanel(QWidget* parent = nullptr);
    ~EventsPanel() override;

    RejectsModel* rejectsModel() const { return m_rejects; }
    UnusualEventsModel* unusualEventsModel() const { return m_unusual; }
    QTableView* rejectsView() const { return m_rejectsView; }
    QTableView* unusualView() const { return m_unusualView; }

    void setSnapshot(const SnapshotPtr& snapshot);
    void setUtc(bool utc);
    //! A read was started: says so until its result arrives.
    void setLoading();
    void showUnusualEvents(const UnusualEventsResult& result);
    //! A new source: the events read for the old one go, and the chosen reject reason.
    void clearUnusualEvents();

    //! Copies the selected rows of the current tab (rejected lines raw; events tab-separated).
    void copySelection();
    //! Opens the dialog for the rejected line in the view's row `row` (returns it).
    SourceLineDialog* openSourceAt(int row);

signals:
    void loadRequested();

private:
    QWidget* createRejectsTab();
    QWidget* createUnusualTab();
    void addTableActions(QTableView* view, bool rejects);
    void updateReasonCombo(const core::Counters& counters);
    void updateShownCount();

    QThreadPool m_pool; //!< source reads; waited for before the tracker goes
    JobTracker* m_sourceJob = nullptr;
    RejectsModel* m_rejects = nullptr;
    UnusualEventsModel* m_unusual = nullptr;
    QSortFilterProxyModel* m_rejectsProxy = nullptr;
    QSortFilterProxyModel* m_unusualProxy = nullptr;
    QTableView* m_rejectsView = nullptr;
    QTableView* m_unusualView = nullptr;
    QComboBox* m_reason = nullptr;
    QLabel* m_rejectsShown = nullptr;
    QLabel* m_unusualLabel = nullptr;
    bool m_utc = true;
};

} // namespace adclick::ui
