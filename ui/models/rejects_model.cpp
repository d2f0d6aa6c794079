#include "ui/models/rejects_model.h"

#include <QLocale>

namespace adclick::ui {

RejectsModel::RejectsModel(QObject* parent)
    : KeyedTableModel<core::RejectedLine>(parent)
{ }

void RejectsModel::setSnapshot(const SnapshotPtr& snapshot)
{
    if (snapshot && snapshot->error.isEmpty()) setRejects(snapshot->rejects);
}

void RejectsModel::setRejects(const std::vector<core::RejectedLine>& rejects)
{
    // Samples are identified by (source, offset); the same position twice (a source read
    // again after truncation) keeps only the first.
    std::vector<core::RejectedLine> rows;
    rows.reserve(rejects.size());
    std::unordered_set<std::string> seen;
    for (const core::RejectedLine& r : rejects)
        if (seen.insert(keyOf(r)).second) rows.push_back(r);
    applyRows(std::move(rows));
}

bool RejectsModel::cellDiffers(const core::RejectedLine& a, const core::RejectedLine& b, int column) const
{
    switch (column) {
    case SourceColumn:
        return a.source != b.source;
    case OffsetColumn:
        return a.offset != b.offset;
    case ReasonColumn:
        return a.reason != b.reason;
    case LineColumn:
        return a.line != b.line;
    }
    return false;
}

QVariant RejectsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const core::RejectedLine& r = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
    case SortRole:
        switch (index.column()) {
        case SourceColumn:
            return QString::fromStdString(r.source);
        case OffsetColumn:
            return role == SortRole ? QVariant(qlonglong(r.offset))
                                    : QVariant(QLocale().toString(qlonglong(r.offset)));
        case ReasonColumn:
            return QString::fromStdString(r.reason);
        case LineColumn: {
            // Show control bytes visibly; lines can be binary garbage.
            QString text = QString::fromUtf8(r.line.data(), qsizetype(r.line.size()));
            for (QChar& c : text)
                if (c.unicode() < 0x20 || c.unicode() == 0x7f) c = QChar(0x2400 + (c.unicode() & 0x1f));
            return role == Qt::DisplayRole && text.size() > 300 ? text.left(300) + QStringLiteral("…") : text;
        }
        }
        break;
    case Qt::TextAlignmentRole:
        return index.column() == OffsetColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                              : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    }
    return {};
}

QVariant RejectsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section + 1;
    switch (section) {
    case SourceColumn:
        return tr("Source");
    case OffsetColumn:
        return tr("Position");
    case ReasonColumn:
        return tr("Reason");
    case LineColumn:
        return tr("Line");
    }
    return {};
}

} // namespace adclick::ui
