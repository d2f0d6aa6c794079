#pragma once
// The sniffer's guesses about a log it cannot read yet: the strftime pattern of time stamps the
// time format in use rejects, the keys of JSON lines (what a column map can name), and the CSV
// delimiter.

#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! What the sniffer can tell about time stamps it could not read.
struct TimePatternGuess {
    //! strftime patterns (TimeFormat) that read every text given: none (the shape is not known),
    //! one (sure), or two: day-first and month-first both read them (no day above 12), listed
    //! day-first first. The sniffer never picks one of two: the lines stay rejected until the
    //! user gives the right one.
    std::vector<std::string> patterns;
    bool dayMonthUnknown() const { return patterns.size() == 2; }
};

//! Guesses from the shape of `texts` (e.g. "13/01/2021 10:00" → "%d/%m/%Y %H:%M"): numeric dates
//! with '/', '.' or '-' (year first or last, 2 or 4 digits), month names, times hh:mm[:ss[.f]]
//! with AM/PM, a 'T', and a zone (±hh:mm, Z, UTC/GMT). Each candidate is checked against
//! every text; only candidates that read all of them are returned.
TimePatternGuess guessTimePattern(const std::vector<std::string>& texts);

//! Adds to `keys` (in first-seen order, without repeats) the dotted paths of the scalar and
//! array members of the JSON object `line` ("ad", "ctx.geo.country"); a broken object adds
//! what was read before the break.
void addJsonKeyPaths(std::string_view line, std::vector<std::string>& keys);

//! The delimiter the rows look like they use: the candidate (',', tab, ';', '|') found outside
//! quotes in (nearly) every row, the same number of times, most often; ',' when none is.
char guessDelimiter(const std::vector<std::string>& rows);

} // namespace adclick::core
