#include "ui/models/partition_lag_model.h"

#include "ui/models/time_format.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

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

QString PartitionLagModel::age(int64_t sinceMs, int64_t nowMs)
{
    const int64_t s = std::max<int64_t>(0, nowMs - sinceMs) / 1000;
    if (s < 120) return tr("%1 s").arg(s);
    if (s < 7200) return tr("%1 min").arg(s / 60);
    return tr("%1 h").arg(s / 3600);
}

QString PartitionLagModel::lagSummary(const core::KafkaHealth& h, int64_t nowMs)
{
    const int64_t lag = h.lagMessages();
    // The ingest reports every ~100 ms and a paused source's watch every second.
    const bool current = h.updatedMs > 0 && nowMs - h.updatedMs <= 5000;
    if (lag >= 0) {
        const QString text = tr("lag %1 msgs").arg(QLocale().toString(qlonglong(lag)));
        return current || h.updatedMs <= 0 ? text : tr("%1 as of %2 ago").arg(text, age(h.updatedMs, nowMs));
    }
    const int64_t read = h.lagReadMs();
    if (read > 0) return tr("lag unknown (last read %1 ago)").arg(age(read, nowMs));
    return tr("lag unknown");
}

QVariant PartitionLagModel::rowValue(const PartitionRow& row, int role) const
{
    if (role != Qt::ToolTipRole) return {};
    const core::PartitionHealth& p = row.health;
    if (p.lagMessages < 0)
        return tr("%1, partition %2: next offset %3; lag unknown: the brokers did not tell the end "
                  "offset lately%4")
            .arg(QString::fromStdString(row.source))
            .arg(p.partition)
            .arg(p.position)
            .arg(p.highWatermarkMs > 0 ? tr(" (last read %1 ago: %2)")
                                             .arg(age(p.highWatermarkMs, QDateTime::currentMSecsSinceEpoch()))
                                             .arg(p.highWatermark)
                                       : QString());
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
    case LagColumn: // unknown is "?", never 0 (sorted first)
        return !sort && p.lagMessages < 0 ? QVariant(QStringLiteral("?")) : number(p.lagMessages);
    case LagTimeColumn: // unknown (a cluster store's aggregate partition behind) is "?" too
        if (sort) return qlonglong(p.lagMessages < 0 || p.lagMs < 0 ? -1 : p.lagMs);
        return p.lagMessages < 0 || p.lagMs < 0 ? QStringLiteral("?") : formatDuration(p.lagMs);
    case NewestEventColumn:
        if (sort) return qlonglong(p.maxEventMs);
        return p.maxEventMs == core::kNoTime ? QStringLiteral("—") : formatTime(p.maxEventMs, m_utc);
    case IdleColumn:
        return sort ? QVariant(p.idle) : QVariant(p.idle ? tr("idle") : QString());
    }
    return {};
}

} // namespace adclick::ui
