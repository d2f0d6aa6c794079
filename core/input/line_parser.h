#pragma once

#include "core/base/click_event.h"
#include "core/base/ip_address.h"
#include "core/base/time_format.h"

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
    Future, //!< event time too far ahead (docs/semantics.md step 0); decided by the engine
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
//!
//! LineFormat::Auto decides line by line (docs/semantics.md, step 1), so a junk line is one
//! counted reject and never changes how the lines after it are read:
//!  - a line starting with '{' is a JSON object; one that is not well-formed JSON is tried as a
//!    comma-separated row, and rejected as bad_json when that fails too;
//!  - a line starting with "[AdClickEvent]" is the book format;
//!  - any other line is a CSV row in the column order of the last CSV header, or the book format
//!    while no header has been seen;
//!  - a line that is no click but names the CSV columns is a header wherever it stands: it maps
//!    the columns of the rows after it. One naming ad_id and a time column but lacking user_id, ip
//!    or country is rejected as bad_csv_header; the rows after it are read in the default order
//!    ad_id,click_timestamp,user_id,ip,country[,click_id].
//! Forced CSV finds headers the same way (default order before the first one; a row naming two
//! column names is a bad header too); forced book and JSON lines have no headers.
//! The only state carried from one line to the next is the last CSV header: state() and
//! restore() carry it over a restart. One parser per source (or Kafka partition).
class LineParser {
public:
    explicit LineParser(LineFormat format = LineFormat::Auto);

    //! `line` excludes the '\n'; a trailing '\r' is ignored. Never throws; never reads past `line`.
    ParseOutcome parse(std::string_view line, ClickEvent& event);

    //! A CSV record of several physical lines joined by '\n' (RecordReader joined them because a
    //! quoted field was open at the end of a line, RFC 4180). The '\n' bytes are field content:
    //! in a click field they are rejected like any control byte (bad_field); in a column the
    //! parser ignores they are allowed.
    ParseOutcome parseRecord(std::string_view record, ClickEvent& event);

    //! Would parse() read `line` as a CSV row that ends inside an open quoted field, i.e. whose
    //! record continues on the next line? Does not change the parser.
    bool opensRecord(std::string_view line) const;

    //! How a CSV record text (physical lines joined by '\n') ends, read as RFC 4180 quoting.
    enum class RecordEnd : uint8_t {
        Complete, //!< every quoted field is closed
        Open, //!< the last quoted field is still open: the record continues on the next line
        Broken //!< a closing quote is followed by something other than a separator
    };
    static RecordEnd csvRecordEnd(std::string_view text);

    //! The configured format; for Auto, the format the last non-blank line was read in (Auto
    //! before the first one).
    LineFormat format() const { return m_format == LineFormat::Auto ? m_lastFormat : m_format; }

    //! What this parser carries to the next line, as text to store with the source position:
    //! empty, or the last CSV header line (a complete one or one lacking columns).
    const std::string& state() const { return m_csvHeaderLine; }
    //! Continue as a parser of this format whose state() was `state`: a parser restored at a
    //! resume position reads the lines after it exactly as the one that read up to it.
    void restore(std::string_view state);

    //! How click time stamps are read (`--time-format`, `--time-zone`); default auto, UTC.
    //! Not part of state(): the caller stores TimeFormat::spec() with the source.
    void setTimeFormat(const TimeFormat& timeFormat) { m_timeFormat = timeFormat; }
    const TimeFormat& timeFormat() const { return m_timeFormat; }

private:
    enum class CsvHeaderCheck : uint8_t {
        None, //!< not a header: fewer than two column names
        Partial, //!< names columns, but not ad_id and a time column
        AdAndTime, //!< names ad_id and a time column, but lacks user_id, ip or country
        Complete //!< every required column: the column map is set
    };
    //! Bits for finishEvent: a JSON value of the wrong type for that field.
    enum : unsigned {
        kWrongAdId = 1,
        kWrongTime = 2,
        kWrongUserId = 4,
        kWrongIp = 8,
        kWrongCountry = 16,
        kWrongClickId = 32
    };

    ParseOutcome parseLine(std::string_view line, ClickEvent& event, bool joined);
    ParseOutcome parseAuto(std::string_view line, ClickEvent& event);
    ParseOutcome parseBook(std::string_view line, ClickEvent& event);
    ParseOutcome parseCsv(std::string_view line, ClickEvent& event);
    ParseOutcome parseJson(std::string_view line, ClickEvent& event);
    //! A CSV row or a book line (Auto), or a CSV row (forced CSV), that is no click: is it a
    //! header? Then it sets the column map and is the outcome; otherwise `rejected` is.
    ParseOutcome headerOr(std::string_view line, ParseOutcome rejected);
    //! Validates the field texts (same checks and order for all formats) and fills `event`.
    ParseOutcome finishEvent(std::string_view adId, std::string_view time, std::string_view userId,
        std::string_view ip, std::string_view country, std::string_view clickId, ClickEvent& event,
        unsigned wrongType = 0);
    CsvHeaderCheck classifyCsvHeader(std::string_view line);
    void useDefaultCsvOrder();
    //! Would a line go to parseCsv (rather than JSON or the book format)?
    bool readsAsCsv(std::string_view trimmed) const;

    LineFormat m_format;
    LineFormat m_lastFormat = LineFormat::Auto; //!< Auto: the format of the last non-blank line
    bool m_csvActive = false; //!< a CSV header was seen: rows are CSV in its column order
    std::string m_csvHeaderLine; //!< that header (state())
    // Column index of each field in the CSV header; -1 when absent.
    int m_colAdId = -1, m_colTime = -1, m_colUser = -1, m_colIp = -1, m_colCountry = -1, m_colClickId = -1;
    int m_colCount = 0; //!< columns of the header: a row with more is TooManyFields
    int m_colRequired = 0; //!< a row with fewer columns lacks a required one: MissingField
    //! Unescaped JSON/CSV values and upper-cased countries. Grown (never shrunk) to the line
    //! size at the start of parse(), so the views into it stay put until the next call.
    std::string m_scratch;
    std::size_t m_scratchPos = 0;
    char m_ipText[kMaxCanonicalIpBytes] = {}; //!< the event's IPv6 address in canonical form
    std::vector<std::string_view> m_fields;
    TimeFormat m_timeFormat;
};

} // namespace adclick::core
