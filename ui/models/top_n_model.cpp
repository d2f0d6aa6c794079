#include "ui/models/top_n_model.h"

#include <QLocale>

#include <cmath>
#include <limits>

namespace adclick::ui {

namespace {

//! The change a proxy sorts by: +inf for an ad that had no clicks before.
double sortableChange(const TopRow& r)
{
    return r.previous == 0 ? std::numeric_limits<double>::infinity() : r.change;
}

} // namespace

TopNModel::TopNModel(QObject* parent)
    : KeyedTableModel<TopRow>(
        { { tr("Rank"), kAlignRight }, { tr("Ad"), kAlignLeft }, { tr("Clicks"), kAlignRight },
            { tr("Share"), kAlignRight }, { tr("Change"), kAlignRight } },
        parent)
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

QString TopNModel::changeText(const TopRow& r)
{
    if (r.previous == 0) return r.clicks == 0 ? QStringLiteral("0") : tr("new");
    const double pct = 100.0 * r.change;
    // Past +1,000 % a factor reads better and keeps the column narrow ("×570", not "+56,854.5%").
    const bool factor = pct >= 1000;
    const QString pctText = factor ? QStringLiteral("\u00d7") + QLocale().toString(1.0 + r.change, 'f', 0)
                                   : QLocale().toString(std::abs(pct), 'f', 1) + QLatin1Char('%');
    if (r.byRate) {
        const QString sign = factor ? QString()
            : pct >= 0.05           ? QStringLiteral("+")
            : pct <= -0.05          ? QStringLiteral("\u2212")
                                    : QString();
        return tr("%1%2 rate").arg(sign, pctText);
    }
    const int64_t d = r.clicks - r.previous;
    const QString sign = d > 0 ? QStringLiteral("+") : d < 0 ? QStringLiteral("\u2212") : QString();
    return QStringLiteral("%1%2 (%3%4)")
        .arg(sign, QLocale().toString(qlonglong(std::abs(d))), factor ? QString() : sign, pctText);
}

QVariant TopNModel::rowValue(const TopRow& r, int role) const
{
    switch (role) {
    case AdIdRole:
        return QString::fromStdString(r.adId);
    case ChangeRole:
        return sortableChange(r);
    }
    return {};
}

QVariant TopNModel::cell(const TopRow& r, int column, int role) const
{
    if (role == Qt::ToolTipRole) return column == ChangeColumn ? QVariant(changeToolTip(r)) : QVariant();
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const bool sort = role == SortRole;
    switch (column) {
    case RankColumn:
        return r.rank;
    case AdColumn:
        return QString::fromStdString(r.adId);
    case ClicksColumn:
        return sort ? QVariant(qlonglong(r.clicks)) : QVariant(QLocale().toString(qlonglong(r.clicks)));
    case ShareColumn:
        return sort ? QVariant(r.share)
                    : QVariant(QLocale().toString(100.0 * r.share, 'f', 1) + QLatin1Char('%'));
    case ChangeColumn:
        return sort ? QVariant(sortableChange(r)) : QVariant(changeText(r));
    }
    return {};
}

QString TopNModel::changeToolTip(const TopRow& r)
{
    return r.byRate ? tr("%1 clicks so far (the open minute is not over), %2 in the window before: "
                         "compared per minute of event time")
                          .arg(r.clicks)
                          .arg(r.previous)
                    : tr("%1 clicks now, %2 in the window before").arg(r.clicks).arg(r.previous);
}

} // namespace adclick::ui
