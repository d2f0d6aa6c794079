#include "ui/models/saved_filters_model.h"

namespace adclick::ui {

SavedFiltersModel::SavedFiltersModel(QObject* parent)
    : KeyedTableModel<core::SavedFilterInfo>(
        { { tr("Name") }, { tr("Expression") }, { tr("State") } }, parent)
{ }

void SavedFiltersModel::setSnapshot(const SnapshotPtr& snapshot)
{
    if (snapshot && !snapshot->databasePath.isEmpty()) setFilters(snapshot->savedFilters);
}

void SavedFiltersModel::setFilters(const std::vector<core::SavedFilterInfo>& filters)
{
    applyRows(filters);
}

QVariant SavedFiltersModel::cell(const core::SavedFilterInfo& f, int column, int role) const
{
    // Every column is one of the filter's texts.
    static constexpr std::string core::SavedFilterInfo::*kText[]
        = { &core::SavedFilterInfo::name, &core::SavedFilterInfo::expr, &core::SavedFilterInfo::state };
    static_assert(std::size(kText) == NumColumns);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
    return QString::fromStdString(f.*kText[column]);
}

QVariant SavedFiltersModel::rowValue(const core::SavedFilterInfo& f, int role) const
{
    return role == NameRole ? QVariant(QString::fromStdString(f.name)) : QVariant();
}

} // namespace adclick::ui
