#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QList>
#include <QToolBar>

#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;

namespace adclick::ui {

class DashboardController;

//! The time-range toolbar. Live: the charts follow the newest data (the last N minutes) and the
//! top-N ends at the newest final minute or, for live sources, includes the open one. Analysis:
//! the charts show a chosen range and the top-N is as of a chosen time (or the newest final
//! minute). It sets the controller's range parameters.
//!
//! The range is typed as ISO 8601 text (`2021-01-01`, `2021-01-01 10:30`, `…T10:30:00Z`,
//! `…+01:00`; without a zone: the zone shown beside the fields). A text that does not parse is
//! framed red with a message and never applied. Until the user chooses a range, it is the data's
//! whole range [first minute, end of the newest minute), following the data as it grows; the
//! quick ranges (15 min, 1 h, 6 h, 24 h) end at the end of the newest minute.
class RangeBar : public QToolBar {
    Q_OBJECT
public:
    RangeBar(DashboardController* controller, QWidget* parent = nullptr);

    //! Data arrived: the default ("whole archive") range follows it.
    void setSnapshot(const SnapshotPtr& snapshot);
    //! A new source: live mode, the whole-data range again.
    void resetForSource();
    void setUtc(bool utc);
    //! Live sources: whether the top-N includes the minute still receiving clicks.
    void setIncludeOpen(bool include);

    enum class Quick { Last15Min, LastHour, Last6Hours, Last24Hours, Whole };
    //! Analysis mode with a quick range, relative to the newest data.
    void applyQuick(Quick quick);
    //! Analysis mode (true) or live mode.
    void setAnalysisMode(bool analysis);
    //! The message shown for a text that does not parse (empty: none).
    QString errorText() const;

    void loadSettings(const QSettings& settings);
    void saveSettings(QSettings& settings) const;

private:
    void createLiveControls();
    void createRangeControls();
    void createQuickButtons();
    void setLiveMode(bool live);
    void applyRange();
    void applyTimes(int64_t fromMs, int64_t toMs);
    //! The field's time, or nullopt (the field framed red, the message shown).
    std::optional<int64_t> readField(QLineEdit* field, const QString& name);
    void setField(QLineEdit* field, int64_t ms);
    void markField(QLineEdit* field, bool bad);
    void showError(const QString& message);
    void updateZoneLabel();
    void updateTotal();
    bool hasData() const;
    WindowEnd liveWindowEnd() const;

    DashboardController* m_controller;
    QComboBox* m_mode = nullptr;
    QSpinBox* m_chartMinutes = nullptr;
    QAction* m_chartMinutesAction = nullptr;
    QLineEdit* m_from = nullptr;
    QLineEdit* m_to = nullptr;
    QLineEdit* m_at = nullptr;
    QCheckBox* m_atLatest = nullptr;
    QLabel* m_zone = nullptr;
    QLabel* m_total = nullptr;
    QLabel* m_error = nullptr;
    QList<QAction*> m_rangeActions; //!< shown in analysis mode only
    SnapshotPtr m_snapshot;
    bool m_utc = true;
    bool m_includeOpen = true;
    //! The range is the data's whole range (the default, or "All"): it follows the data.
    bool m_wholeRange = true;
    //! The times the fields show (kept to show them again in another zone).
    int64_t m_fromMs = 0, m_toMs = 0, m_atMs = 0;
};

} // namespace adclick::ui
