#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QWidget>

class QAbstractItemModel;
class QGridLayout;
class QLabel;
class QTableView;
class QVBoxLayout;
class QSortFilterProxyModel;

namespace adclick::ui {

class ClusterChainModel;
class KafkaTrendChart;
class PartitionLagModel;

//! Ingest health: state, events/s, counters, watermark and its delay behind wall time, Kafka
//! broker state, data-gap alarm and per-partition lag; for a cluster store, the lag on its
//! aggregate topic and, per input partition, how far its units were applied.
class HealthPanel : public QWidget {
    Q_OBJECT
public:
    explicit HealthPanel(QWidget* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    //! The ingest's own report (fresher than the snapshot's copy).
    //! `sourcePaused`: the run was stopped by "Pause source" (shown as paused, not stopped).
    void setIngestStatus(const IngestStatus& status, bool sourcePaused = false);
    void setUtc(bool utc);
    void setStall(double maxMs, double p99Ms);

    PartitionLagModel* partitionModel() const { return m_partitions; }
    ClusterChainModel* chainModel() const { return m_chains; }
    KafkaTrendChart* kafkaTrend() const { return m_trend; }
    //! The text of one figure, by name (lines, accepted, duplicates, late, rejected, rate,
    //! watermark, delay, state, broker, kafkaSource, gap, cluster), for tests.
    QString figure(const QString& name) const;

private:
    QLabel* addFigure(QGridLayout* grid, int row, int column, const QString& name, const QString& title);
    //! A hidden line of grey text above a table.
    QLabel* addCaption(QVBoxLayout* layout, const QString& text);
    //! A sortable, unselectable table of `model` (through `proxy`), hidden until it has rows.
    QTableView* addTable(QVBoxLayout* layout, QSortFilterProxyModel* proxy, QAbstractItemModel* model,
        const QString& name, int sortColumn);
    //! A cluster store's input partitions: the summary figure and the table.
    void updateChains(const DashboardSnapshot& s);
    void updateCounters(const core::Counters& c);
    void updateState();
    //! Events/s when the ingest does not report it: the growth of the stored counters.
    void updateRate(const DashboardSnapshot& s);
    //! Watermark, its delay behind wall time, newest event, query time.
    void updateTimes(const DashboardSnapshot& s);
    //! Broker state, client errors, data gap; returns the alarms to show.
    QStringList updateKafka(const std::vector<core::KafkaHealth>& kafka);
    //! Topic and consumer group of the Kafka sources.
    void updateKafkaSource(const std::vector<core::KafkaHealth>& kafka);
    //! One point of the lag and events/s chart (a new source starts it again).
    void sampleTrend(const DashboardSnapshot& s);

    QMap<QString, QLabel*> m_figures;
    PartitionLagModel* m_partitions = nullptr;
    QSortFilterProxyModel* m_partitionProxy = nullptr;
    QTableView* m_partitionView = nullptr;
    ClusterChainModel* m_chains = nullptr;
    QSortFilterProxyModel* m_chainProxy = nullptr;
    QTableView* m_chainView = nullptr;
    QLabel* m_chainCaption = nullptr;
    QLabel* m_partitionCaption = nullptr; //!< shown for a cluster store only
    KafkaTrendChart* m_trend = nullptr;
    QString m_trendKey; //!< database and source the chart's samples belong to
    QLabel* m_alarm = nullptr;
    SnapshotPtr m_snapshot;
    IngestStatus m_ingest;
    bool m_sourcePaused = false;
    bool m_utc = true;
    // Rate from the stored counters when the ingest does not report one.
    int64_t m_rateLines = -1;
    int64_t m_rateWallMs = 0;
    double m_storeRate = 0;
};

} // namespace adclick::ui
