#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/models/keyed_table_model.h"

namespace adclick::ui {

struct PartitionRow {
    std::string source;
    core::PartitionHealth health;
};

//! Per-partition health of the Kafka sources: position, high watermark, lag in messages and in
//! event time, newest event, idle.
class PartitionLagModel : public KeyedTableModel<PartitionRow> {
    Q_OBJECT
public:
    enum Columns {
        PartitionColumn,
        LagColumn,
        LagTimeColumn,
        PositionColumn,
        HighWatermarkColumn,
        NewestEventColumn,
        IdleColumn,
        NumColumns
    };
    enum Roles { SortRole = Qt::UserRole };

    explicit PartitionLagModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setHealth(const std::vector<core::KafkaHealth>& kafka);
    //! Newest-event times in UTC (true) or local time.
    void setUtc(bool utc);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    int columns() const override { return NumColumns; }
    std::string keyOf(const PartitionRow& row) const override
    {
        return row.source + '#' + std::to_string(row.health.partition);
    }
    bool cellDiffers(const PartitionRow& a, const PartitionRow& b, int column) const override;

private:
    bool m_utc = true;
    bool m_multipleSources = false;
};

} // namespace adclick::ui
