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
    enum Roles { SortRole = kSortRole };

    explicit PartitionLagModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setHealth(const std::vector<core::KafkaHealth>& kafka);
    //! Newest-event times in UTC (true) or local time.
    void setUtc(bool utc);

protected:
    std::string keyOf(const PartitionRow& row) const override
    {
        return row.source + '#' + std::to_string(row.health.partition);
    }
    QVariant cell(const PartitionRow& row, int column, int role) const override;
    //! The tooltip: one sentence for the whole row.
    QVariant rowValue(const PartitionRow& row, int role) const override;

private:
    bool m_utc = true;
    bool m_multipleSources = false;
};

} // namespace adclick::ui
