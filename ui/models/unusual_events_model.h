#pragma once

#include "ui/dashboard/dashboard_types.h"

#include <QAbstractTableModel>

namespace adclick::ui {

//! Late and duplicate events read back from the raw segments (loaded on demand).
class UnusualEventsModel : public QAbstractTableModel {
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
    enum Roles { SortRole = Qt::UserRole };

    explicit UnusualEventsModel(QObject* parent = nullptr);

    void setEvents(std::vector<UnusualEvent> events);
    const std::vector<UnusualEvent>& events() const { return m_events; }
    void setUtc(bool utc);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusName(core::RawStatus status);

private:
    std::vector<UnusualEvent> m_events;
    bool m_utc = true;
};

} // namespace adclick::ui
