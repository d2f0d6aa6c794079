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
    enum Roles {
        SortRole = kSortRole,
        RawLineRole, //!< the line as it was read (no control bytes replaced, not shortened): Copy
        SourceRole, //!< the source (file path or Kafka partition)
        OffsetRole, //!< the line's content offset (qlonglong)
    };

    explicit RejectsModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setRejects(const std::vector<core::RejectedLine>& rejects);
    //! Every reason with rejected lines, with its count (of all rejected lines, not only the
    //! samples), by count, then name.
    static std::vector<std::pair<QString, int64_t>> reasonCounts(const core::Counters& counters);

    //! The columns' titles, and the rows numbered from 1.
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    std::string keyOf(const core::RejectedLine& r) const override
    {
        return r.source + '\n' + std::to_string(r.offset);
    }
    QVariant cell(const core::RejectedLine& r, int column, int role) const override;
    QVariant rowValue(const core::RejectedLine& r, int role) const override;
    //! Up to 1000 samples a snapshot, and comparing their cells renders every line: the fields
    //! first (core::RejectedLine has no ==).
    bool sameValues(const core::RejectedLine& a, const core::RejectedLine& b) const override
    {
        return a.source == b.source && a.offset == b.offset && a.reason == b.reason && a.line == b.line;
    }
};

} // namespace adclick::ui
