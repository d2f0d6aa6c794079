#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QDateTime>
#include <QSet>
#include <QWidget>

class QCompleter;
class QLineEdit;
class QSplitter;
class QStringListModel;

namespace adclick::ui {

class ClicksChart;
struct ChartReport;

//! The three charts, one above the other: the charted ads per minute, all (filtered) clicks per
//! minute, and the late and duplicate events per minute. Their lines come from ChartSeriesBuilder.
//! Above them: an ad search box (type or pick any ad id to chart it, not only the top N), the
//! zoom reset and the report export. The charts share one time axis: zooming or panning one
//! zooms the others.
class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget* parent = nullptr);

    ClicksChart* adChart() const { return m_adChart; }
    ClicksChart* totalChart() const { return m_totalChart; }
    ClicksChart* qualityChart() const { return m_qualityChart; }
    QLineEdit* adSearch() const { return m_adSearch; }

    void setSnapshot(const SnapshotPtr& snapshot);
    void setUtc(bool utc);
    void resetZoom();
    //! The charts as a report with their title block (source, range, filter, time), as PNG.
    bool savePng(const QString& path);
    //! The dashboard report (title block, the top N, the three charts): PNG, or PDF for *.pdf.
    bool saveReport(const QString& path);
    //! The report's title block for the current snapshot, generated at `now`.
    QStringList reportTitle(const QDateTime& now) const;
    const DashboardSnapshot& shownSnapshot() const; //!< an empty one before the first
    //! The report (for tests: its size and title).
    ChartReport report(bool withTable, const QDateTime& now) const;
    //! The first run's split (2/5, 3/10, 3/10 of the height).
    void setFirstRunSizes();
    QByteArray saveState() const;
    bool restoreState(const QByteArray& state);

signals:
    //! The user typed or picked an ad id to chart.
    void chartAdRequested(const QString& adId);

private:
    QWidget* createToolbar();
    void linkZoom();
    void submitAd();
    void chooseReport();

    QSplitter* m_splitter = nullptr;
    ClicksChart* m_adChart = nullptr;
    ClicksChart* m_totalChart = nullptr;
    ClicksChart* m_qualityChart = nullptr;
    QLineEdit* m_adSearch = nullptr;
    QStringListModel* m_knownAds = nullptr;
    QSet<QString> m_adSet;
    QString m_database;
    SnapshotPtr m_snapshot; //!< the shown one, for the report's title block and table
    bool m_utc = true;
    bool m_linking = false;
};

} // namespace adclick::ui
