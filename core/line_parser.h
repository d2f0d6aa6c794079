#pragma once

#include "click_event.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

enum class LineFormat : uint8_t { Auto, Book, Csv, Jsonl };

//! Parses "auto", "book", "csv", "jsonl"; returns false for anything else.
bool parseLineFormat(std::string_view text, LineFormat& out);
std::string_view lineFormatName(LineFormat format);

//! Why a line was rejected. The names (rejectReasonName) are stable: they are stored in the
//! database and printed in JSON, so only append new reasons before Count.
enum class RejectReason : uint8_t {
    MissingField, //!< fewer fields than required, or a required JSON key/CSV column absent
    TooManyFields, //!< book format with more than six fields
    EmptyAdId,
    BadTimestamp,
    BadIp,
    BadCountry,
    BadField, //!< user_id / click_id with forbidden characters (tab, control) or too long
    BadJson,
    BadCsvHeader, //!< forced CSV whose header lacks required columns
    BinaryBytes, //!< NUL or other control bytes in the line
    InvalidUtf8,
    LineTooLong, //!< over kMaxLineBytes; reported by LineSplitter
    Count
};
constexpr std::size_t kRejectReasonCount = static_cast<std::size_t>(RejectReason::Count);
std::string_view rejectReasonName(RejectReason reason);

enum class LineKind : uint8_t {
    Event, //!< the ClickEvent is filled
    Blank, //!< empty or whitespace only: skipped, not counted as a line
    Header, //!< a CSV header row: consumed, not counted as an event or reject
    Rejected
};

struct ParseOutcome {
    LineKind kind = LineKind::Blank;
    RejectReason reason = RejectReason::Count; //!< set when kind == Rejected
};

//! Parses one click per line in the book format, CSV with a header, or JSON lines.
//! With LineFormat::Auto the format is detected from the first non-blank line of the source
//! ('{' → JSON lines; a row naming ad_id and a time column → CSV; otherwise the book format).
//! One parser per source; it keeps the CSV column map and a scratch buffer.
class LineParser {
public:
    explicit LineParser(LineFormat format = LineFormat::Auto);

    //! `line` excludes the '\n'; a trailing '\r' is ignored. Never throws; never reads past `line`.
    ParseOutcome parse(std::string_view line, ClickEvent& event);

    //! The resolved format: Auto until the first non-blank line was seen.
    LineFormat format() const { return m_format; }

private:
    ParseOutcome parseBook(std::string_view line, ClickEvent& event);
    ParseOutcome parseCsv(std::string_view line, ClickEvent& event);
    ParseOutcome parseJson(std::string_view line, ClickEvent& event);
    bool tryCsvHeader(std::string_view line);

    LineFormat m_format;
    bool m_csvHeaderSeen = false;
    std::string m_csvHeaderLine; //!< to skip repeated headers of concatenated CSV files
    // Column index of each field in the CSV header; -1 when absent.
    int m_colAdId = -1, m_colTime = -1, m_colUser = -1, m_colIp = -1, m_colCountry = -1, m_colClickId = -1;
    int m_colCount = 0;
    std::string m_scratch; //!< unescaped JSON/CSV values and upper-cased countries
    std::vector<std::string_view> m_fields;
};

} // namespace adclick::core
