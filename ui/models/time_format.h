#pragma once

#include <QString>

#include <cstdint>

namespace adclick::ui {

//! `2021-01-01 00:00:05` in UTC (with " UTC") or local time.
QString formatTime(int64_t epochMs, bool utc, bool withSeconds = true);
//! ISO 8601 in UTC, as the command line prints times (`adclick popular`'s `at`).
QString formatIsoUtc(int64_t epochMs);
//! `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
QString formatDuration(int64_t ms);
//! `1.2 M`, `850 k`, `950`.
QString formatCount(double value);

} // namespace adclick::ui
