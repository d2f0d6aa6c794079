#include "ui/models/partition_lag_model.h"

#include "ui/models/time_format.h"

#include <QLocale>

namespace adclick::ui {

PartitionLagModel::PartitionLagModel(QObject* parent)
    : KeyedTableModel<PartitionRow>(
        { { tr("Partition"), kAlignRight }, { tr("Lag"), kAlignRight }, { tr("Lag (time)"), kAlignRight },
            { tr("Position"), kAlignRight }, { tr("End"), kAlignRight }, { tr("Newest"), kAlignRight },
            { tr("Idle"), kAlignCenter } },
        parent)
{ }

void PartitionLagModel::setSnapshot(const SnapshotPtr& snapshot)
{
    if (snapshot) setHealth(snapshot->kafka);
}

void PartitionLagModel::setHealth(const std::vector<core::KafkaHealth>& kafka)
{
    m_multipleSources = kafka.size() > 1;
    std::vector<PartitionRow> rows;
    for (const core::KafkaHealth& h : kafka)
        for (const core::PartitionHealth& p : h.partitions)
            rows.push_back({ h.source, p });
    applyRows(std::move(rows));
}

void PartitionLagModel::setUtc(bool utc)
{
    if (m_utc == utc) return;
    m_utc = utc;
    columnChanged(NewestEventColumn);
}

QVariant PartitionLagModel::rowValue(const PartitionRow& row, int role) const
{
    if (role != Qt::ToolTipRole) return {};
    const core::PartitionHealth& p = row.health;
    return tr("%1, partition %2: next offset %3 of %4, %5 messages behind")
        .arg(QString::fromStdString(row.source))
        .arg(p.partition)
        .arg(p.position)
        .arg(p.highWatermark)
        .arg(p.lagMessages);
}

QVariant PartitionLagModel::cell(const PartitionRow& row, int column, int role) const
{
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const bool sort = role == SortRole;
    const core::PartitionHealth& p = row.health;
    const auto number = [sort](int64_t n) {
        return sort ? QVariant(qlonglong(n)) : QVariant(QLocale().toString(qlonglong(n)));
    };
    switch (column) {
    case PartitionColumn:
        if (sort) return p.partition;
        return m_multipleSources
            ? QStringLiteral("%1 #%2").arg(QString::fromStdString(row.source)).arg(p.partition)
            : QString::number(p.partition);
    case PositionColumn:
        return number(p.position);
    case HighWatermarkColumn:
        return !sort && p.highWatermark < 0 ? QVariant(QStringLiteral("?")) : number(p.highWatermark);
    case LagColumn:
        return number(p.lagMessages);
    case LagTimeColumn:
        return sort ? QVariant(qlonglong(p.lagMs)) : QVariant(formatDuration(p.lagMs));
    case NewestEventColumn:
        if (sort) return qlonglong(p.maxEventMs);
        return p.maxEventMs == core::kNoTime ? QStringLiteral("—") : formatTime(p.maxEventMs, m_utc);
    case IdleColumn:
        return sort ? QVariant(p.idle) : QVariant(p.idle ? tr("idle") : QString());
    }
    return {};
}

} // namespace adclick::ui
