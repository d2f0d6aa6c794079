#pragma once

#include "ui/models/row_table_model.h"

#include <concepts>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace adclick::ui {

//! A table whose rows are identified by a key and replaced by whole snapshots. applyRows()
//! changes the model in place: rows whose key is gone are removed, the others get dataChanged()
//! for the cells that differ, new keys are appended. Rows are never moved or reset, so views
//! keep their selection and scroll position, and nothing flickers; a QSortFilterProxyModel puts
//! them in order.
template <typename Row> class KeyedTableModel : public RowTableModel<Row> {
public:
    //! The row holding `key`, or -1.
    int rowOfKey(const std::string& key) const
    {
        for (std::size_t i = 0; i < m_rows.size(); ++i)
            if (keyOf(m_rows[i]) == key) return static_cast<int>(i);
        return -1;
    }

protected:
    using RowTableModel<Row>::RowTableModel;
    using RowTableModel<Row>::m_rows;

    virtual std::string keyOf(const Row& row) const = 0;

    //! Whether `column` shows something else for `next` than for `current`: whether a role a
    //! view sorts by, paints or shows (kSortRole, display, tooltip) has another value.
    //! What rowValue() answers is the row's, not the column's: not compared.
    virtual bool cellDiffers(const Row& current, const Row& next, int column) const
    {
        // The sort value first: a raw number, cheap, and the first to differ when a cell changed.
        for (const int role : { kSortRole, int(Qt::DisplayRole), int(Qt::ToolTipRole) })
            if (this->cell(current, column, role) != this->cell(next, column, role)) return true;
        return false;
    }

    //! A cheap test that `next` holds the same values as `current`, so that no cell has to be
    //! rendered to compare it (snapshots come every 100 ms and most rows stay as they are):
    //! `==` where the row has it; false (compare the cells) otherwise.
    virtual bool sameValues(const Row& current, const Row& next) const
    {
        if constexpr (std::equality_comparable<Row>)
            return current == next;
        else
            return false;
    }

    void applyRows(std::vector<Row> next)
    {
        std::unordered_map<std::string, std::size_t> nextIndex;
        nextIndex.reserve(next.size());
        for (std::size_t i = 0; i < next.size(); ++i)
            nextIndex.emplace(keyOf(next[i]), i);
        removeRowsNotIn(nextIndex);
        // Updates in place.
        std::unordered_set<std::string> present;
        present.reserve(m_rows.size());
        for (std::size_t r = 0; r < m_rows.size(); ++r) {
            std::string key = keyOf(m_rows[r]);
            updateRow(static_cast<int>(r), next[nextIndex.at(key)]);
            present.insert(std::move(key));
        }
        // Insertions, at the end.
        std::vector<Row> added;
        for (Row& n : next)
            if (!present.count(keyOf(n))) added.push_back(std::move(n));
        if (added.empty()) return;
        const int at = static_cast<int>(m_rows.size());
        this->beginInsertRows({}, at, at + static_cast<int>(added.size()) - 1);
        for (Row& n : added)
            m_rows.push_back(std::move(n));
        this->endInsertRows();
    }

private:
    //! Removes the rows whose key `keep` lacks, bottom-up in contiguous blocks.
    void removeRowsNotIn(const std::unordered_map<std::string, std::size_t>& keep)
    {
        for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0; --i) {
            if (keep.count(keyOf(m_rows[static_cast<std::size_t>(i)]))) continue;
            const int last = i;
            while (i > 0 && !keep.count(keyOf(m_rows[static_cast<std::size_t>(i - 1)])))
                --i;
            this->beginRemoveRows({}, i, last);
            m_rows.erase(m_rows.begin() + i, m_rows.begin() + last + 1);
            this->endRemoveRows();
        }
    }

    //! Replaces row `row` by `next`; one dataChanged() spans the columns that differ.
    void updateRow(int row, const Row& next)
    {
        Row& current = m_rows[static_cast<std::size_t>(row)];
        int first = -1, last = -1;
        if (!sameValues(current, next))
            for (int c = 0; c < this->columnCount(); ++c) {
                if (!cellDiffers(current, next, c)) continue;
                if (first < 0) first = c;
                last = c;
            }
        current = next;
        if (first >= 0) emit this->dataChanged(this->index(row, first), this->index(row, last));
    }
};

} // namespace adclick::ui
