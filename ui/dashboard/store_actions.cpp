#include "ui/dashboard/store_actions.h"

#include "core/store/maintenance.h"
#include "core/store/store_reader.h"

#include <QFile>

namespace adclick::ui {

namespace {

std::string fileName(const QString& path)
{
    return QFile::encodeName(path).toStdString();
}

} // namespace

UnusualEventsResult readUnusualEvents(const QString& databasePath, int64_t fromMs, int64_t toMs)
{
    UnusualEventsResult out { databasePath, fromMs, toMs, {}, {} };
    auto reader = core::StoreReader::open(fileName(databasePath));
    if (!reader) {
        out.error = QString::fromStdString(reader.message());
    } else if (auto events = (*reader)->unusualEvents(fromMs, toMs, kUnusualEventsLimit)) {
        out.events = std::move(*events);
    } else {
        out.error = QString::fromStdString(events.message());
    }
    return out;
}

FilterActionOutcome saveFilterIn(const QString& databasePath, const QString& name, const QString& expression)
{
    FilterActionOutcome out { FilterActionOutcome::Action::Save, name, {}, false };
    auto r = core::saveFilter(fileName(databasePath), name.toStdString(), expression.toStdString());
    if (r)
        out.backfilled = r->backfilled;
    else
        out.error = QString::fromStdString(r.message());
    return out;
}

FilterActionOutcome dropFilterIn(const QString& databasePath, const QString& name)
{
    FilterActionOutcome out { FilterActionOutcome::Action::Drop, name, {}, false };
    if (const core::Status st = core::dropFilter(fileName(databasePath), name.toStdString()); !st)
        out.error = QString::fromStdString(st.message());
    return out;
}

} // namespace adclick::ui
