#include "ui/models/cluster_chain_model.h"

#include "ui/models/time_format.h"

#include <QLocale>

#include <algorithm>

namespace adclick::ui {

ClusterChainModel::ClusterChainModel(QObject* parent)
    : KeyedTableModel<core::ClusterChain>(
        { { tr("Input partition"), kAlignRight }, { tr("Applied up to"), kAlignRight },
            { tr("Newest"), kAlignRight }, { tr("Behind"), kAlignRight } },
        parent)
{ }

void ClusterChainModel::setSnapshot(const SnapshotPtr& snapshot)
{
    if (snapshot) setChains(snapshot->chains);
}

void ClusterChainModel::setChains(const std::vector<core::ClusterChain>& chains)
{
    int64_t newest = core::kNoTime;
    for (const core::ClusterChain& c : chains)
        newest = std::max(newest, c.maxEventMs);
    m_multipleTopics = std::any_of(chains.begin(), chains.end(),
        [&](const core::ClusterChain& c) { return c.topic != chains.front().topic; });
    if (newest != m_newestMs) {
        // Every row's "Behind" depends on the newest of all.
        m_newestMs = newest;
        columnChanged(BehindColumn);
    }
    applyRows(chains);
}

void ClusterChainModel::setUtc(bool utc)
{
    if (m_utc == utc) return;
    m_utc = utc;
    columnChanged(NewestEventColumn);
}

QString ClusterChainModel::summary(const std::vector<core::ClusterChain>& chains)
{
    if (chains.empty()) return {};
    int64_t applied = 0;
    int withoutData = 0;
    for (const core::ClusterChain& c : chains) {
        applied += c.appliedTo;
        withoutData += c.maxEventMs == core::kNoTime ? 1 : 0;
    }
    const QLocale l;
    QString text = chains.size() == 1 ? tr("1 input partition")
                                      : tr("%1 input partitions").arg(l.toString(qlonglong(chains.size())));
    text += tr(" · %1 offsets applied").arg(l.toString(qlonglong(applied)));
    if (withoutData > 0) text += tr(" · %1 without data yet").arg(withoutData);
    return text;
}

int64_t ClusterChainModel::behindMs(const core::ClusterChain& row) const
{
    if (row.maxEventMs == core::kNoTime || m_newestMs == core::kNoTime) return -1;
    return m_newestMs - row.maxEventMs;
}

QVariant ClusterChainModel::rowValue(const core::ClusterChain& row, int role) const
{
    if (role != Qt::ToolTipRole) return {};
    return tr("%1, partition %2: the workers' units were applied up to input offset %3")
        .arg(QString::fromStdString(row.topic))
        .arg(row.partition)
        .arg(row.appliedTo);
}

QVariant ClusterChainModel::cell(const core::ClusterChain& row, int column, int role) const
{
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const bool sort = role == SortRole;
    switch (column) {
    case PartitionColumn:
        if (sort) return row.partition;
        return m_multipleTopics
            ? QStringLiteral("%1/%2").arg(QString::fromStdString(row.topic)).arg(row.partition)
            : QString::number(row.partition);
    case AppliedColumn:
        return sort ? QVariant(qlonglong(row.appliedTo))
                    : QVariant(QLocale().toString(qlonglong(row.appliedTo)));
    case NewestEventColumn: // no data yet is "—", never a time or 0
        if (sort) return qlonglong(row.maxEventMs);
        return row.maxEventMs == core::kNoTime ? QStringLiteral("—") : formatTime(row.maxEventMs, m_utc);
    case BehindColumn: {
        const int64_t behind = behindMs(row);
        if (sort) return qlonglong(behind);
        return behind < 0 ? QStringLiteral("—") : formatDuration(behind);
    }
    }
    return {};
}

} // namespace adclick::ui
