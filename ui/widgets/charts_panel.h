#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QSplitter>

namespace adclick::ui {

class ClicksChart;

//! The three charts, one above the other: the charted ads per minute, all (filtered) clicks per
//! minute, and the late and duplicate events per minute. Their lines come from ChartSeriesBuilder.
class ChartsPanel : public QSplitter {
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget* parent = nullptr);

    ClicksChart* adChart() const { return m_adChart; }
    ClicksChart* totalChart() const { return m_totalChart; }
    ClicksChart* qualityChart() const { return m_qualityChart; }

    void setSnapshot(const DashboardSnapshot& s);
    void setUtc(bool utc);
    void resetZoom();
    //! The three charts as one PNG.
    bool savePng(const QString& path);
    //! The first run's split (2/5, 3/10, 3/10 of the height).
    void setFirstRunSizes();

private:
    ClicksChart* m_adChart = nullptr;
    ClicksChart* m_totalChart = nullptr;
    ClicksChart* m_qualityChart = nullptr;
};

} // namespace adclick::ui
