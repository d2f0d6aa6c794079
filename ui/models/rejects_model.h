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
    enum Roles { SortRole = kSortRole };

    explicit RejectsModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setRejects(const std::vector<core::RejectedLine>& rejects);

    //! The columns' titles, and the rows numbered from 1.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    std::string keyOf(const core::RejectedLine& r) const override
    {
        return r.source + '\n' + std::to_string(r.offset);
    }
    QVariant cell(const core::RejectedLine& r, int column, int role) const override;
    //! Up to 1000 samples a snapshot, and comparing their cells renders every line: the fields
    //! first (core::RejectedLine has no ==).
    bool sameValues(const core::RejectedLine& a, const core::RejectedLine& b) const override
    {
        return a.source == b.source && a.offset == b.offset && a.reason == b.reason && a.line == b.line;
    }
};

} // namespace adclick::ui
