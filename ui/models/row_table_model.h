#pragma once

#include <QAbstractTableModel>

#include <utility>
#include <vector>

namespace adclick::ui {

//! One column of a RowTableModel: its header title and how its cells are aligned (empty: no
//! Qt::TextAlignmentRole, the view's default).
struct TableColumn {
    QString title;
    Qt::Alignment alignment = {};
};

inline constexpr Qt::Alignment kAlignLeft = Qt::AlignLeft | Qt::AlignVCenter;
inline constexpr Qt::Alignment kAlignRight = Qt::AlignRight | Qt::AlignVCenter;
inline constexpr Qt::Alignment kAlignCenter = Qt::AlignHCenter | Qt::AlignVCenter;

//! The role a QSortFilterProxyModel sorts by (each model's SortRole): the raw value (a number
//! where the display shows formatted text).
inline constexpr int kSortRole = Qt::UserRole;

//! A flat table of `Row` values whose columns are declared once, as a list of TableColumn. It
//! answers the shape, the header titles and Qt::TextAlignmentRole itself; for the other roles
//! data() checks the index and asks the model: rowValue() for what belongs to the whole row
//! (the same in every column: an id, a row's tooltip), then cell() for the column's own value.
template <typename Row> class RowTableModel : public QAbstractTableModel {
public:
    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_columns.size());
    }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
        if (role == Qt::TextAlignmentRole) {
            const Qt::Alignment alignment = m_columns[static_cast<std::size_t>(index.column())].alignment;
            return alignment ? QVariant(alignment) : QVariant();
        }
        const Row& row = m_rows[static_cast<std::size_t>(index.row())];
        if (QVariant value = rowValue(row, role); value.isValid()) return value;
        return cell(row, index.column(), role);
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
            || section >= columnCount())
            return {};
        return m_columns[static_cast<std::size_t>(section)].title;
    }

    const std::vector<Row>& rows() const { return m_rows; }

protected:
    //! `columns` in the order of the model's column numbers.
    RowTableModel(std::vector<TableColumn> columns, QObject* parent)
        : QAbstractTableModel(parent)
        , m_columns(std::move(columns))
    { }

    //! What `row` shows in `column` for `role` (never Qt::TextAlignmentRole).
    virtual QVariant cell(const Row& row, int column, int role) const = 0;
    //! What `row` answers for `role` in every column; invalid: the role is the cells' own.
    virtual QVariant rowValue(const Row& /*row*/, int /*role*/) const { return {}; }

    //! Replaces every row at once (a model reset), for tables read anew rather than updated.
    void resetRows(std::vector<Row> rows)
    {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    }

    //! Every row's cell in `column` shows something else now (e.g. a time in another zone).
    void columnChanged(int column, const QList<int>& roles = {})
    {
        if (!m_rows.empty()) emit dataChanged(index(0, column), index(rowCount() - 1, column), roles);
    }

    std::vector<Row> m_rows;

private:
    std::vector<TableColumn> m_columns;
};

} // namespace adclick::ui
