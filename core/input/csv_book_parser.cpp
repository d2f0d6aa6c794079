#include "core/input/line_parser.h"

#include "core/input/parse_support.h"

#include <algorithm>
#include <bit>
#include <cstring>

// The book format and CSV: comma-separated fields, one click per line.

namespace adclick::core {

using namespace parsing;

namespace {

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

} // namespace

LineParser::RecordEnd LineParser::csvRecordEnd(std::string_view text)
{
    // The quoting rules of splitCsv: a quote opens a field only at its start, `""` inside one
    // stands for `"`, and only spaces may stand between a closing quote and the separator.
    const char* p = text.data();
    const char* const e = p + text.size();
    for (;;) {
        while (p < e && isSpace(*p))
            ++p;
        if (p == e || *p != '"') {
            p = findComma(p, e);
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
        while (p < e && isSpace(*p))
            ++p;
        if (p == e) return RecordEnd::Complete;
        if (*p != ',') return RecordEnd::Broken;
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

} // namespace adclick::core
