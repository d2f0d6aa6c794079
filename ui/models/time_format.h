#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace adclick::ui {

//! `2021-01-01 00:00:05` in UTC (with " UTC") or local time.
QString formatTime(int64_t epochMs, bool utc, bool withSeconds = true);
//! ISO 8601 in UTC, as the command line prints times (`adclick popular`'s `at`).
QString formatIsoUtc(int64_t epochMs);
//! What the range bar's time fields show: `2021-01-01 10:30` (`:ss` only when the seconds are not
//! zero), in UTC or local time, without a zone (the zone label says which).
QString formatFieldTime(int64_t epochMs, bool utc);
//! A typed time: an ISO 8601 date (`2021-01-01`, midnight), a date and time with `T` or a space
//! (`2021-01-01 10:30`, `2021-01-01T10:30:00.250`), optionally followed by `Z`, `UTC` or an offset
//! (`+01:00`, `-0500`). Without a zone it is UTC time when `utc`, else the system's local time.
//! Nothing else is guessed: anything else (or an impossible date such as 2021-02-30) is nullopt.
std::optional<int64_t> parseTimeInput(const QString& text, bool utc);
//! The zone times are shown in: `UTC`, or the local zone with its offset at `atMs`:
//! `UTC+01:00 Europe/Berlin` (the offset changes with daylight saving time).
QString zoneLabel(bool utc, int64_t atMs);
//! `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
QString formatDuration(int64_t ms);
//! `1.2 M`, `850 k`, `950`.
QString formatCount(double value);

} // namespace adclick::ui
