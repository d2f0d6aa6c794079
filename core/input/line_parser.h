#pragma once

#include "core/base/click_event.h"
#include "core/base/ip_address.h"
#include "core/base/time_format.h"
#include "core/input/parser_options.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

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

namespace json_detail {
struct Reader;
struct Fields;
} // namespace json_detail

//! Parses one click per line in the book format, CSV with a header, or JSON lines.
//!
//! LineFormat::Auto decides line by line (docs/semantics.md, step 1), so a junk line is one
//! counted reject and never changes how the lines after it are read:
//!  - a line starting with '{' is a JSON object; one that is not well-formed JSON is tried as a
//!    comma-separated row, and rejected as bad_json when that fails too;
//!  - a line starting with "[AdClickEvent]" is the book format;
//!  - any other line is a CSV row in the column order of the last CSV header, or the book format
//!    while no header has been seen;
//!  - a line that is no click but names two or more columns (field names, synonyms or --map
//!    columns: fieldOfName) is a header wherever it stands: it maps the columns of the rows after
//!    it; columns it does not know are ignored. One lacking ad_id, click_timestamp or a --map
//!    column is rejected as bad_csv_header (headerProblem() says why); the rows after it are read
//!    in the default order ad_id,click_timestamp,user_id,ip,country[,click_id].
//! Forced CSV finds headers the same way (default order before the first one); forced book and
//! JSON lines have no headers. JSON keys are found like CSV columns (--map: exact key or dotted
//! path; otherwise the names of fieldOfName). Only ad_id and click_timestamp are required: a
//! field with no column, key or JSON null is absent (empty in the ClickEvent).
//! The only state carried from one line to the next is the last CSV header: state() and
//! restore() carry it over a restart. One parser per source (or Kafka partition).
class LineParser {
public:
    explicit LineParser(const ParserOptions& options = {});
    explicit LineParser(LineFormat format);

    const ParserOptions& options() const { return m_options; }

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

    //! How a CSV record text (physical lines joined by '\n', fields separated by `sep`) ends, read
    //! as RFC 4180 quoting.
    enum class RecordEnd : uint8_t {
        Complete, //!< every quoted field is closed
        Open, //!< the last quoted field is still open: the record continues on the next line
        Broken //!< a closing quote is followed by something other than a separator
    };
    static RecordEnd csvRecordEnd(std::string_view text, char sep);

    //! The configured format; for Auto, the format the last non-blank line was read in (Auto
    //! before the first one).
    LineFormat format() const { return m_format == LineFormat::Auto ? m_lastFormat : m_format; }

    //! The CSV column of each field the rows are read in (-1: none), and whether rows are read as
    //! CSV (a header was seen, or forced CSV): what the sniffer reports as the mapping in use.
    struct CsvColumns {
        bool active = false;
        int adId = -1, time = -1, userId = -1, ip = -1, country = -1, clickId = -1;
    };
    CsvColumns csvColumns() const
    {
        return { m_csvActive || m_format == LineFormat::Csv, m_col[0], m_col[1], m_col[2], m_col[3], m_col[4],
            m_col[5] };
    }

    //! What this parser carries to the next line, as text to store with the source position:
    //! empty, or the last CSV header line (a complete one or one lacking columns).
    //! A --map in use is stored first (see storedColumnMap), so a resumed source keeps it.
    std::string state() const;
    //! The column map stored in a state() text: nullopt for none (also a state of an older version).
    static std::optional<ColumnMap> storedColumnMap(std::string_view state);
    //! The time format stored in a state() text: nullopt for the default (or an older version).
    static std::optional<TimeFormat> storedTimeFormat(std::string_view state);
    //! The --delimiter stored in a state() text: nullopt for ',' (or an older version).
    static std::optional<char> storedDelimiter(std::string_view state);

    //! After a bad_csv_header reject: what the header lacks, the columns it has and the --map
    //! that would fix it, for the operator (the ingest stops with it when the header is a
    //! source's first). Empty otherwise.
    const std::string& headerProblem() const { return m_headerProblem; }
    //! The time text of the last parsed line, when it got as far as reading it (the sniffer
    //! tells time formats by it). A view into the line or the parser: valid until the next parse.
    std::string_view lastTimeText() const { return m_timeText; }
    //! The last CSV header line seen (state() without the stored map and time format).
    const std::string& csvHeader() const { return m_csvHeaderLine; }
    //! The CSV columns in use, as "ad_id=app, click_timestamp=click_time, user_id=(none), …"; for
    //! JSON lines and the book format, the --map or "default".
    std::string columnsInUse() const;
    //! Continue as a parser of this format whose state() was `state`: a parser restored at a
    //! resume position reads the lines after it exactly as the one that read up to it.
    void restore(std::string_view state);

    //! How click time stamps are read (ParserOptions::time: `--time-format`, `--time-zone`).
    void setTimeFormat(const TimeFormat& timeFormat) { m_options.time = timeFormat; }
    const TimeFormat& timeFormat() const { return m_options.time; }

private:
    enum class CsvHeaderCheck : uint8_t {
        None, //!< not a header: fewer than two column names
        Partial, //!< names columns, but not ad_id and click_timestamp (or not a --map column)
        Complete //!< ad_id, click_timestamp and every --map column: the column map is set
    };
    //! Bits for finishEvent, one per ClickField (1 << field).
    static constexpr unsigned bit(ClickField f) { return 1u << static_cast<unsigned>(f); }

    ParseOutcome parseLine(std::string_view line, ClickEvent& event, bool joined);
    ParseOutcome parseAuto(std::string_view line, ClickEvent& event);
    ParseOutcome parseBook(std::string_view line, ClickEvent& event);
    ParseOutcome parseCsv(std::string_view line, ClickEvent& event);
    ParseOutcome parseJson(std::string_view line, ClickEvent& event);
    //! A CSV row or a book line (Auto), or a CSV row (forced CSV), that is no click: is it a
    //! header? Then it sets the column map and is the outcome; otherwise `rejected` is.
    ParseOutcome headerOr(std::string_view line, ParseOutcome rejected);
    //! Validates the field texts (same checks and order for all formats) and fills `event`.
    //! `wrongType`: a JSON value of the wrong type for that field; `absent`: the source has no
    //! such field (optional fields only: stored empty).
    ParseOutcome finishEvent(std::string_view adId, std::string_view time, std::string_view userId,
        std::string_view ip, std::string_view country, std::string_view clickId, ClickEvent& event,
        unsigned wrongType = 0, unsigned absent = 0);
    //! The country as stored: a code of 2–3 letters upper-cased, or the ISO 3166 alpha-2 code of
    //! an English country name; false when it is neither.
    bool normalizeCountry(std::string_view& country);
    //! The field a JSON key (a dotted path below the top level) is read into, and its rank.
    bool jsonField(std::string_view path, ClickField& field, int& rank) const;
    //! Reads the members of a JSON object, r.p just past its '{' (jsonl_line_parser.cpp).
    bool readJsonObject(json_detail::Reader& r, json_detail::Fields& out, std::string_view path, int depth);
    //! Sets m_headerProblem for a header that lacks required or mapped columns.
    void describeHeaderProblem(const int* col);
    CsvHeaderCheck classifyCsvHeader(std::string_view line);
    void useDefaultCsvOrder();
    //! Would a line go to parseCsv (rather than JSON or the book format)?
    bool readsAsCsv(std::string_view trimmed) const;

    ParserOptions m_options;
    LineFormat m_format;
    LineFormat m_lastFormat = LineFormat::Auto; //!< Auto: the format of the last non-blank line
    bool m_csvActive = false; //!< a CSV header was seen: rows are CSV in its column order
    std::string m_csvHeaderLine; //!< that header (state())
    // Column index of each field (ClickField order) in the CSV header; -1 when absent.
    std::array<int, kClickFieldCount> m_col {};
    bool m_hasMap = false; //!< some field is mapped (--map)
    bool m_nestedMap = false; //!< some --map names a dotted JSON path
    std::string m_headerProblem;
    std::string_view m_timeText; //!< lastTimeText()
    int m_colCount = 0; //!< columns of the header: a row with more is TooManyFields
    int m_colRequired = 0; //!< a row with fewer columns lacks a required one: MissingField
    //! Unescaped JSON/CSV values and upper-cased countries. Grown (never shrunk) to the line
    //! size at the start of parse(), so the views into it stay put until the next call.
    std::string m_scratch;
    std::size_t m_scratchPos = 0;
    char m_ipText[kMaxCanonicalIpBytes] = {}; //!< the event's IPv6 address in canonical form
    std::vector<std::string_view> m_fields;
};

} // namespace adclick::core
