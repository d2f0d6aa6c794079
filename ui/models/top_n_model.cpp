#include "ui/models/top_n_model.h"

#include <QLocale>

#include <cmath>
#include <limits>

namespace adclick::ui {

TopNModel::TopNModel(QObject* parent)
    : KeyedTableModel<TopRow>(parent)
{ }

void TopNModel::setSnapshot(const SnapshotPtr& snapshot)
{
    setRows(snapshot ? snapshot->top : std::vector<TopRow>());
}

void TopNModel::setRows(std::vector<TopRow> rows)
{
    m_updating = true;
    applyRows(std::move(rows));
    m_updating = false;
}

bool TopNModel::cellDiffers(const TopRow& a, const TopRow& b, int column) const
{
    switch (column) {
    case RankColumn:
        return a.rank != b.rank;
    case AdColumn:
        return a.adId != b.adId;
    case ClicksColumn:
        return a.clicks != b.clicks;
    case ShareColumn:
        return a.share != b.share;
    case ChangeColumn:
        return a.clicks != b.clicks || a.previous != b.previous || a.change != b.change
            || a.byRate != b.byRate;
    }
    return false;
}

QString TopNModel::changeText(const TopRow& r)
{
    if (r.previous == 0) return r.clicks == 0 ? QStringLiteral("0") : tr("new");
    const double pct = 100.0 * r.change;
    const QString pctText = QLocale().toString(std::abs(pct), 'f', 1) + QLatin1Char('%');
    if (r.byRate) {
        const QString sign = pct >= 0.05 ? QStringLiteral("+")
            : pct <= -0.05               ? QStringLiteral("\u2212")
                                         : QString();
        return tr("%1%2 rate").arg(sign, pctText);
    }
    const int64_t d = r.clicks - r.previous;
    const QString sign = d > 0 ? QStringLiteral("+") : d < 0 ? QStringLiteral("\u2212") : QString();
    return QStringLiteral("%1%2 (%1%3)").arg(sign, QLocale().toString(qlonglong(std::abs(d))), pctText);
}

QVariant TopNModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const TopRow& r = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case RankColumn:
            return r.rank;
        case AdColumn:
            return QString::fromStdString(r.adId);
        case ClicksColumn:
            return QLocale().toString(qlonglong(r.clicks));
        case ShareColumn:
            return QLocale().toString(100.0 * r.share, 'f', 1) + QLatin1Char('%');
        case ChangeColumn:
            return changeText(r);
        }
        break;
    case SortRole:
        switch (index.column()) {
        case RankColumn:
            return r.rank;
        case AdColumn:
            return QString::fromStdString(r.adId);
        case ClicksColumn:
            return qlonglong(r.clicks);
        case ShareColumn:
            return r.share;
        case ChangeColumn:
            return r.previous == 0 ? std::numeric_limits<double>::infinity() : r.change;
        }
        break;
    case AdIdRole:
        return QString::fromStdString(r.adId);
    case ChangeRole:
        return r.previous == 0 ? std::numeric_limits<double>::infinity() : r.change;
    case Qt::TextAlignmentRole:
        return index.column() == AdColumn ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                          : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (index.column() == ChangeColumn)
            return r.byRate ? tr("%1 clicks so far (the open minute is not over), %2 in the window before: "
                                 "compared per minute of event time")
                                  .arg(r.clicks)
                                  .arg(r.previous)
                            : tr("%1 clicks now, %2 in the window before").arg(r.clicks).arg(r.previous);
        break;
    }
    return {};
}

QVariant TopNModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case RankColumn:
        return tr("Rank");
    case AdColumn:
        return tr("Ad");
    case ClicksColumn:
        return tr("Clicks");
    case ShareColumn:
        return tr("Share");
    case ChangeColumn:
        return tr("Change");
    }
    return {};
}

} // namespace adclick::ui
