#pragma once
// The import preview's sentences about a sniff (core/input/sniffer.h): format, time, order,
// mapping and verdicts. Pure functions, no widgets.

#include "core/input/sniffer.h"

#include <QString>

namespace adclick::ui {

//! "CSV with a header on line 1", "the book format", "JSON lines", "no click format recognised", …
QString sniffFormatText(const core::SniffResult& r);
//! "ISO 8601 (YYYY-MM-DD hh:mm:ss), no zone: read as UTC · 2021-01-01 00:00 – 2021-01-01 05:33 UTC",
//! and what the rejected time stamps look like (sniffTimeSuggestionText).
QString sniffTimeText(const core::SniffResult& r, bool utc);
//! The strftime pattern(s) the stamps not read fit, or that none is known; empty when all were read.
QString sniffTimeSuggestionText(const core::SniffResult& r);
//! How far the lines are out of time order, and what lateness would take them all.
QString sniffOrderText(const core::SniffResult& r);
//! "accepted", "late", "header", "blank", "rejected: bad_ip".
QString sniffVerdictText(const core::SniffLine& line);
//! Where a field is read from: "column 3 · Country", "position 2", "key ad_id", "—". `map`: the
//! column map the sniff read with (JSON keys are not in the sniff's mapping).
QString sniffColumnText(const core::SniffResult& r, std::size_t field, const core::ColumnMap& map = {});
//! "Read 1,000 lines (all of the file): 998 accepted, 2 rejected (bad_ip 2)".
QString sniffCountsText(const core::SniffResult& r);

} // namespace adclick::ui
