#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/models/keyed_table_model.h"

namespace adclick::ui {

//! The top-N table of the last snapshot: rank, ad, clicks, share of the window, change against
//! the previous window. Rows stay where they are (keyed by ad id); sort with a proxy on SortRole.
class TopNModel : public KeyedTableModel<TopRow> {
    Q_OBJECT
public:
    enum Columns { RankColumn, AdColumn, ClicksColumn, ShareColumn, ChangeColumn, NumColumns };
    enum Roles {
        SortRole = kSortRole, //!< the raw number (rank, clicks, share, change) or the ad id
        AdIdRole,
        ChangeRole, //!< the relative change (double; +inf for a new ad)
    };

    explicit TopNModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setRows(std::vector<TopRow> rows);
    //! True while a snapshot is being applied (selection changes then come from rows leaving).
    bool updating() const { return m_updating; }

    //! "+12 (+5.0%)", "new", "−3 (−1.2%)", "0"; for a partial window "+5.0% rate".
    static QString changeText(const TopRow& row);

protected:
    std::string keyOf(const TopRow& row) const override { return row.adId; }
    QVariant cell(const TopRow& r, int column, int role) const override;
    //! The ad id and the change, in every column.
    QVariant rowValue(const TopRow& r, int role) const override;

private:
    static QString changeToolTip(const TopRow& r);

    bool m_updating = false;
};

} // namespace adclick::ui
