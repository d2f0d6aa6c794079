#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/models/keyed_table_model.h"

namespace adclick::ui {

//! The database's saved filters (the design's filter_id): name, expression, state.
class SavedFiltersModel : public KeyedTableModel<core::SavedFilterInfo> {
    Q_OBJECT
public:
    enum Columns { NameColumn, ExpressionColumn, StateColumn, NumColumns };
    enum Roles { NameRole = Qt::UserRole };

    explicit SavedFiltersModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setFilters(const std::vector<core::SavedFilterInfo>& filters);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    int columns() const override { return NumColumns; }
    std::string keyOf(const core::SavedFilterInfo& f) const override { return f.name; }
    bool cellDiffers(
        const core::SavedFilterInfo& a, const core::SavedFilterInfo& b, int column) const override;
};

} // namespace adclick::ui
