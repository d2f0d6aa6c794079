#include "core/input/line_parser.h"

#include "core/input/parse_support.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>

// The book format (comma-separated fields) and CSV (fields separated by --delimiter, ',' by
// default), one click per line.

namespace adclick::core {

using namespace parsing;

namespace {

// A header field and a --map column name, ignoring ASCII case.
bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + ('a' - 'A'));
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + ('a' - 'A'));
        if (x != y) return false;
    }
    return true;
}

// The first `sep` in [p, e), or e. Eight bytes at a time: the lowest flagged byte of the
// "has zero" trick is exact (only bytes above a match can be false positives).
inline const char* findSeparator(const char* p, const char* e, char sep)
{
    const uint64_t pattern = kOnes * static_cast<unsigned char>(sep);
    while (e - p >= 8) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        const uint64_t x = v ^ pattern;
        const uint64_t hit = (x - kOnes) & ~x & kHighs;
        if (hit != 0) return p + (std::countr_zero(hit) >> 3);
        p += 8;
    }
    while (p < e && *p != sep)
        ++p;
    return p;
}

// The blanks trimmed around a field: spaces, and tabs unless tabs separate the fields (then a
// tab next to another is an empty field, not padding).
inline bool isPad(char c, char sep)
{
    return c == ' ' || (c == '\t' && sep != '\t');
}

// RFC 4180 fields of `line`, separated by `sep`. Unquoted fields are trimmed of blanks (isPad); a
// quoted field may be surrounded by blanks, keeps its inner bytes, and `""` stands for `"`. A
// quote inside an unquoted field is literal. Stops after `limit` fields (the caller then reports
// too many). Returns false on a quoted field that is not closed or is followed by anything but a
// separator.
bool splitCsv(std::string_view line, std::vector<std::string_view>& fields, Scratch& scratch,
    std::size_t limit, char sep)
{
    fields.clear();
    const char* p = line.data();
    const char* const e = p + line.size();
    for (;;) {
        if (fields.size() == limit) return true;
        while (p < e && isPad(*p, sep))
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
            while (p < e && isPad(*p, sep))
                ++p;
            if (p == e) return true;
            if (*p != sep) return false;
            ++p;
            continue;
        }
        const char* start = p;
        p = findSeparator(p, e, sep);
        const char* end = p;
        while (end > start && isPad(end[-1], sep))
            --end;
        fields.emplace_back(start, static_cast<std::size_t>(end - start));
        if (p == e) return true;
        ++p; // the separator
    }
}

} // namespace

LineParser::RecordEnd LineParser::csvRecordEnd(std::string_view text, char sep)
{
    // The quoting rules of splitCsv: a quote opens a field only at its start, `""` inside one
    // stands for `"`, and only blanks (isPad) may stand between a closing quote and the separator.
    const char* p = text.data();
    const char* const e = p + text.size();
    for (;;) {
        while (p < e && isPad(*p, sep))
            ++p;
        if (p == e || *p != '"') {
            p = findSeparator(p, e, sep);
            if (p == e) return RecordEnd::Complete;
            ++p;
            continue;
        }
        ++p;
        for (;;) {
            const auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
            if (q == nullptr) return RecordEnd::Open;
            p = q + 1;
            if (p == e || *p != '"') break;
            ++p; // an escaped quote
        }
        while (p < e && isPad(*p, sep))
            ++p;
        if (p == e) return RecordEnd::Complete;
        if (*p != sep) return RecordEnd::Broken;
        ++p;
    }
}

ParseOutcome LineParser::parseBook(std::string_view line, ClickEvent& event)
{
    std::string_view t = trim(line);
    if (startsWithBookPrefix(t)) t.remove_prefix(kBookPrefix.size());
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
    if (!splitCsv(line, m_fields, scratch, static_cast<std::size_t>(-1), m_options.delimiter))
        return CsvHeaderCheck::None;
    std::array<int, kClickFieldCount> col;
    std::array<int, kClickFieldCount> rank;
    col.fill(-1);
    rank.fill(INT_MAX);
    int known = 0;
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        const std::string_view name = m_fields[i];
        const int idx = static_cast<int>(i);
        bool named = false;
        for (std::size_t f = 0; f < kClickFieldCount; ++f) {
            const auto& mapped = m_options.map.columns[f];
            if (!mapped || mapped->empty() || !equalsNoCase(name, *mapped)) continue;
            named = true;
            if (col[f] < 0) col[f] = idx; // the first column of a name wins
        }
        ClickField field {};
        int r = 0;
        if (!named && fieldOfName(name, field, r)) {
            named = true;
            const auto f = static_cast<std::size_t>(field);
            if (!m_options.map.columns[f] && r < rank[f]) {
                col[f] = idx;
                rank[f] = r;
            }
        }
        if (named) ++known;
    }
    bool complete = col[0] >= 0 && col[1] >= 0;
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        const auto& mapped = m_options.map.columns[f];
        if (mapped && !mapped->empty() && col[f] < 0) complete = false;
    }
    if (!complete) {
        if (known < 2) return CsvHeaderCheck::None;
        describeHeaderProblem(col.data());
        return CsvHeaderCheck::Partial;
    }
    m_col = col;
    m_colCount = static_cast<int>(m_fields.size());
    // A row must reach every column but click_id's (a row may end before an empty last column).
    m_colRequired = 1 + std::max({ col[0], col[1], col[2], col[3], col[4] });
    return CsvHeaderCheck::Complete;
}

void LineParser::describeHeaderProblem(const int* col)
{
    std::string columns;
    std::string unused; // the first column no field took: the likeliest --map suggestion
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        if (i > 0) columns += ", ";
        columns.append(m_fields[i]);
        if (unused.empty()
            && std::find(col, col + kClickFieldCount, static_cast<int>(i)) == col + kClickFieldCount)
            unused.assign(m_fields[i]);
    }
    std::string lacks, fix;
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        const auto field = static_cast<ClickField>(f);
        const auto& mapped = m_options.map.columns[f];
        const bool missing = col[f] < 0 && (isRequiredField(field) || (mapped && !mapped->empty()));
        if (!missing) continue;
        if (!lacks.empty()) lacks += " and ";
        lacks += mapped ? "column '" + *mapped + "' (--map " + std::string(clickFieldName(field)) + ")"
                        : "column for " + std::string(clickFieldName(field));
        fix += " --map " + std::string(clickFieldName(field)) + "=" + (unused.empty() ? "COLUMN" : unused);
    }
    m_headerProblem = "the CSV header has no " + lacks + "; its columns are: " + columns
        + ". Name the column that holds each field with --map FIELD=COLUMN, e.g." + fix;
}

void LineParser::useDefaultCsvOrder()
{
    for (std::size_t f = 0; f < kClickFieldCount; ++f)
        m_col[f] = static_cast<int>(f);
    m_colCount = 6;
    m_colRequired = 5;
    // A field mapped to nothing stays absent whatever the order.
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        const auto& mapped = m_options.map.columns[f];
        if (mapped && mapped->empty()) m_col[f] = -1;
    }
}

ParseOutcome LineParser::parseCsv(std::string_view line, ClickEvent& event)
{
    Scratch scratch { m_scratch.data(), m_scratchPos };
    const bool ok
        = splitCsv(line, m_fields, scratch, static_cast<std::size_t>(m_colCount) + 1, m_options.delimiter);
    m_scratchPos = scratch.pos;
    const std::size_t n = m_fields.size();
    if (n > static_cast<std::size_t>(m_colCount)) return reject(RejectReason::TooManyFields);
    if (!ok) return reject(RejectReason::BadField); // broken quoting
    if (n < static_cast<std::size_t>(m_colRequired)) return reject(RejectReason::MissingField);
    std::string_view v[kClickFieldCount];
    unsigned absent = 0;
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        const auto c = static_cast<std::size_t>(m_col[f]); // -1 → huge: absent
        if (c < n)
            v[f] = m_fields[c];
        else if (m_col[f] < 0)
            absent |= 1u << f;
    }
    return finishEvent(v[0], v[1], v[2], v[3], v[4], v[5], event, 0, absent);
}

} // namespace adclick::core
