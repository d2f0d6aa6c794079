#include "ui/widgets/charts_panel.h"

#include "ui/charts/chart_report.h"
#include "ui/charts/clicks_chart.h"
#include "ui/models/chart_series.h"

#include <QCompleter>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QStringListModel>
#include <QToolButton>

#include <cmath>

namespace adclick::ui {

ChartsPanel::ChartsPanel(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("chartsPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(createToolbar());
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("chartSplitter"));
    m_adChart = new ClicksChart(tr("Clicks per minute of the selected ads"), m_splitter);
    m_adChart->setObjectName(QStringLiteral("adChart"));
    m_totalChart = new ClicksChart(tr("All clicks per minute (filtered)"), m_splitter);
    m_totalChart->setObjectName(QStringLiteral("totalChart"));
    m_totalChart->chart()->legend()->hide(); // one line, named by the title: its height is the plot's
    m_qualityChart = new ClicksChart(tr("Late and duplicate events per minute (all clicks)"), m_splitter);
    m_qualityChart->setObjectName(QStringLiteral("qualityChart"));
    m_qualityChart->setAxisTitle(tr("per min"));
    m_adChart->setTimeTitleVisible(false);
    m_totalChart->setTimeTitleVisible(false);
    m_splitter->setStretchFactor(0, 4);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setStretchFactor(2, 2);
    layout->addWidget(m_splitter, 1);
    setMinimumWidth(360);
    linkZoom();
}

QWidget* ChartsPanel::createToolbar()
{
    auto* bar = new QWidget(this);
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_adSearch = new QLineEdit(bar);
    m_adSearch->setObjectName(QStringLiteral("adSearch"));
    m_adSearch->setPlaceholderText(tr("Chart an ad: type its id, Enter"));
    m_adSearch->setClearButtonEnabled(true);
    m_adSearch->setToolTip(
        tr("Charts any ad, not only those in the top N (the ads seen in the table are suggested)"));
    m_knownAds = new QStringListModel(this);
    auto* completer = new QCompleter(m_knownAds, m_adSearch);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_adSearch->setCompleter(completer);
    connect(m_adSearch, &QLineEdit::returnPressed, this, &ChartsPanel::submitAd);
    connect(completer, qOverload<const QString&>(&QCompleter::activated), this, [this] { submitAd(); });
    auto* reset = new QToolButton(bar);
    reset->setText(tr("Reset zoom"));
    reset->setToolTip(tr("Show the whole range again (or double-click a chart, Home, Esc)"));
    connect(reset, &QToolButton::clicked, this, &ChartsPanel::resetZoom);
    auto* report = new QToolButton(bar);
    report->setText(tr("Report…"));
    report->setToolTip(
        tr("Save the dashboard report (PNG or PDF): title, source, range, filter, top N, charts"));
    connect(report, &QToolButton::clicked, this, &ChartsPanel::chooseReport);
    row->addWidget(m_adSearch, 1);
    row->addWidget(reset);
    row->addWidget(report);
    return bar;
}

void ChartsPanel::linkZoom()
{
    // One time axis: a zoom or pan on one chart shows the same minutes on the others, a reset
    // resets them all.
    const QList<ClicksChart*> charts { m_adChart, m_totalChart, m_qualityChart };
    for (ClicksChart* c : charts) {
        connect(c, &ClicksChart::userRangeChanged, this, [this, c, charts](double min, double max) {
            if (m_linking) return;
            m_linking = true;
            for (ClicksChart* other : charts)
                if (other != c) other->showXRange(min, max);
            m_linking = false;
        });
        connect(c, &ClicksChart::zoomChanged, this, [this](bool zoomed) {
            if (!zoomed && !m_linking) resetZoom();
        });
    }
}

void ChartsPanel::submitAd()
{
    const QString ad = m_adSearch->text().trimmed();
    if (ad.isEmpty()) return;
    emit chartAdRequested(ad);
    m_adSearch->clear();
}

void ChartsPanel::setSnapshot(const SnapshotPtr& snapshot)
{
    const DashboardSnapshot& s = *snapshot;
    m_adChart->setData(ChartSeriesBuilder::adChart(s));
    m_totalChart->setData(ChartSeriesBuilder::totalChart(s));
    m_qualityChart->setData(ChartSeriesBuilder::qualityChart(s));
    m_snapshot = snapshot; // immutable and shared: the report's title block and table read it
    if (s.databasePath != m_database) {
        m_database = s.databasePath;
        m_adSet.clear();
    }
    const qsizetype known = m_adSet.size();
    for (const TopRow& r : s.top)
        m_adSet.insert(QString::fromStdString(r.adId));
    for (const std::string& ad : s.params.selectedAds)
        m_adSet.insert(QString::fromStdString(ad));
    if (m_adSet.size() != known || (known == 0 && m_knownAds->rowCount() > 0)) {
        QStringList ads(m_adSet.begin(), m_adSet.end());
        ads.sort();
        m_knownAds->setStringList(ads);
    }
}

void ChartsPanel::setUtc(bool utc)
{
    m_utc = utc;
    for (ClicksChart* c : { m_adChart, m_totalChart, m_qualityChart })
        c->setUtc(utc);
}

void ChartsPanel::resetZoom()
{
    m_linking = true;
    for (ClicksChart* c : { m_adChart, m_totalChart, m_qualityChart })
        c->resetZoom();
    m_linking = false;
}

const DashboardSnapshot& ChartsPanel::shownSnapshot() const
{
    static const DashboardSnapshot none;
    return m_snapshot ? *m_snapshot : none;
}

QStringList ChartsPanel::reportTitle(const QDateTime& now) const
{
    if (!m_totalChart->isZoomed()) return reportTitleLines(shownSnapshot(), m_utc, now);
    // Zoomed: the report shows the zoomed minutes, and says so (a copy, made only for a report).
    DashboardSnapshot shown = shownSnapshot();
    const auto [min, max] = m_totalChart->xRange();
    shown.firstMinute = int64_t(std::floor(min / double(kMinuteMs)));
    shown.endMinute = int64_t(std::ceil(max / double(kMinuteMs)));
    QStringList lines = reportTitleLines(shown, m_utc, now);
    lines[2] += tr(" (zoomed)");
    return lines;
}

ChartReport ChartsPanel::report(bool withTable, const QDateTime& now) const
{
    ChartReport r;
    r.title = reportTitle(now);
    if (withTable) r.table = reportTopLines(shownSnapshot(), m_utc);
    r.charts = { m_adChart, m_totalChart, m_qualityChart };
    return r;
}

bool ChartsPanel::savePng(const QString& path)
{
    return report(false, QDateTime::currentDateTime()).save(path);
}

bool ChartsPanel::saveReport(const QString& path)
{
    return report(true, QDateTime::currentDateTime()).save(path);
}

void ChartsPanel::chooseReport()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save the dashboard report"),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)
            + QStringLiteral("/adclick-report.pdf"),
        tr("PDF document (*.pdf);;PNG image (*.png)"));
    if (path.isEmpty()) return;
    if (!saveReport(path)) QMessageBox::warning(this, tr("Report"), tr("Cannot write '%1'").arg(path));
}

void ChartsPanel::setFirstRunSizes()
{
    const int h = m_splitter->height();
    m_splitter->setSizes({ h * 2 / 5, h * 3 / 10, h * 3 / 10 });
}

QByteArray ChartsPanel::saveState() const
{
    return m_splitter->saveState();
}

bool ChartsPanel::restoreState(const QByteArray& state)
{
    return m_splitter->restoreState(state);
}

} // namespace adclick::ui
