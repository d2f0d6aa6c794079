#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QWidget>

#include <string>
#include <vector>

class QItemSelection;
class QLabel;
class QSettings;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace adclick::ui {

class DashboardController;
class TopNModel;

//! The top-N table with its controls (N ads over M minutes) and the line saying which minutes
//! the window covers. It also decides which ads are charted: the top three until the user
//! selects rows, then the selection (an ad that leaves the table stays charted).
class TopNPanel : public QWidget {
    Q_OBJECT
public:
    TopNPanel(DashboardController* controller, QWidget* parent = nullptr);

    TopNModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    //! The ads charted (kept while they are out of the table), sorted.
    const std::vector<std::string>& chartedAds() const { return m_chartedAds; }

    void setSnapshot(const SnapshotPtr& snapshot);
    void setUtc(bool utc);
    //! A new source: nothing selected, the charts follow the top three again.
    void resetForSource();
    //! Nothing charted until the user selects ads.
    void clearChartedAds();
    //! Charts one more ad (typed in the charts' ad search box), in the table or not.
    void chartAd(const QString& adId);

    void loadSettings(const QSettings& settings);
    void saveSettings(QSettings& settings) const;

private:
    QLayout* createControls();
    void createTable();
    void onSelectionChanged(const QItemSelection& selected, const QItemSelection& deselected);
    void followTopAds(const DashboardSnapshot& s);
    //! Selects the rows of the charted ads (after the table changed).
    void syncSelection();
    void clearSelectionQuietly();
    void setChartedAds(std::vector<std::string> ads);

    DashboardController* m_controller;
    TopNModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_view = nullptr;
    QSpinBox* m_topN = nullptr;
    QSpinBox* m_window = nullptr;
    QLabel* m_windowLabel = nullptr;
    SnapshotPtr m_snapshot;
    std::vector<std::string> m_chartedAds;
    bool m_utc = true;
    bool m_syncingSelection = false;
    bool m_followTopAds = true; //!< the charts show the top three until the user selects ads
};

} // namespace adclick::ui
