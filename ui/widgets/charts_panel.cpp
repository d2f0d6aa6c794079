#include "ui/widgets/charts_panel.h"

#include "ui/charts/clicks_chart.h"
#include "ui/models/chart_series.h"

namespace adclick::ui {

ChartsPanel::ChartsPanel(QWidget* parent)
    : QSplitter(Qt::Vertical, parent)
{
    setObjectName(QStringLiteral("chartSplitter"));
    m_adChart = new ClicksChart(tr("Clicks per minute of the selected ads"), this);
    m_adChart->setObjectName(QStringLiteral("adChart"));
    m_totalChart = new ClicksChart(tr("All clicks per minute (filtered)"), this);
    m_totalChart->setObjectName(QStringLiteral("totalChart"));
    m_qualityChart = new ClicksChart(tr("Late and duplicate events per minute (all clicks)"), this);
    m_qualityChart->setObjectName(QStringLiteral("qualityChart"));
    m_qualityChart->setAxisTitle(tr("per min"));
    m_adChart->setTimeTitleVisible(false);
    m_totalChart->setTimeTitleVisible(false);
    setStretchFactor(0, 4);
    setStretchFactor(1, 3);
    setStretchFactor(2, 2);
    setMinimumWidth(360);
}

void ChartsPanel::setSnapshot(const DashboardSnapshot& s)
{
    m_adChart->setData(ChartSeriesBuilder::adChart(s));
    m_totalChart->setData(ChartSeriesBuilder::totalChart(s));
    m_qualityChart->setData(ChartSeriesBuilder::qualityChart(s));
}

void ChartsPanel::setUtc(bool utc)
{
    for (ClicksChart* c : { m_adChart, m_totalChart, m_qualityChart })
        c->setUtc(utc);
}

void ChartsPanel::resetZoom()
{
    for (ClicksChart* c : { m_adChart, m_totalChart, m_qualityChart })
        c->resetZoom();
}

bool ChartsPanel::savePng(const QString& path)
{
    return grab().save(path, "PNG");
}

void ChartsPanel::setFirstRunSizes()
{
    const int h = height();
    setSizes({ h * 2 / 5, h * 3 / 10, h * 3 / 10 });
}

} // namespace adclick::ui
