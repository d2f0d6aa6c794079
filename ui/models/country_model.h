#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/models/keyed_table_model.h"

#include <QSet>
#include <QStringList>

namespace adclick::ui {

struct CountryRow {
    std::string country;
    int64_t clicks = 0;
    bool operator==(const CountryRow&) const = default;
};

//! Countries of the top-N window with their clicks (counted without the country condition, so an
//! unchecked country still shows what checking it would add), as a checklist. Checked
//! countries stay listed even when they have no clicks.
class CountryModel : public KeyedTableModel<CountryRow> {
    Q_OBJECT
public:
    enum Columns { CountryColumn, ClicksColumn, NumColumns };
    enum Roles { SortRole = kSortRole };

    explicit CountryModel(QObject* parent = nullptr);

    void setSnapshot(const SnapshotPtr& snapshot);
    void setCounts(const std::vector<core::CountryCount>& counts);

    QStringList checkedCountries() const;
    void setCheckedCountries(const QStringList& countries);

    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

signals:
    //! The user checked or unchecked a country.
    void checkedChanged(const QStringList& countries);

protected:
    std::string keyOf(const CountryRow& row) const override { return row.country; }
    QVariant cell(const CountryRow& r, int column, int role) const override;

private:
    QSet<QString> m_checked;
    std::vector<core::CountryCount> m_counts;
};

} // namespace adclick::ui
