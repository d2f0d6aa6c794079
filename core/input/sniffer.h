#pragma once
// The sniffer: how the ingest would read the head of a log, before it is ingested (adclick sniff,
// the GUI's import preview). It runs the same LineParser as the ingest over the first lines, so its
// verdicts are the ingest's, and adds what a user needs to decide how to read the log: the format,
// delimiter, header and column mapping, the time format and range, and how far the lines are
// out of time order.

#include "core/base/status.h"
#include "core/input/line_parser.h"
#include "core/input/own_files.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

struct SniffOptions {
    //! As the ingest would be given them (--format, --map), so the sniff reads as the ingest.
    ParserOptions parser;
    std::size_t maxLines = 100'000; //!< records read at most (blank lines included)
    std::size_t maxBytes = 16u << 20; //!< content bytes read at most
    std::size_t sampleLines = 20; //!< the first records kept with their verdicts
    //! The lateness the order figures are judged against (the ingest's default unless given).
    int64_t latenessMs = 60'000;
    //! A database this process has open: never read, even to sniff a folder that holds it.
    OwnFiles own;
};

//! One of the first records, with the ingest's verdict on it.
struct SniffLine {
    uint64_t number = 0; //!< 1-based physical line number of its first line
    std::string text; //!< at most 200 bytes (cut at a UTF-8 boundary); control bytes as '?'
    LineKind kind = LineKind::Blank;
    RejectReason reason = RejectReason::Count; //!< kind == Rejected
    int64_t timeMs = std::numeric_limits<int64_t>::min(); //!< kind == Event
    bool late = false; //!< an event that would be late at the lateness, read in this order
};

//! Which CSV column (0-based, and its header name) a click field is read from.
struct SniffColumn {
    std::string field; //!< ad_id, click_timestamp, user_id, ip, country, click_id
    int column = -1; //!< -1: the log has none
    std::string name; //!< the header's name for it (empty without a header)
};

struct SniffResult {
    std::string path;
    uint64_t bytesRead = 0;
    uint64_t records = 0; //!< records read (blank lines and headers included)
    bool wholeFile = false; //!< the sniff reached the end of the file
    bool empty = false; //!< no content byte at all
    bool binary = false; //!< not a text file (NUL bytes, or most lines rejected for their bytes)

    //! The format most events were read in (Auto: no event).
    LineFormat format = LineFormat::Auto;
    std::array<int64_t, 4> eventsByFormat {}; //!< indexed by LineFormat
    char delimiter = ','; //!< the separator the rows look like they use ('\t', ';', '|' are not read)

    // The last CSV header seen (the one the rows after it are read with).
    std::string header;
    uint64_t headerLine = 0; //!< 0: none
    std::vector<std::string> headerColumns;
    std::vector<SniffColumn> mapping; //!< CSV rows only: field → column
    std::vector<std::string> ignoredColumns; //!< header columns no field is read from
    //! No header was recognised (no column name known) and the first line, rejected, looks like
    //! one (every field a name): its fields, the columns a --map can name to make it the header.
    std::vector<std::string> firstLineColumns;
    //! JSON lines: the dotted key paths of the first objects, in first-seen order (what --map
    //! can name).
    std::vector<std::string> jsonKeys;

    // Verdicts of every record read.
    int64_t events = 0, rejected = 0, blank = 0, headers = 0;
    std::array<int64_t, kRejectReasonCount> rejectedBy {};

    // Times of the events.
    std::string timeOption = "auto"; //!< the --time-format read with (auto, iso, epoch-s, a pattern)
    std::string timeZone = "UTC"; //!< the --time-zone stamps without a zone of their own are read in
    //! The format of the most common time stamp read: "iso", "epoch-s", "epoch-ms", "epoch-us",
    //! "epoch-ns" (the unit `auto` took by magnitude, or the one given), "strftime" (the pattern
    //! given), "other"; empty without events.
    std::string timeFormat;
    //! e.g. "YYYY-MM-DD hh:mm:ss", "YYYY-MM-DDThh:mm:ss.fffZ", "13 digits", "%d/%m/%Y %H:%M"
    std::string timePattern;
    //! Those stamps carry no zone of their own (and are no epoch): timeZone decides their instant.
    bool zoneApplies = false;
    //! Stamps rejected as bad_timestamp: strftime patterns that would read them all (sniff_guess.h:
    //! two when day-first and month-first both would), and one of them as an example.
    std::vector<std::string> suggestedTimeFormats;
    std::string badTimeExample;
    int64_t firstTimeMs = std::numeric_limits<int64_t>::min(), lastTimeMs = firstTimeMs;
    int64_t minTimeMs = firstTimeMs, maxTimeMs = firstTimeMs;

    // Order, in the order read: an event is behind when its time is below the largest before it.
    int64_t behind = 0;
    int64_t maxStepBackMs = 0; //!< the largest distance below that maximum
    //! The smallest lateness with which no event read would be late (whole seconds, rounded up).
    int64_t latenessForAllOnTimeMs = 0;
    int64_t latenessMs = 0; //!< SniffOptions::latenessMs
    int64_t lateAtLateness = 0; //!< events that would be late with latenessMs, read in this order

    std::vector<SniffLine> sample;
    //! Sentences for the user: why lines are rejected, what looks wrong, what to try.
    std::vector<std::string> notes;

    double behindFraction() const { return events > 0 ? double(behind) / double(events) : 0; }
    double lateFraction() const { return events > 0 ? double(lateAtLateness) / double(events) : 0; }
    //! Read in the order given, more than 1 % of the events would be late: read in any order.
    bool suggestsAnyOrder() const { return lateAtLateness * 100 > events; }
};

//! Sniffs `path`: a file or .gz file (a directory: its first file in reading order).
Result<SniffResult> sniffFile(const std::string& path, const SniffOptions& options = {});
//! Sniffs `content` as if it were a file's (tests, and text already in memory).
SniffResult sniffText(std::string_view content, const SniffOptions& options = {});

//! "accepted", "header", "blank", or the reject reason's name.
std::string sniffVerdictName(const SniffLine& line);

} // namespace adclick::core
