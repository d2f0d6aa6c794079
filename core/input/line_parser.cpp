#include "core/input/line_parser.h"

#include "core/base/timestamp.h"
#include "core/input/country_names.h"
#include "core/input/line_splitter.h"
#include "core/input/parse_support.h"

#include <arpa/inet.h>

#include <cstring>

// The parser's front: the line-level checks, the format dispatch and the field checks every
// format ends with. The formats: csv_book_parser.cpp and json_line_parser.cpp.

namespace adclick::core {

using namespace parsing;

namespace {

constexpr std::size_t kMaxFieldBytes = 128;

// ---------------------------------------------------------------------------------------------
// Line-level byte check: control bytes and UTF-8 in one pass, eight ASCII bytes at a time.

enum class ByteCheck { Ok, Binary, InvalidUtf8 };

// True when some byte of v is < 0x20, 0x7F or ≥ 0x80. The "has less" and "has zero" bit tricks
// are exact about whether such a byte exists (only its position may be blurred by borrows).
inline bool wordNeedsCare(uint64_t v)
{
    const uint64_t below20 = (v - kOnes * 0x20) & ~v;
    const uint64_t x = v ^ (kOnes * 0x7F);
    const uint64_t is7f = (x - kOnes) & ~x;
    return ((v | below20 | is7f) & kHighs) != 0;
}

inline bool isCont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

// `newlines`: a joined CSV record, whose '\n' bytes are content of quoted fields.
ByteCheck checkBytes(std::string_view s, bool newlines)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    bool badUtf8 = false; // keep scanning: a control byte anywhere wins (binary junk is both)
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t v;
            std::memcpy(&v, p + i, 8);
            if (!wordNeedsCare(v)) {
                i += 8;
                continue;
            }
        }
        const unsigned char c = p[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && (c != '\n' || !newlines)) || c == 0x7F) return ByteCheck::Binary;
            ++i;
            continue;
        }
        // Well-formed UTF-8 per RFC 3629 / Unicode table 3-7: no overlongs, no surrogates,
        // nothing above U+10FFFF.
        std::size_t len = 0;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        }
        if (len == 0 || i + len > n || p[i + 1] < lo || p[i + 1] > hi || (len > 2 && !isCont(p[i + 2]))
            || (len > 3 && !isCont(p[i + 3]))) {
            badUtf8 = true;
            ++i;
            continue;
        }
        i += len;
    }
    return badUtf8 ? ByteCheck::InvalidUtf8 : ByteCheck::Ok;
}

// ---------------------------------------------------------------------------------------------
// Field checks shared by all formats.

// ≤ 128 bytes and nothing that could break a tab-separated raw line (tab, control, DEL).
inline bool plainField(std::string_view s)
{
    if (s.size() > kMaxFieldBytes) return false;
    const char* p = s.data();
    const char* const e = p + s.size();
    for (; e - p >= 8; p += 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        const uint64_t x = v ^ (kOnes * 0x7F);
        if ((((v - kOnes * 0x20) & ~v) | ((x - kOnes) & ~x)) & kHighs) return false;
    }
    for (; p < e; ++p) {
        const auto u = static_cast<unsigned char>(*p);
        if (u < 0x20 || u == 0x7F) return false;
    }
    return true;
}

bool validIp(std::string_view s)
{
    if (s.size() < 2 || s.size() > 45) // "::" .. the longest IPv6 text with an embedded IPv4
        return false;
    uint8_t v4[4];
    if (parseIpv4Strict(s, v4)) return true;
    if (s.find(':') == std::string_view::npos) return false;
    char buf[48];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    unsigned char addr[16];
    return inet_pton(AF_INET6, buf, addr) == 1;
}

} // namespace

// ---------------------------------------------------------------------------------------------

std::string_view rejectReasonName(RejectReason reason)
{
    switch (reason) {
    case RejectReason::MissingField:
        return "missing_field";
    case RejectReason::TooManyFields:
        return "too_many_fields";
    case RejectReason::EmptyAdId:
        return "empty_ad_id";
    case RejectReason::BadTimestamp:
        return "bad_timestamp";
    case RejectReason::BadIp:
        return "bad_ip";
    case RejectReason::BadCountry:
        return "bad_country";
    case RejectReason::BadField:
        return "bad_field";
    case RejectReason::BadJson:
        return "bad_json";
    case RejectReason::BadCsvHeader:
        return "bad_csv_header";
    case RejectReason::BinaryBytes:
        return "binary_bytes";
    case RejectReason::InvalidUtf8:
        return "invalid_utf8";
    case RejectReason::LineTooLong:
        return "line_too_long";
    case RejectReason::Future:
        return "future";
    case RejectReason::Count:
        break;
    }
    return "unknown";
}

LineParser::LineParser(const ParserOptions& options)
    : m_options(options)
    , m_format(
          options.delimiter != ',' && options.format == LineFormat::Auto ? LineFormat::Csv : options.format)
{
    m_hasMap = !m_options.map.empty();
    for (const auto& c : m_options.map.columns)
        if (c && c->find('.') != std::string::npos) m_nestedMap = true;
    if (m_format == LineFormat::Csv) useDefaultCsvOrder();
}

LineParser::LineParser(LineFormat format)
    : LineParser(ParserOptions { format, {}, {} })
{ }

ParseOutcome LineParser::parse(std::string_view line, ClickEvent& event)
{
    return parseLine(line, event, false);
}

ParseOutcome LineParser::parseRecord(std::string_view record, ClickEvent& event)
{
    return parseLine(record, event, true);
}

ParseOutcome LineParser::parseLine(std::string_view line, ClickEvent& event, bool joined)
{
    m_timeText = {};
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLineBytes) return reject(RejectReason::LineTooLong);
    // A UTF-8 byte order mark (spreadsheet exports) is no part of the first field.
    if (line.size() >= 3 && line[0] == '\xEF' && line[1] == '\xBB' && line[2] == '\xBF')
        line.remove_prefix(3);
    switch (checkBytes(line, joined)) {
    case ByteCheck::Binary:
        return reject(RejectReason::BinaryBytes);
    case ByteCheck::InvalidUtf8:
        return reject(RejectReason::InvalidUtf8);
    case ByteCheck::Ok:
        break;
    }
    if (isBlank(line)) return kBlank;
    // Line breaks belong only inside the quoted fields of a CSV record.
    if (joined && !readsAsCsv(trim(line))) return reject(RejectReason::BinaryBytes);

    // Unescaped values are never longer than their source text; upper-cased countries need 3.
    if (m_scratch.size() < line.size() + 8) m_scratch.resize(line.size() + 8);
    m_scratchPos = 0;

    switch (m_format) {
    case LineFormat::Auto:
        return parseAuto(line, event);
    case LineFormat::Book:
        return parseBook(line, event);
    case LineFormat::Csv: {
        const ParseOutcome out = parseCsv(line, event);
        return out.kind == LineKind::Rejected ? headerOr(line, out) : out;
    }
    case LineFormat::Jsonl:
        return parseJson(line, event);
    }
    return reject(RejectReason::BadField); // unreachable
}

bool LineParser::readsAsCsv(std::string_view trimmed) const
{
    if (m_format != LineFormat::Auto) return m_format == LineFormat::Csv;
    return m_csvActive && !trimmed.starts_with('{') && !startsWithBookPrefix(trimmed);
}

bool LineParser::opensRecord(std::string_view line) const
{
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() >= 3 && line[0] == '\xEF' && line[1] == '\xBB' && line[2] == '\xBF')
        line.remove_prefix(3);
    if (line.size() > kMaxLineBytes || line.find('"') == std::string_view::npos) return false;
    // A line rejected for its bytes is rejected alone.
    return readsAsCsv(trim(line)) && csvRecordEnd(line, m_options.delimiter) == RecordEnd::Open
        && checkBytes(line, false) == ByteCheck::Ok;
}

ParseOutcome LineParser::parseAuto(std::string_view line, ClickEvent& event)
{
    const std::string_view t = trim(line);
    if (t.front() == '{') {
        m_lastFormat = LineFormat::Jsonl;
        const ParseOutcome json = parseJson(line, event);
        if (json.kind != LineKind::Rejected || json.reason != RejectReason::BadJson) return json;
        // Not JSON at all: perhaps a row whose first field starts with '{'.
        m_scratchPos = 0;
        const bool csv = m_csvActive;
        const ParseOutcome row = csv ? parseCsv(line, event) : parseBook(line, event);
        if (row.kind == LineKind::Rejected) return json;
        m_lastFormat = csv ? LineFormat::Csv : LineFormat::Book;
        return row;
    }
    if (!m_csvActive || startsWithBookPrefix(t)) {
        m_lastFormat = LineFormat::Book;
        const ParseOutcome out = parseBook(line, event);
        if (out.kind != LineKind::Rejected || startsWithBookPrefix(t)) return out;
        return headerOr(line, out);
    }
    m_lastFormat = LineFormat::Csv;
    const ParseOutcome out = parseCsv(line, event);
    return out.kind == LineKind::Rejected ? headerOr(line, out) : out;
}

ParseOutcome LineParser::headerOr(std::string_view line, ParseOutcome rejected)
{
    m_scratchPos = 0; // the failed row's values are not needed any more
    const CsvHeaderCheck check = classifyCsvHeader(line);
    if (check == CsvHeaderCheck::None) return rejected;
    // A header, wherever it stands (files concatenated with `cat`, a comment line first). A bad
    // one is rejected so the operator sees it; the rows after it are read in the default order.
    const bool bad = check == CsvHeaderCheck::Partial;
    if (bad) useDefaultCsvOrder();
    m_csvActive = true;
    m_lastFormat = LineFormat::Csv;
    m_csvHeaderLine.assign(line);
    return bad ? reject(RejectReason::BadCsvHeader) : kHeader;
}

namespace {
// state() with a column map, a time format or a delimiter other than the default: each setting in
// its own section, kMapMark + the map's text + kMapMark, then kTimeMark + TimeFormat::spec() +
// kTimeMark, then kDelimiterMark + the delimiter + kDelimiterMark, then the header. Neither a
// header nor these texts can hold the control bytes, so an older state (a bare header) never
// starts with one.
constexpr char kMapMark = '\x01';
constexpr char kTimeMark = '\x02';
constexpr char kDelimiterMark = '\x03';

// The text of the section marked `mark` at the front of `state`, which is advanced past it;
// nullopt (state unchanged) when there is none.
std::optional<std::string_view> takeSection(std::string_view& state, char mark)
{
    if (state.empty() || state.front() != mark) return std::nullopt;
    const auto end = state.find(mark, 1);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view text = state.substr(1, end - 1);
    state.remove_prefix(end + 1);
    return text;
}
} // namespace

std::string LineParser::state() const
{
    std::string out;
    if (!m_options.map.empty()) out += kMapMark + columnMapText(m_options.map) + kMapMark;
    if (!m_options.time.isDefault()) out += kTimeMark + m_options.time.spec() + kTimeMark;
    if (m_options.delimiter != ',')
        out += std::string { kDelimiterMark, m_options.delimiter, kDelimiterMark };
    return out + m_csvHeaderLine;
}

std::optional<ColumnMap> LineParser::storedColumnMap(std::string_view state)
{
    const auto text = takeSection(state, kMapMark);
    ColumnMap map;
    if (!text || !parseColumnMapText(*text, map)) return std::nullopt;
    return map;
}

std::optional<TimeFormat> LineParser::storedTimeFormat(std::string_view state)
{
    takeSection(state, kMapMark);
    const auto text = takeSection(state, kTimeMark);
    TimeFormat format;
    std::string error;
    if (!text || !TimeFormat::fromSpec(*text, format, error)) return std::nullopt;
    return format;
}

std::optional<char> LineParser::storedDelimiter(std::string_view state)
{
    takeSection(state, kMapMark);
    takeSection(state, kTimeMark);
    const auto text = takeSection(state, kDelimiterMark);
    char delimiter = ',';
    if (!text || !parseDelimiter(*text, delimiter)) return std::nullopt;
    return delimiter;
}

void LineParser::restore(std::string_view state)
{
    if (auto map = storedColumnMap(state)) m_options.map = std::move(*map);
    if (auto time = storedTimeFormat(state)) m_options.time = std::move(*time);
    if (auto delimiter = storedDelimiter(state)) m_options.delimiter = *delimiter;
    takeSection(state, kMapMark);
    takeSection(state, kTimeMark);
    takeSection(state, kDelimiterMark);
    *this = LineParser(m_options);
    if (state.empty() || state.size() > kMaxLineBytes) return;
    // The same classification as when the header was read: the same column map follows.
    m_scratch.resize(state.size() + 8);
    if (classifyCsvHeader(state) != CsvHeaderCheck::Complete) useDefaultCsvOrder();
    m_headerProblem.clear();
    m_csvActive = true;
    m_csvHeaderLine.assign(state);
}

std::string LineParser::columnsInUse() const
{
    if (!m_csvActive) return m_options.map.empty() ? "default" : columnMapText(m_options.map);
    // Name the header's columns: split it again (not on the hot path).
    LineParser copy(m_options);
    copy.m_scratch.resize(m_csvHeaderLine.size() + 8);
    const bool complete = copy.classifyCsvHeader(m_csvHeaderLine) == CsvHeaderCheck::Complete;
    std::string out;
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        if (f > 0) out += ", ";
        out += clickFieldName(static_cast<ClickField>(f));
        out += '=';
        const auto c = static_cast<std::size_t>(m_col[f]);
        if (m_col[f] < 0)
            out += "(none)";
        else if (complete && c < copy.m_fields.size())
            out.append(copy.m_fields[c]);
        else
            out += "#" + std::to_string(c + 1); // default order: by position
    }
    return out;
}

bool LineParser::normalizeCountry(std::string_view& country)
{
    if (country.size() == 2 || country.size() == 3) {
        // A code: kept as written, upper-cased. An alpha-3 code stays alpha-3: the book's own
        // example stores "USA", and existing databases and filters use the codes as given.
        bool lower = false;
        for (char c : country) {
            if (c >= 'a' && c <= 'z')
                lower = true;
            else if (c < 'A' || c > 'Z')
                return false;
        }
        if (!lower) return true;
        char* out = m_scratch.data() + m_scratchPos;
        for (std::size_t i = 0; i < country.size(); ++i) {
            const char c = country[i];
            out[i] = c >= 'a' ? static_cast<char>(c - ('a' - 'A')) : c;
        }
        country = std::string_view(out, country.size());
        m_scratchPos += country.size();
        return true;
    }
    // An English name ("Germany", "South Korea"): stored as its alpha-2 code (a static string).
    const char* alpha2 = country.size() > 3 ? countryAlpha2(country) : nullptr;
    if (alpha2 == nullptr) return false;
    country = std::string_view(alpha2, 2);
    return true;
}

ParseOutcome LineParser::finishEvent(std::string_view adId, std::string_view time, std::string_view userId,
    std::string_view ip, std::string_view country, std::string_view clickId, ClickEvent& event,
    unsigned wrongType, unsigned absent)
{
    // One order for every format, so a line with several faults gets the same reason anywhere.
    if ((wrongType & bit(ClickField::AdId)) != 0) return reject(RejectReason::BadField);
    if (isBlank(adId)) return reject(RejectReason::EmptyAdId);
    if (!plainField(adId)) return reject(RejectReason::BadField);
    m_timeText = time;
    if ((wrongType & bit(ClickField::ClickTimestamp)) != 0 || !m_options.time.parse(time, event.timeMs))
        return reject(RejectReason::BadTimestamp);
    if ((absent & bit(ClickField::UserId)) == 0) {
        if ((wrongType & bit(ClickField::UserId)) != 0) return reject(RejectReason::BadField);
        if (isBlank(userId)) return reject(RejectReason::MissingField);
        if (!plainField(userId)) return reject(RejectReason::BadField);
    }
    if ((absent & bit(ClickField::Ip)) == 0) {
        if ((wrongType & bit(ClickField::Ip)) != 0 || !validIp(ip)) return reject(RejectReason::BadIp);
        // One spelling per address (dotted IPv4 that passed validIp already is the one).
        if (ip.find(':') != std::string_view::npos) ip = canonicalIp(ip, m_ipText);
    }
    if ((absent & bit(ClickField::Country)) == 0
        && ((wrongType & bit(ClickField::Country)) != 0 || !normalizeCountry(country)))
        return reject(RejectReason::BadCountry);
    if ((wrongType & bit(ClickField::ClickId)) != 0 || !plainField(clickId))
        return reject(RejectReason::BadField);
    event.adId = adId;
    event.userId = userId;
    event.ip = ip;
    event.country = country;
    event.clickId = clickId;
    return kEvent;
}

} // namespace adclick::core
