#pragma once

#include <QAbstractTableModel>

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
template <typename Row> class KeyedTableModel : public QAbstractTableModel {
public:
    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : columns();
    }

    const std::vector<Row>& rows() const { return m_rows; }
    //! The row holding `key`, or -1.
    int rowOfKey(const std::string& key) const
    {
        for (std::size_t i = 0; i < m_rows.size(); ++i)
            if (keyOf(m_rows[i]) == key) return static_cast<int>(i);
        return -1;
    }

protected:
    using QAbstractTableModel::QAbstractTableModel;

    virtual int columns() const = 0;
    virtual std::string keyOf(const Row& row) const = 0;
    virtual bool cellDiffers(const Row& a, const Row& b, int column) const = 0;

    void applyRows(std::vector<Row> next)
    {
        std::unordered_map<std::string, std::size_t> nextIndex;
        nextIndex.reserve(next.size());
        for (std::size_t i = 0; i < next.size(); ++i)
            nextIndex.emplace(keyOf(next[i]), i);
        // Removals, bottom-up in contiguous blocks.
        for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0; --i) {
            if (nextIndex.count(keyOf(m_rows[static_cast<std::size_t>(i)]))) continue;
            const int last = i;
            while (i > 0 && !nextIndex.count(keyOf(m_rows[static_cast<std::size_t>(i - 1)])))
                --i;
            beginRemoveRows({}, i, last);
            m_rows.erase(m_rows.begin() + i, m_rows.begin() + last + 1);
            endRemoveRows();
        }
        // Updates in place.
        std::unordered_set<std::string> present;
        present.reserve(m_rows.size());
        for (std::size_t r = 0; r < m_rows.size(); ++r) {
            std::string key = keyOf(m_rows[r]);
            const Row& n = next[nextIndex.at(key)];
            int first = -1, lastColumn = -1;
            for (int c = 0; c < columns(); ++c) {
                if (!cellDiffers(m_rows[r], n, c)) continue;
                if (first < 0) first = c;
                lastColumn = c;
            }
            m_rows[r] = n;
            if (first >= 0) {
                const int row = static_cast<int>(r);
                emit dataChanged(index(row, first), index(row, lastColumn));
            }
            present.insert(std::move(key));
        }
        // Insertions, at the end.
        std::vector<Row> added;
        for (Row& n : next)
            if (!present.count(keyOf(n))) added.push_back(std::move(n));
        if (added.empty()) return;
        const int at = static_cast<int>(m_rows.size());
        beginInsertRows({}, at, at + static_cast<int>(added.size()) - 1);
        for (Row& n : added)
            m_rows.push_back(std::move(n));
        endInsertRows();
    }

    std::vector<Row> m_rows;
};

} // namespace adclick::ui
