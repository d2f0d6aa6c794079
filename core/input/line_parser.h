#pragma once

#include "core/base/click_event.h"
#include "core/base/ip_address.h"

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

    ParseOutcome parseBook(std::string_view line, ClickEvent& event);
    ParseOutcome parseCsv(std::string_view line, ClickEvent& event);
    ParseOutcome parseJson(std::string_view line, ClickEvent& event);
    //! Validates the field texts (same checks and order for all formats) and fills `event`.
    ParseOutcome finishEvent(std::string_view adId, std::string_view time, std::string_view userId,
        std::string_view ip, std::string_view country, std::string_view clickId, ClickEvent& event,
        unsigned wrongType = 0);
    CsvHeaderCheck classifyCsvHeader(std::string_view line);
    void useDefaultCsvOrder();

    LineFormat m_format;
    bool m_csvHeaderSeen = false; //!< the first sound non-blank CSV row was classified
    bool m_csvHeaderBad = false; //!< that row was a header lacking required columns
    std::string m_csvHeaderLine; //!< to skip repeated headers of concatenated CSV files
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
};

} // namespace adclick::core
