#include "ui/models/country_model.h"

#include <QLocale>

#include <algorithm>

namespace adclick::ui {

CountryModel::CountryModel(QObject* parent)
    : KeyedTableModel<CountryRow>({ { tr("Country"), kAlignLeft }, { tr("Clicks"), kAlignRight } }, parent)
{ }

void CountryModel::setSnapshot(const SnapshotPtr& snapshot)
{
    if (snapshot && snapshot->error.isEmpty()) setCounts(snapshot->countries);
}

void CountryModel::setCounts(const std::vector<core::CountryCount>& counts)
{
    m_counts = counts;
    std::vector<CountryRow> rows;
    rows.reserve(counts.size() + std::size_t(m_checked.size()));
    QSet<QString> listed;
    for (const core::CountryCount& c : counts) {
        rows.push_back({ c.country, c.clicks });
        listed.insert(QString::fromStdString(c.country));
    }
    QStringList missing;
    for (const QString& c : m_checked)
        if (!listed.contains(c)) missing << c;
    missing.sort();
    for (const QString& c : missing)
        rows.push_back({ c.toStdString(), 0 });
    applyRows(std::move(rows));
}

QStringList CountryModel::checkedCountries() const
{
    QStringList out(m_checked.begin(), m_checked.end());
    out.sort();
    return out;
}

void CountryModel::setCheckedCountries(const QStringList& countries)
{
    m_checked = QSet<QString>(countries.begin(), countries.end());
    setCounts(m_counts);
    columnChanged(CountryColumn, { Qt::CheckStateRole });
}

QVariant CountryModel::cell(const CountryRow& r, int column, int role) const
{
    const QString country = QString::fromStdString(r.country);
    switch (role) {
    case Qt::DisplayRole:
        return column == CountryColumn ? QVariant(country)
                                       : QVariant(QLocale().toString(qlonglong(r.clicks)));
    case SortRole:
        return column == CountryColumn ? QVariant(country) : QVariant(qlonglong(r.clicks));
    case Qt::CheckStateRole:
        if (column == CountryColumn) return m_checked.contains(country) ? Qt::Checked : Qt::Unchecked;
        break;
    }
    return {};
}

bool CountryModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || role != Qt::CheckStateRole || index.column() != CountryColumn)
        return false;
    const QString country = QString::fromStdString(m_rows[static_cast<std::size_t>(index.row())].country);
    if (value.value<Qt::CheckState>() == Qt::Checked)
        m_checked.insert(country);
    else
        m_checked.remove(country);
    emit dataChanged(index, index, { Qt::CheckStateRole });
    emit checkedChanged(checkedCountries());
    return true;
}

Qt::ItemFlags CountryModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == CountryColumn) f |= Qt::ItemIsUserCheckable;
    return f;
}

} // namespace adclick::ui
