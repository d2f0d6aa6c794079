#include "core/input/line_parser.h"

#include "core/input/line_splitter.h"
#include "core/base/timestamp.h"

#include <arpa/inet.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <initializer_list>

namespace adclick::core {

namespace {

constexpr std::size_t kMaxFieldBytes = 128;
constexpr int kMaxJsonDepth = 1024; //!< nesting deeper than this inside an unknown key is BadJson
constexpr std::string_view kBookPrefix = "[AdClickEvent]";

constexpr ParseOutcome reject(RejectReason reason)
{
    return { LineKind::Rejected, reason };
}
constexpr ParseOutcome kEvent { LineKind::Event, RejectReason::Count };
constexpr ParseOutcome kHeader { LineKind::Header, RejectReason::Count };
constexpr ParseOutcome kBlank { LineKind::Blank, RejectReason::Count };

inline bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}
inline bool isDigit(char c)
{
    return static_cast<unsigned char>(c - '0') < 10;
}

inline std::string_view trim(std::string_view s)
{
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b]))
        ++b;
    while (e > b && isSpace(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

inline bool isBlank(std::string_view s)
{
    for (char c : s)
        if (!isSpace(c)) return false;
    return true;
}

// ---------------------------------------------------------------------------------------------
// Line-level byte check: control bytes and UTF-8 in one pass, eight ASCII bytes at a time.

enum class ByteCheck { Ok, Binary, InvalidUtf8 };

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

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

ByteCheck checkBytes(std::string_view s)
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
            if ((c < 0x20 && c != '\t') || c == 0x7F) return ByteCheck::Binary;
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

bool validIpv4(std::string_view s)
{
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
        const std::size_t start = i;
        int v = 0;
        while (i < s.size() && isDigit(s[i]) && i - start < 3) {
            v = v * 10 + (s[i] - '0');
            ++i;
        }
        const std::size_t len = i - start;
        // Leading zeros are refused, as inet_pton does: "010" would be octal to some tools.
        if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    }
    return i == s.size();
}

bool validIp(std::string_view s)
{
    if (s.size() < 2 || s.size() > 45) // "::" .. the longest IPv6 text with an embedded IPv4
        return false;
    if (validIpv4(s)) return true;
    if (s.find(':') == std::string_view::npos) return false;
    char buf[48];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    unsigned char addr[16];
    return inet_pton(AF_INET6, buf, addr) == 1;
}

// Case-insensitive compare of an ASCII name with a header field.
bool equalsLower(std::string_view field, std::string_view lowerName)
{
    if (field.size() != lowerName.size()) return false;
    for (std::size_t i = 0; i < field.size(); ++i) {
        char c = field[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
        if (c != lowerName[i]) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Writing into the scratch buffer (sized by parse() to hold the line's unescaped values).

struct Scratch {
    char* base;
    std::size_t pos = 0;
    char* cur() { return base + pos; }
};

// The first ',' in [p, e), or e. Eight bytes at a time: the lowest flagged byte of the
// "has zero" trick is exact (only bytes above a match can be false positives).
inline const char* findComma(const char* p, const char* e)
{
    while (e - p >= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        const uint64_t x = v ^ (kOnes * ',');
        const uint64_t hit = (x - kOnes) & ~x & kHighs;
        if (hit != 0) return p + (std::countr_zero(hit) >> 3);
        p += 8;
    }
    while (p < e && *p != ',')
        ++p;
    return p;
}

// RFC 4180 fields of `line`. Unquoted fields are trimmed of spaces/tabs; a quoted field may be
// surrounded by spaces/tabs, keeps its inner bytes, and `""` stands for `"`. A quote inside an
// unquoted field is literal. Stops after `limit` fields (the caller then reports too many).
// Returns false on a quoted field that is not closed or is followed by anything but a separator.
bool splitCsv(
    std::string_view line, std::vector<std::string_view>& fields, Scratch& scratch, std::size_t limit)
{
    fields.clear();
    const char* p = line.data();
    const char* const e = p + line.size();
    for (;;) {
        if (fields.size() == limit) return true;
        while (p < e && isSpace(*p))
            ++p;
        if (p < e && *p == '"') {
            ++p;
            const char* start = p;
            while (p < e && *p != '"')
                ++p;
            if (p == e) return false;
            if (p + 1 < e && p[1] == '"') {
                // Escaped quotes: unescape into scratch.
                char* out = scratch.cur();
                char* o = out;
                std::memcpy(o, start, static_cast<std::size_t>(p - start));
                o += p - start;
                for (;;) {
                    // here *p == '"'
                    if (p + 1 < e && p[1] == '"') {
                        *o++ = '"';
                        p += 2;
                    } else {
                        break;
                    }
                    while (p < e && *p != '"')
                        *o++ = *p++;
                    if (p == e) return false;
                }
                fields.emplace_back(out, static_cast<std::size_t>(o - out));
                scratch.pos += static_cast<std::size_t>(o - out);
            } else {
                fields.emplace_back(start, static_cast<std::size_t>(p - start));
            }
            ++p; // closing quote
            while (p < e && isSpace(*p))
                ++p;
            if (p == e) return true;
            if (*p != ',') return false;
            ++p;
            continue;
        }
        const char* start = p;
        p = findComma(p, e);
        const char* end = p;
        while (end > start && isSpace(end[-1]))
            --end;
        fields.emplace_back(start, static_cast<std::size_t>(end - start));
        if (p == e) return true;
        ++p; // ','
    }
}

// ---------------------------------------------------------------------------------------------
// JSON: a strict RFC 8259 reader for one object per line, without recursion.

struct JsonReader {
    const char* p;
    const char* e;
    Scratch& scratch;

    void ws()
    {
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            ++p;
    }

    static int hexValue(char c)
    {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    bool hex4(unsigned& out)
    {
        if (e - p < 4) return false;
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hexValue(p[i]);
            if (h < 0) return false;
            v = v << 4 | static_cast<unsigned>(h);
        }
        p += 4;
        out = v;
        return true;
    }

    static char* putUtf8(char* o, unsigned cp)
    {
        if (cp < 0x80) {
            *o++ = static_cast<char>(cp);
        } else if (cp < 0x800) {
            *o++ = static_cast<char>(0xC0 | cp >> 6);
            *o++ = static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *o++ = static_cast<char>(0xE0 | cp >> 12);
            *o++ = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            *o++ = static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            *o++ = static_cast<char>(0xF0 | cp >> 18);
            *o++ = static_cast<char>(0x80 | (cp >> 12 & 0x3F));
            *o++ = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
            *o++ = static_cast<char>(0x80 | (cp & 0x3F));
        }
        return o;
    }

    //! A string value, p just past its opening quote. Without escapes `out` views the line;
    //! otherwise the unescaped text is appended to scratch. Unpaired surrogates are errors.
    bool string(std::string_view& out)
    {
        const char* start = p;
        while (p < e && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20)
            ++p;
        if (p == e) return false;
        if (*p == '"') {
            out = std::string_view(start, static_cast<std::size_t>(p - start));
            ++p;
            return true;
        }
        char* const first = scratch.cur();
        char* o = first;
        std::memcpy(o, start, static_cast<std::size_t>(p - start));
        o += p - start;
        while (p < e) {
            const char c = *p;
            if (c == '"') {
                ++p;
                out = std::string_view(first, static_cast<std::size_t>(o - first));
                scratch.pos += out.size();
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) return false; // raw tab inside a string
            if (c != '\\') {
                *o++ = c;
                ++p;
                continue;
            }
            if (++p == e) return false;
            switch (*p++) {
            case '"':
                *o++ = '"';
                break;
            case '\\':
                *o++ = '\\';
                break;
            case '/':
                *o++ = '/';
                break;
            case 'b':
                *o++ = '\b';
                break;
            case 'f':
                *o++ = '\f';
                break;
            case 'n':
                *o++ = '\n';
                break;
            case 'r':
                *o++ = '\r';
                break;
            case 't':
                *o++ = '\t';
                break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo = 0;
                    if (e - p < 2 || p[0] != '\\' || p[1] != 'u') return false;
                    p += 2;
                    if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                o = putUtf8(o, cp);
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }

    //! A number, p at its first byte; `integer` tells whether it has no fraction or exponent.
    bool number(std::string_view& text, bool& integer)
    {
        const char* start = p;
        if (p < e && *p == '-') ++p;
        if (p == e) return false;
        if (*p == '0') {
            ++p;
        } else if (*p >= '1' && *p <= '9') {
            while (p < e && isDigit(*p))
                ++p;
        } else {
            return false;
        }
        integer = true;
        if (p < e && *p == '.') {
            integer = false;
            ++p;
            if (p == e || !isDigit(*p)) return false;
            while (p < e && isDigit(*p))
                ++p;
        }
        if (p < e && (*p == 'e' || *p == 'E')) {
            integer = false;
            ++p;
            if (p < e && (*p == '+' || *p == '-')) ++p;
            if (p == e || !isDigit(*p)) return false;
            while (p < e && isDigit(*p))
                ++p;
        }
        text = std::string_view(start, static_cast<std::size_t>(p - start));
        return true;
    }

    bool literal(std::string_view word)
    {
        if (static_cast<std::size_t>(e - p) < word.size() || std::memcmp(p, word.data(), word.size()) != 0)
            return false;
        p += word.size();
        return true;
    }

    //! Validates and skips any value, iteratively (a fuzzer's deep nesting cannot blow the stack).
    bool skipValue()
    {
        uint64_t isObject[kMaxJsonDepth / 64] = {}; // one bit per open container
        int depth = 0;
        auto top = [&] { return (isObject[(depth - 1) / 64] >> ((depth - 1) % 64) & 1) != 0; };
        auto push = [&](bool obj) {
            if (depth == kMaxJsonDepth) return false;
            const uint64_t bit = uint64_t(1) << (depth % 64);
            if (obj)
                isObject[depth / 64] |= bit;
            else
                isObject[depth / 64] &= ~bit;
            ++depth;
            return true;
        };
        const std::size_t mark = scratch.pos;
        auto key = [&] {
            std::string_view ignored;
            if (p == e || *p != '"') return false;
            ++p;
            if (!string(ignored)) return false;
            scratch.pos = mark;
            ws();
            if (p == e || *p != ':') return false;
            ++p;
            return true;
        };
        for (;;) {
            // A value is expected.
            ws();
            if (p == e) return false;
            switch (*p) {
            case '{':
                ++p;
                if (!push(true)) return false;
                ws();
                if (p < e && *p == '}') {
                    ++p;
                    --depth;
                    break;
                }
                if (!key()) return false;
                continue;
            case '[':
                ++p;
                if (!push(false)) return false;
                ws();
                if (p < e && *p == ']') {
                    ++p;
                    --depth;
                    break;
                }
                continue;
            case '"': {
                ++p;
                std::string_view ignored;
                if (!string(ignored)) return false;
                scratch.pos = mark;
                break;
            }
            case 't':
                if (!literal("true")) return false;
                break;
            case 'f':
                if (!literal("false")) return false;
                break;
            case 'n':
                if (!literal("null")) return false;
                break;
            default: {
                std::string_view ignored;
                bool integer = false;
                if (!number(ignored, integer)) return false;
                break;
            }
            }
            // A value ended: close containers, or find the next element.
            for (;;) {
                if (depth == 0) return true;
                ws();
                if (p == e) return false;
                const bool obj = top();
                if (*p == ',') {
                    ++p;
                    if (obj) {
                        ws();
                        if (!key()) return false;
                    }
                    break;
                }
                if (*p == (obj ? '}' : ']')) {
                    ++p;
                    --depth;
                    continue;
                }
                return false;
            }
        }
    }
};

enum JsonKey { kAdId, kClickTimestamp, kUserId, kIp, kCountry, kClickId, kTimestamp, kKeyCount, kUnknown };

JsonKey jsonKey(std::string_view k)
{
    switch (k.size()) {
    case 2:
        return k == "ip" ? kIp : kUnknown;
    case 5:
        return k == "ad_id" ? kAdId : kUnknown;
    case 7:
        if (k == "user_id") return kUserId;
        return k == "country" ? kCountry : kUnknown;
    case 8:
        return k == "click_id" ? kClickId : kUnknown;
    case 9:
        return k == "timestamp" ? kTimestamp : kUnknown;
    case 15:
        return k == "click_timestamp" ? kClickTimestamp : kUnknown;
    default:
        return kUnknown;
    }
}

enum class JsonType : uint8_t { Absent, String, Integer, Other };

struct JsonValue {
    JsonType type = JsonType::Absent; // null counts as absent
    std::string_view text;
};

} // namespace

// ---------------------------------------------------------------------------------------------

bool parseLineFormat(std::string_view text, LineFormat& out)
{
    if (text == "auto")
        out = LineFormat::Auto;
    else if (text == "book")
        out = LineFormat::Book;
    else if (text == "csv")
        out = LineFormat::Csv;
    else if (text == "jsonl")
        out = LineFormat::Jsonl;
    else
        return false;
    return true;
}

std::string_view lineFormatName(LineFormat format)
{
    switch (format) {
    case LineFormat::Auto:
        return "auto";
    case LineFormat::Book:
        return "book";
    case LineFormat::Csv:
        return "csv";
    case LineFormat::Jsonl:
        return "jsonl";
    }
    return "unknown";
}

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
    case RejectReason::Count:
        break;
    }
    return "unknown";
}

LineParser::LineParser(LineFormat format)
    : m_format(format)
{ }

ParseOutcome LineParser::parse(std::string_view line, ClickEvent& event)
{
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLineBytes) return reject(RejectReason::LineTooLong);
    // A UTF-8 byte order mark (spreadsheet exports) is no part of the first field.
    if (line.size() >= 3 && line[0] == '\xEF' && line[1] == '\xBB' && line[2] == '\xBF')
        line.remove_prefix(3);
    switch (checkBytes(line)) {
    case ByteCheck::Binary:
        return reject(RejectReason::BinaryBytes);
    case ByteCheck::InvalidUtf8:
        return reject(RejectReason::InvalidUtf8);
    case ByteCheck::Ok:
        break;
    }
    if (isBlank(line)) return kBlank;

    // Unescaped values are never longer than their source text; upper-cased countries need 3.
    if (m_scratch.size() < line.size() + 8) m_scratch.resize(line.size() + 8);
    m_scratchPos = 0;

    if (m_format == LineFormat::Auto) {
        // Decided by the first non-blank line whose bytes are sound (binary junk decides nothing).
        const std::string_view t = trim(line);
        if (t.front() == '{')
            m_format = LineFormat::Jsonl;
        else if (classifyCsvHeader(line) >= CsvHeaderCheck::AdAndTime)
            m_format = LineFormat::Csv;
        else
            m_format = LineFormat::Book;
        m_scratchPos = 0;
    }
    switch (m_format) {
    case LineFormat::Book:
        return parseBook(line, event);
    case LineFormat::Csv:
        return parseCsv(line, event);
    case LineFormat::Jsonl:
        return parseJson(line, event);
    case LineFormat::Auto:
        break;
    }
    return reject(RejectReason::BadField); // unreachable
}

ParseOutcome LineParser::finishEvent(std::string_view adId, std::string_view time, std::string_view userId,
    std::string_view ip, std::string_view country, std::string_view clickId, ClickEvent& event,
    unsigned wrongType)
{
    // One order for every format, so a line with several faults gets the same reason anywhere.
    if ((wrongType & kWrongAdId) != 0) return reject(RejectReason::BadField);
    if (isBlank(adId)) return reject(RejectReason::EmptyAdId);
    if (!plainField(adId)) return reject(RejectReason::BadField);
    if ((wrongType & kWrongTime) != 0 || !parseTimestamp(time, event.timeMs))
        return reject(RejectReason::BadTimestamp);
    if ((wrongType & kWrongUserId) != 0) return reject(RejectReason::BadField);
    if (isBlank(userId)) return reject(RejectReason::MissingField);
    if (!plainField(userId)) return reject(RejectReason::BadField);
    if ((wrongType & kWrongIp) != 0 || !validIp(ip)) return reject(RejectReason::BadIp);
    if ((wrongType & kWrongCountry) != 0 || country.size() < 2 || country.size() > 3)
        return reject(RejectReason::BadCountry);
    bool lower = false;
    for (char c : country) {
        if (c >= 'a' && c <= 'z')
            lower = true;
        else if (c < 'A' || c > 'Z')
            return reject(RejectReason::BadCountry);
    }
    if (lower) {
        char* out = m_scratch.data() + m_scratchPos;
        for (std::size_t i = 0; i < country.size(); ++i) {
            const char c = country[i];
            out[i] = c >= 'a' ? static_cast<char>(c - ('a' - 'A')) : c;
        }
        country = std::string_view(out, country.size());
        m_scratchPos += country.size();
    }
    if ((wrongType & kWrongClickId) != 0 || !plainField(clickId)) return reject(RejectReason::BadField);
    event.adId = adId;
    event.userId = userId;
    event.ip = ip;
    event.country = country;
    event.clickId = clickId;
    return kEvent;
}

ParseOutcome LineParser::parseBook(std::string_view line, ClickEvent& event)
{
    std::string_view t = trim(line);
    if (t.starts_with(kBookPrefix)) t.remove_prefix(kBookPrefix.size());
    std::string_view f[6];
    std::size_t n = 0;
    for (;;) {
        const std::size_t comma = t.find(',');
        if (n == 6) return reject(RejectReason::TooManyFields);
        f[n++] = trim(t.substr(0, comma));
        if (comma == std::string_view::npos) break;
        t.remove_prefix(comma + 1);
    }
    if (n < 5) return reject(RejectReason::MissingField);
    return finishEvent(f[0], f[1], f[2], f[3], f[4], n == 6 ? f[5] : std::string_view(), event);
}

LineParser::CsvHeaderCheck LineParser::classifyCsvHeader(std::string_view line)
{
    Scratch scratch { m_scratch.data(), m_scratchPos };
    if (!splitCsv(line, m_fields, scratch, static_cast<std::size_t>(-1))) return CsvHeaderCheck::None;
    int ad = -1, clickTime = -1, time = -1, user = -1, ip = -1, country = -1, clickId = -1;
    int known = 0;
    auto take = [&known](int& col, int i) {
        if (col < 0) // the first column of a name wins
            col = i;
        ++known;
    };
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        const std::string_view name = m_fields[i];
        const int idx = static_cast<int>(i);
        if (equalsLower(name, "ad_id"))
            take(ad, idx);
        else if (equalsLower(name, "click_timestamp"))
            take(clickTime, idx);
        else if (equalsLower(name, "timestamp"))
            take(time, idx);
        else if (equalsLower(name, "user_id"))
            take(user, idx);
        else if (equalsLower(name, "ip"))
            take(ip, idx);
        else if (equalsLower(name, "country"))
            take(country, idx);
        else if (equalsLower(name, "click_id"))
            take(clickId, idx);
    }
    if (clickTime < 0) clickTime = time;
    if (ad >= 0 && clickTime >= 0 && user >= 0 && ip >= 0 && country >= 0) {
        m_colAdId = ad;
        m_colTime = clickTime;
        m_colUser = user;
        m_colIp = ip;
        m_colCountry = country;
        m_colClickId = clickId;
        m_colCount = static_cast<int>(m_fields.size());
        m_colRequired = 1 + std::max({ ad, clickTime, user, ip, country });
        return CsvHeaderCheck::Complete;
    }
    if (ad >= 0 && clickTime >= 0) return CsvHeaderCheck::AdAndTime;
    return known >= 2 ? CsvHeaderCheck::Partial : CsvHeaderCheck::None;
}

void LineParser::useDefaultCsvOrder()
{
    m_colAdId = 0;
    m_colTime = 1;
    m_colUser = 2;
    m_colIp = 3;
    m_colCountry = 4;
    m_colClickId = 5;
    m_colCount = 6;
    m_colRequired = 5;
}

ParseOutcome LineParser::parseCsv(std::string_view line, ClickEvent& event)
{
    if (!m_csvHeaderSeen) {
        m_csvHeaderSeen = true;
        switch (classifyCsvHeader(line)) {
        case CsvHeaderCheck::Complete:
            m_csvHeaderLine.assign(line);
            return kHeader;
        case CsvHeaderCheck::AdAndTime:
        case CsvHeaderCheck::Partial:
            // A header that names columns but lacks a required one: the row is rejected (so the
            // operator sees it) and the rows after it are read in the default column order,
            // ad_id,click_timestamp,user_id,ip,country[,click_id]. A repeat of it is rejected too.
            useDefaultCsvOrder();
            m_csvHeaderLine.assign(line);
            m_csvHeaderBad = true;
            return reject(RejectReason::BadCsvHeader);
        case CsvHeaderCheck::None:
            // Forced CSV without a header: the first row is data in the default order.
            useDefaultCsvOrder();
            m_scratchPos = 0;
            break;
        }
    } else if (line.size() == m_csvHeaderLine.size() && line == m_csvHeaderLine) {
        // The header again: files concatenated with `cat`.
        return m_csvHeaderBad ? reject(RejectReason::BadCsvHeader) : kHeader;
    }

    Scratch scratch { m_scratch.data(), m_scratchPos };
    const bool ok = splitCsv(line, m_fields, scratch, static_cast<std::size_t>(m_colCount) + 1);
    m_scratchPos = scratch.pos;
    const std::size_t n = m_fields.size();
    if (n > static_cast<std::size_t>(m_colCount)) return reject(RejectReason::TooManyFields);
    if (!ok) return reject(RejectReason::BadField); // broken quoting
    if (n < static_cast<std::size_t>(m_colRequired)) return reject(RejectReason::MissingField);
    const std::string_view clickId = m_colClickId >= 0 && static_cast<std::size_t>(m_colClickId) < n
        ? m_fields[static_cast<std::size_t>(m_colClickId)]
        : std::string_view();
    return finishEvent(m_fields[static_cast<std::size_t>(m_colAdId)],
        m_fields[static_cast<std::size_t>(m_colTime)], m_fields[static_cast<std::size_t>(m_colUser)],
        m_fields[static_cast<std::size_t>(m_colIp)], m_fields[static_cast<std::size_t>(m_colCountry)],
        clickId, event);
}

ParseOutcome LineParser::parseJson(std::string_view line, ClickEvent& event)
{
    Scratch scratch { m_scratch.data(), m_scratchPos };
    JsonReader r { line.data(), line.data() + line.size(), scratch };
    JsonValue v[kKeyCount];

    r.ws();
    if (r.p == r.e || *r.p != '{') return reject(RejectReason::BadJson);
    ++r.p;
    r.ws();
    if (r.p < r.e && *r.p == '}') {
        ++r.p;
    } else {
        for (;;) {
            if (r.p == r.e || *r.p != '"') return reject(RejectReason::BadJson);
            ++r.p;
            const std::size_t mark = scratch.pos;
            std::string_view key;
            if (!r.string(key)) return reject(RejectReason::BadJson);
            scratch.pos = mark; // an escaped key's text is not kept
            const JsonKey k = jsonKey(key);
            r.ws();
            if (r.p == r.e || *r.p != ':') return reject(RejectReason::BadJson);
            ++r.p;
            r.ws();
            if (r.p == r.e) return reject(RejectReason::BadJson);
            if (k == kUnknown) {
                if (!r.skipValue()) return reject(RejectReason::BadJson);
            } else {
                JsonValue& val = v[k]; // a duplicate key overwrites: the last one wins
                const char c = *r.p;
                if (c == '"') {
                    ++r.p;
                    if (!r.string(val.text)) return reject(RejectReason::BadJson);
                    val.type = JsonType::String;
                } else if (c == '-' || isDigit(c)) {
                    bool integer = false;
                    if (!r.number(val.text, integer)) return reject(RejectReason::BadJson);
                    val.type = integer ? JsonType::Integer : JsonType::Other;
                } else if (c == 'n') {
                    if (!r.literal("null")) return reject(RejectReason::BadJson);
                    val = JsonValue();
                } else {
                    if (!r.skipValue()) return reject(RejectReason::BadJson);
                    val = JsonValue { JsonType::Other, {} };
                }
            }
            r.ws();
            if (r.p < r.e && *r.p == ',') {
                ++r.p;
                r.ws();
                continue;
            }
            if (r.p < r.e && *r.p == '}') {
                ++r.p;
                break;
            }
            return reject(RejectReason::BadJson);
        }
    }
    r.ws();
    if (r.p != r.e) return reject(RejectReason::BadJson);
    m_scratchPos = scratch.pos;

    const JsonValue& time = v[kClickTimestamp].type != JsonType::Absent ? v[kClickTimestamp] : v[kTimestamp];
    for (const JsonValue* required :
        std::initializer_list<const JsonValue*> { &v[kAdId], &time, &v[kUserId], &v[kIp], &v[kCountry] })
        if (required->type == JsonType::Absent) return reject(RejectReason::MissingField);
    // A value of the wrong JSON type fails like a malformed value of that field.
    auto textual
        = [](const JsonValue& x) { return x.type == JsonType::String || x.type == JsonType::Integer; };
    unsigned wrong = 0;
    if (!textual(v[kAdId])) wrong |= kWrongAdId;
    if (!textual(time)) wrong |= kWrongTime;
    if (!textual(v[kUserId])) wrong |= kWrongUserId;
    if (v[kIp].type != JsonType::String) wrong |= kWrongIp;
    if (v[kCountry].type != JsonType::String) wrong |= kWrongCountry;
    if (v[kClickId].type != JsonType::Absent && !textual(v[kClickId])) wrong |= kWrongClickId;
    return finishEvent(v[kAdId].text, time.text, v[kUserId].text, v[kIp].text, v[kCountry].text,
        v[kClickId].text, event, wrong);
}

} // namespace adclick::core
