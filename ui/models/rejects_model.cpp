#include "ui/models/rejects_model.h"

#include "core/input/line_parser.h"

#include <QLocale>

#include <algorithm>

namespace adclick::ui {

RejectsModel::RejectsModel(QObject* parent)
    : KeyedTableModel<core::RejectedLine>({ { tr("Source"), kAlignLeft }, { tr("Position"), kAlignRight },
                                              { tr("Reason"), kAlignLeft }, { tr("Line"), kAlignLeft } },
        parent)
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

std::vector<std::pair<QString, int64_t>> RejectsModel::reasonCounts(const core::Counters& counters)
{
    std::vector<std::pair<QString, int64_t>> out;
    for (std::size_t i = 0; i < core::kRejectReasonCount; ++i) {
        if (counters.rejectedBy[i] <= 0) continue;
        const std::string_view name = core::rejectReasonName(static_cast<core::RejectReason>(i));
        out.emplace_back(QString::fromUtf8(name.data(), qsizetype(name.size())), counters.rejectedBy[i]);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return out;
}

QVariant RejectsModel::cell(const core::RejectedLine& r, int column, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != SortRole) return {};
    switch (column) {
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
    return {};
}

QVariant RejectsModel::rowValue(const core::RejectedLine& r, int role) const
{
    switch (role) {
    case RawLineRole:
        return QString::fromUtf8(r.line.data(), qsizetype(r.line.size()));
    case SourceRole:
        return QString::fromStdString(r.source);
    case OffsetRole:
        return qlonglong(r.offset);
    }
    return {};
}

QVariant RejectsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical && role == Qt::DisplayRole) return section + 1;
    return KeyedTableModel::headerData(section, orientation, role);
}

} // namespace adclick::ui
