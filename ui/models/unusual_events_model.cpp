#include "ui/models/unusual_events_model.h"

#include "ui/models/time_format.h"

namespace adclick::ui {

UnusualEventsModel::UnusualEventsModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void UnusualEventsModel::setEvents(std::vector<UnusualEvent> events)
{
    beginResetModel();
    m_events = std::move(events);
    endResetModel();
}

void UnusualEventsModel::setUtc(bool utc)
{
    if (m_utc == utc) return;
    m_utc = utc;
    if (!m_events.empty()) emit dataChanged(index(0, TimeColumn), index(rowCount() - 1, TimeColumn));
}

int UnusualEventsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_events.size());
}

int UnusualEventsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : NumColumns;
}

QString UnusualEventsModel::statusName(core::RawStatus status)
{
    switch (status) {
    case core::RawStatus::Accepted:
        return tr("accepted");
    case core::RawStatus::Duplicate:
        return tr("duplicate");
    case core::RawStatus::LateDropped:
        return tr("late (dropped)");
    case core::RawStatus::LateApplied:
        return tr("late (applied)");
    }
    return {};
}

QVariant UnusualEventsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const UnusualEvent& e = m_events[static_cast<std::size_t>(index.row())];
    switch (index.column()) {
    case StatusColumn:
        return statusName(e.status);
    case TimeColumn:
        return role == SortRole ? QVariant(qlonglong(e.timeMs)) : QVariant(formatTime(e.timeMs, m_utc));
    case AdColumn:
        return QString::fromStdString(e.adId);
    case CountryColumn:
        return QString::fromStdString(e.country);
    case UserColumn:
        return QString::fromStdString(e.userId);
    case IpColumn:
        return QString::fromStdString(e.ip);
    case ClickIdColumn:
        return QString::fromStdString(e.clickId);
    }
    return {};
}

QVariant UnusualEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case StatusColumn:
        return tr("Verdict");
    case TimeColumn:
        return tr("Event time");
    case AdColumn:
        return tr("Ad");
    case CountryColumn:
        return tr("Country");
    case UserColumn:
        return tr("User");
    case IpColumn:
        return tr("IP");
    case ClickIdColumn:
        return tr("Click id");
    }
    return {};
}

} // namespace adclick::ui
