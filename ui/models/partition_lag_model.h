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

    //! One source's lag in a few words, never 0 for unknown: "lag 1,234 msgs", "lag unknown
    //! (last read 25 s ago)", and for a report no longer kept up to date (its updatedMs older
    //! than a few seconds: the source stopped) "lag 1,234 msgs as of 3 min ago".
    static QString lagSummary(const core::KafkaHealth& health, int64_t nowMs);
    //! The time since `sinceMs` in words ("25 s", "3 min").
    static QString age(int64_t sinceMs, int64_t nowMs);

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
