#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/models/keyed_table_model.h"

namespace adclick::ui {

//! The stored reject samples (the first 1000 rejected lines): source, byte offset (or Kafka
//! offset), reason, the line.
class RejectsModel : public KeyedTableModel<core::RejectedLine> {
    Q_OBJECT
public:
    enum Columns { SourceColumn, OffsetColumn, ReasonColumn, LineColumn, NumColumns };
    enum Roles { SortRole = Qt::UserRole };

    explicit RejectsModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setRejects(const std::vector<core::RejectedLine>& rejects);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    int columns() const override { return NumColumns; }
    std::string keyOf(const core::RejectedLine& r) const override
    {
        return r.source + '\n' + std::to_string(r.offset);
    }
    bool cellDiffers(const core::RejectedLine& a, const core::RejectedLine& b, int column) const override;
};

} // namespace adclick::ui
