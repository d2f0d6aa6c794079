#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QList>
#include <QToolBar>

class QAction;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QSettings;
class QSpinBox;

namespace adclick::ui {

class DashboardController;

//! The time-range toolbar. Live: the charts follow the newest data (the last N minutes) and the
//! top-N ends at the newest final minute or, for live sources, includes the open one. Analysis:
//! the charts show a chosen range and the top-N is as of a chosen time (or the newest final
//! minute). It sets the controller's range parameters.
class RangeBar : public QToolBar {
    Q_OBJECT
public:
    RangeBar(DashboardController* controller, QWidget* parent = nullptr);

    //! The first data of a source sets the analysis range to all of it.
    void setSnapshot(const SnapshotPtr& snapshot);
    //! A new source: live mode, the range set again by its first data.
    void resetForSource();
    void setUtc(bool utc);
    //! Live sources: whether the top-N includes the minute still receiving clicks.
    void setIncludeOpen(bool include);

    void loadSettings(const QSettings& settings);
    void saveSettings(QSettings& settings) const;

signals:
    void error(const QString& message);

private:
    void createLiveControls();
    void createRangeControls();
    void setLiveMode(bool live);
    void applyRange();
    void showAllData();
    WindowEnd liveWindowEnd() const;

    DashboardController* m_controller;
    QComboBox* m_mode = nullptr;
    QSpinBox* m_chartMinutes = nullptr;
    QAction* m_chartMinutesAction = nullptr;
    QDateTimeEdit* m_from = nullptr;
    QDateTimeEdit* m_to = nullptr;
    QDateTimeEdit* m_at = nullptr;
    QCheckBox* m_atLatest = nullptr;
    QList<QAction*> m_rangeActions; //!< shown in analysis mode only
    SnapshotPtr m_snapshot;
    bool m_includeOpen = true;
    bool m_rangeInitialised = false;
};

} // namespace adclick::ui
