#include "ui/models/unusual_events_model.h"

#include "ui/models/time_format.h"

#include <QDateTime>

namespace adclick::ui {

UnusualEventsModel::UnusualEventsModel(QObject* parent)
    : RowTableModel<UnusualEvent>({ { tr("Verdict") }, { tr("Event time") }, { tr("Ad") }, { tr("Country") },
                                      { tr("User") }, { tr("IP") }, { tr("Click id") } },
        parent)
{ }

void UnusualEventsModel::setEvents(std::vector<UnusualEvent> events)
{
    resetRows(std::move(events));
}

void UnusualEventsModel::setUtc(bool utc)
{
    if (m_utc == utc) return;
    m_utc = utc;
    columnChanged(TimeColumn);
    emit headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
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
    case core::RawStatus::BeyondHorizon:
        return tr("late (beyond the dedup horizon)");
    }
    return {};
}

QVariant UnusualEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && section == TimeColumn && role == Qt::DisplayRole) {
        const int64_t at = m_rows.empty() ? QDateTime::currentMSecsSinceEpoch() : m_rows.front().timeMs;
        return tr("Event time (%1)").arg(zoneLabel(m_utc, at));
    }
    return RowTableModel::headerData(section, orientation, role);
}

QVariant UnusualEventsModel::cell(const UnusualEvent& e, int column, int role) const
{
    // The columns after the time show the event's texts as they are, in this order.
    static constexpr std::string UnusualEvent::*kText[] = { &UnusualEvent::adId, &UnusualEvent::country,
        &UnusualEvent::userId, &UnusualEvent::ip, &UnusualEvent::clickId };
    static_assert(std::size(kText) == NumColumns - AdColumn);
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (column) {
    case StatusColumn:
        return statusName(e.status);
    case TimeColumn:
        return role == SortRole ? QVariant(qlonglong(e.timeMs)) : QVariant(formatTime(e.timeMs, m_utc));
    }
    return QString::fromStdString(e.*kText[column - AdColumn]);
}

} // namespace adclick::ui
