#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/dashboard/store_actions.h"

#include <QTabWidget>

class QLabel;

namespace adclick::ui {

class RejectsModel;
class UnusualEventsModel;

//! The rejected lines (from the snapshots) and, on demand ("Load", answered by the controller),
//! the late and duplicate events of the chart's range, in two tabs.
class EventsPanel : public QTabWidget {
    Q_OBJECT
public:
    explicit EventsPanel(QWidget* parent = nullptr);

    RejectsModel* rejectsModel() const { return m_rejects; }
    UnusualEventsModel* unusualEventsModel() const { return m_unusual; }

    void setSnapshot(const SnapshotPtr& snapshot);
    void setUtc(bool utc);
    //! A read was started: says so until its result arrives.
    void setLoading();
    void showUnusualEvents(const UnusualEventsResult& result);
    //! A new source: the events read for the old one go.
    void clearUnusualEvents();

signals:
    void loadRequested();

private:
    QWidget* createRejectsTab();
    QWidget* createUnusualTab();

    RejectsModel* m_rejects = nullptr;
    UnusualEventsModel* m_unusual = nullptr;
    QLabel* m_unusualLabel = nullptr;
    bool m_utc = true;
};

} // namespace adclick::ui
