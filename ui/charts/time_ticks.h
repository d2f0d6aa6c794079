#pragma once

#include <QList>
#include <QStringList>

#include <cstdint>

namespace adclick::ui {

//! The time axis' ticks: on round minutes of the shown zone, a whole number of steps apart.
struct TimeTicks {
    int64_t stepMinutes = 0;
    QList<int64_t> ms; //!< epoch ms of each tick, ascending
    QStringList labels; //!< unique (QCategoryAxis needs that)
};

//! The steps the time axis may use, in minutes: 1, 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours,
//! 1, 2, 7 days.
const QList<int64_t>& tickStepsMinutes();

//! The ticks in [minMs, maxMs]: the smallest step giving at most maxTicks ticks, each tick a
//! multiple of it in the shown zone (UTC or local time), labelled HH:mm (MM-dd HH:mm over more
//! than 20 hours, MM-dd for day steps).
TimeTicks roundMinuteTicks(double minMs, double maxMs, int maxTicks, bool utc);

} // namespace adclick::ui
