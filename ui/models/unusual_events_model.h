#pragma once

#include "ui/dashboard/dashboard_types.h"
#include "ui/models/row_table_model.h"

namespace adclick::ui {

//! Late and duplicate events read back from the raw segments (loaded on demand).
class UnusualEventsModel : public RowTableModel<UnusualEvent> {
    Q_OBJECT
public:
    enum Columns {
        StatusColumn,
        TimeColumn,
        AdColumn,
        CountryColumn,
        UserColumn,
        IpColumn,
        ClickIdColumn,
        NumColumns
    };
    enum Roles { SortRole = kSortRole };

    explicit UnusualEventsModel(QObject* parent = nullptr);

    //! Each read answers anew: the model is reset.
    void setEvents(std::vector<UnusualEvent> events);
    const std::vector<UnusualEvent>& events() const { return rows(); }
    void setUtc(bool utc);

    static QString statusName(core::RawStatus status);
    //! The time column's title names the zone: "Event time (UTC+01:00 Europe/Berlin)".
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QVariant cell(const UnusualEvent& e, int column, int role) const override;

private:
    bool m_utc = true;
};

} // namespace adclick::ui
