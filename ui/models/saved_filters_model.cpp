#include "ui/models/saved_filters_model.h"

namespace adclick::ui {

SavedFiltersModel::SavedFiltersModel(QObject* parent)
    : KeyedTableModel<core::SavedFilterInfo>(parent)
{ }

void SavedFiltersModel::setSnapshot(const SnapshotPtr& snapshot)
{
    if (snapshot && !snapshot->databasePath.isEmpty()) setFilters(snapshot->savedFilters);
}

void SavedFiltersModel::setFilters(const std::vector<core::SavedFilterInfo>& filters)
{
    applyRows(filters);
}

bool SavedFiltersModel::cellDiffers(
    const core::SavedFilterInfo& a, const core::SavedFilterInfo& b, int column) const
{
    switch (column) {
    case NameColumn:
        return a.name != b.name;
    case ExpressionColumn:
        return a.expr != b.expr;
    case StateColumn:
        return a.state != b.state;
    }
    return false;
}

QVariant SavedFiltersModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const core::SavedFilterInfo& f = m_rows[static_cast<std::size_t>(index.row())];
    if (role == NameRole) return QString::fromStdString(f.name);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    switch (index.column()) {
    case NameColumn:
        return QString::fromStdString(f.name);
    case ExpressionColumn:
        return QString::fromStdString(f.expr);
    case StateColumn:
        return QString::fromStdString(f.state);
    }
    return {};
}

QVariant SavedFiltersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case ExpressionColumn:
        return tr("Expression");
    case StateColumn:
        return tr("State");
    }
    return {};
}

} // namespace adclick::ui
