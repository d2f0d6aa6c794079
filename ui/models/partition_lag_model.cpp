#include "ui/models/partition_lag_model.h"

#include "ui/models/time_format.h"

#include <QLocale>

namespace adclick::ui {

PartitionLagModel::PartitionLagModel(QObject* parent)
    : KeyedTableModel<PartitionRow>(parent)
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
    if (!m_rows.empty())
        emit dataChanged(index(0, NewestEventColumn), index(rowCount() - 1, NewestEventColumn));
}

bool PartitionLagModel::cellDiffers(const PartitionRow& a, const PartitionRow& b, int column) const
{
    const core::PartitionHealth &x = a.health, &y = b.health;
    switch (column) {
    case PartitionColumn:
        return x.partition != y.partition;
    case PositionColumn:
        return x.position != y.position;
    case HighWatermarkColumn:
        return x.highWatermark != y.highWatermark;
    case LagColumn:
        return x.lagMessages != y.lagMessages;
    case LagTimeColumn:
        return x.lagMs != y.lagMs;
    case NewestEventColumn:
        return x.maxEventMs != y.maxEventMs;
    case IdleColumn:
        return x.idle != y.idle;
    }
    return false;
}

QVariant PartitionLagModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const PartitionRow& row = m_rows[static_cast<std::size_t>(index.row())];
    const core::PartitionHealth& p = row.health;
    if (role == SortRole) {
        switch (index.column()) {
        case PartitionColumn:
            return p.partition;
        case PositionColumn:
            return qlonglong(p.position);
        case HighWatermarkColumn:
            return qlonglong(p.highWatermark);
        case LagColumn:
            return qlonglong(p.lagMessages);
        case LagTimeColumn:
            return qlonglong(p.lagMs);
        case NewestEventColumn:
            return qlonglong(p.maxEventMs);
        case IdleColumn:
            return p.idle;
        }
    }
    if (role == Qt::TextAlignmentRole)
        return QVariant(
            (index.column() == IdleColumn ? Qt::AlignHCenter : Qt::AlignRight) | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return tr("%1, partition %2: next offset %3 of %4, %5 messages behind")
            .arg(QString::fromStdString(row.source))
            .arg(p.partition)
            .arg(p.position)
            .arg(p.highWatermark)
            .arg(p.lagMessages);
    if (role != Qt::DisplayRole) return {};
    const QLocale l;
    switch (index.column()) {
    case PartitionColumn:
        return m_multipleSources
            ? QStringLiteral("%1 #%2").arg(QString::fromStdString(row.source)).arg(p.partition)
            : QString::number(p.partition);
    case PositionColumn:
        return l.toString(qlonglong(p.position));
    case HighWatermarkColumn:
        return p.highWatermark < 0 ? QStringLiteral("?") : l.toString(qlonglong(p.highWatermark));
    case LagColumn:
        return l.toString(qlonglong(p.lagMessages));
    case LagTimeColumn:
        return formatDuration(p.lagMs);
    case NewestEventColumn:
        return p.maxEventMs == core::kNoTime ? QStringLiteral("—") : formatTime(p.maxEventMs, m_utc);
    case IdleColumn:
        return p.idle ? tr("idle") : QString();
    }
    return {};
}

QVariant PartitionLagModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case PartitionColumn:
        return tr("Partition");
    case PositionColumn:
        return tr("Position");
    case HighWatermarkColumn:
        return tr("End");
    case LagColumn:
        return tr("Lag");
    case LagTimeColumn:
        return tr("Lag (time)");
    case NewestEventColumn:
        return tr("Newest");
    case IdleColumn:
        return tr("Idle");
    }
    return {};
}

} // namespace adclick::ui
