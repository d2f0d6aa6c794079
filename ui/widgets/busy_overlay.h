#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QWidget>

namespace adclick::ui {

class DashboardController;

//! The views a change of the view parameters makes out of date.
struct BusyViews {
    bool topN = false;
    bool countries = false;
    bool charts = false;
    bool operator==(const BusyViews&) const = default;
};
//! Which views show numbers for `shown` that `wanted` changes (e.g. a filter: all three; the
//! charted ads: the charts only).
BusyViews affectedViews(const ViewParams& shown, const ViewParams& wanted);

//! "Updating…" over a view whose numbers are for older parameters: a light wash that greys them
//! (they stay readable) and a label at the top. It lets the mouse through to the view.
class BusyOverlay : public QWidget {
    Q_OBJECT
public:
    //! Covers `target`, following its size and place (a child of it, or of its nearest ancestor
    //! that is not a splitter).
    explicit BusyOverlay(QWidget* target);

    void setBusy(bool busy);
    bool isBusy() const { return m_busy; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void follow();

    QWidget* m_target;
    bool m_busy = false;
};

//! Puts a BusyOverlay on the top-N table, the country list and the charts, and shows it on the
//! ones the pending parameters affect while the shown snapshot is of older parameters (the
//! controller publishes only snapshots of its current paramsGeneration; until one arrives, the
//! views show the old numbers). Named busyTopN, busyCountries, busyCharts.
void attachBusyOverlays(DashboardController* controller, QWidget* topN, QWidget* countries, QWidget* charts);

} // namespace adclick::ui
