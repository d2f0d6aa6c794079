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

protected:
    std::string keyOf(const core::SavedFilterInfo& f) const override { return f.name; }
    QVariant cell(const core::SavedFilterInfo& f, int column, int role) const override;
    QVariant rowValue(const core::SavedFilterInfo& f, int role) const override;
};

} // namespace adclick::ui
