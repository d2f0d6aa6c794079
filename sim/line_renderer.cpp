#include "sim/line_renderer.h"

#include "core/input/line_splitter.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace adclick::core::clickgen {

namespace {

constexpr std::size_t kTooLongPad = 70'000; //!< > kMaxLineBytes
static_assert(kTooLongPad > kMaxLineBytes);

constexpr std::string_view kJsonExtraKeys[] = { "ua", "session", "referrer", "campaign", "meta" };
constexpr std::string_view kJsonExtraValues[] = {
    R"j("Mozilla/5.0 (X11; Linux x86_64)")j",
    "12345",
    "-4.5e3",
    "true",
    "false",
    "null",
    R"({"a":[1,2,{"b":null}],"c":"d"})",
    "[]",
    R"("caf\u00e9 \"quoted\" \\ \/")",
    "\"\xE6\x9D\xB1\xE4\xBA\xAC\"", // 東京
    R"("\ud83d\ude00")",
};
constexpr std::string_view kCsvExtraNames[] = { "campaign", "referrer", "session", "note" };
constexpr std::string_view kCsvExtraValues[] = {
    "spring",
    "",
    R"("spring, sale")",
    R"("say ""hi""")",
    "caf\xC3\xA9",
    "\xE6\x9D\xB1\xE4\xBA\xAC",
    "a b c",
};

//! The canonical CSV column / JSON key of a field (kExtraField has none: its name is drawn).
std::string_view canonicalName(Field f)
{
    static constexpr std::string_view kNames[kFieldCount]
        = { "ad_id", "click_timestamp", "user_id", "ip", "country", "click_id", "" };
    return kNames[f];
}

//! Whitespace before/after a separator: canonical unless the event has a spacing seed.
void appendSpace(std::string& o, uint64_t bits)
{
    static constexpr std::string_view kSpaces[] = { "", " ", "  ", "\t", " \t" };
    o += kSpaces[bits % std::size(kSpaces)];
}

} // namespace

RejectReason reasonOf(Defect d)
{
    switch (d) {
    case Defect::MissingField:
        return RejectReason::MissingField;
    case Defect::BadTimestamp:
        return RejectReason::BadTimestamp;
    case Defect::BadIp:
        return RejectReason::BadIp;
    case Defect::EmptyAdId:
        return RejectReason::EmptyAdId;
    case Defect::BadCountry:
        return RejectReason::BadCountry;
    case Defect::BinaryBytes:
        return RejectReason::BinaryBytes;
    case Defect::InvalidUtf8:
        return RejectReason::InvalidUtf8;
    case Defect::BadJson:
        return RejectReason::BadJson;
    case Defect::TooLong:
        return RejectReason::LineTooLong;
    case Defect::None:
        break;
    }
    return RejectReason::Count;
}

LineRenderer::LineRenderer(
    const GenOptions& o, const std::vector<std::string>& countries, uint64_t clickSalt, Rng& rng)
    : m_format(o.format)
    , m_countries(countries)
    , m_clickSalt(clickSalt)
{
    for (uint64_t n = o.ads > 0 ? o.ads - 1 : 0; n >= 10; n /= 10)
        ++m_adDigits;
    m_adDigits = std::max(m_adDigits, 6);
    drawCsvLayout(rng);
}

void LineRenderer::drawCsvLayout(Rng& rng)
{
    std::array<Field, kFieldCount> cols { kAd, kTime, kUser, kIp, kCountry, kClick, kExtraField };
    for (std::size_t i = cols.size() - 1; i > 0; --i)
        std::swap(cols[i], cols[rng.below(i + 1)]);
    m_csvCols = cols;
    m_csvMissingCount = 0;
    for (std::size_t i = 0; i < cols.size(); ++i)
        if (cols[i] != kClick && cols[i] != kExtraField)
            m_csvMissingCount = i; // fields before the last required column
    m_csvTimeName = rng.below(4) == 0 ? "timestamp" : "click_timestamp";
    m_csvExtraName = kCsvExtraNames[rng.below(std::size(kCsvExtraNames))];
    m_csvUpperHeader = rng.below(5) == 0;
}

void LineRenderer::appendCsvHeader(std::string& o) const
{
    for (std::size_t c = 0; c < m_csvCols.size(); ++c) {
        if (c) o.push_back(',');
        const Field f = m_csvCols[c];
        std::string name(f == kTime ? m_csvTimeName : f == kExtraField ? m_csvExtraName : canonicalName(f));
        if (m_csvUpperHeader)
            for (char& ch : name)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        o += name;
    }
}

void LineRenderer::appendIp(const Ip& ip, std::string& o) const
{
    if (ip.kind == 0) {
        appendUint(o, ip.v4 >> 24);
        o.push_back('.');
        appendUint(o, (ip.v4 >> 16) & 255);
        o.push_back('.');
        appendUint(o, (ip.v4 >> 8) & 255);
        o.push_back('.');
        appendUint(o, ip.v4 & 255);
        return;
    }
    o.append(ip.kind == 1 ? "2001:db8" : "2001:db8:");
    for (int k = 0; k < (ip.kind == 1 ? 6 : 4); ++k) {
        o.push_back(':');
        appendHexGroup(o, ip.g[k]);
    }
}

void LineRenderer::appendText(Field f, const Event& e, Defect d, uint32_t dv, std::string& o, bool json)
{
    switch (f) {
    case kAd:
        if (d != Defect::EmptyAdId) {
            o += "ad";
            appendPadded(o, e.ad, m_adDigits);
        }
        return;
    case kTime:
        if (d == Defect::BadTimestamp)
            o += "2021-13-45 99:00:00";
        else if (e.tsForm >= 2)
            appendUint(o, static_cast<uint64_t>(e.timeMs));
        else
            m_time.append(o, e.timeMs, e.tsForm == 1 ? 'T' : ' ', e.tsForm == 1);
        return;
    case kUser:
        if (d == Defect::BinaryBytes) {
            o += "us";
            o.push_back((dv & 1) ? '\x01' : '\0');
            o += "er";
        } else if (json && d == Defect::None && (e.flags & kEscapeUser)) {
            o += "\\u0075ser";
        } else {
            o += "user";
        }
        if (d == Defect::InvalidUtf8) o.push_back('\xFF');
        appendUint(o, e.user);
        if (d == Defect::TooLong) o.append(kTooLongPad, 'x');
        return;
    case kIp:
        if (d == Defect::BadIp)
            o += "999.1.1.1";
        else
            appendIp(e.ip, o);
        return;
    case kCountry:
        if (d == Defect::BadCountry) {
            o += "U5";
        } else if (e.flags & kLowerCountry) {
            for (char c : m_countries[e.country])
                o.push_back(static_cast<char>(c - 'A' + 'a'));
        } else {
            o += m_countries[e.country];
        }
        return;
    case kClick:
        o.push_back('c');
        appendHex(o, mix64(m_clickSalt + e.clickSeq), 16);
        return;
    default:
        return;
    }
}

void LineRenderer::render(const Event& e, Defect d, uint32_t dv, std::string& o)
{
    switch (m_format) {
    case LineFormat::Book:
        renderBook(e, d, dv, o);
        break;
    case LineFormat::Jsonl:
        renderJson(e, d, dv, o);
        break;
    default:
        renderCsv(e, d, dv, o);
    }
}

void LineRenderer::renderBook(const Event& e, Defect d, uint32_t dv, std::string& o)
{
    o += "[AdClickEvent]";
    uint64_t sp = e.spacing ? mix64(e.spacing) : 0;
    o += sp ? ((sp & 1) ? "  " : " ") : " ";
    sp >>= 1;
    // Missing field: the country (and the click id) dropped: four fields.
    const int n = d == Defect::MissingField ? 4 : (e.clickSeq ? 6 : 5);
    static constexpr Field kOrder[] = { kAd, kTime, kUser, kIp, kCountry, kClick };
    for (int k = 0; k < n; ++k) {
        if (k) {
            if (sp) {
                appendSpace(o, (sp & 7) < 5 ? 0 : 1);
                o.push_back(',');
                appendSpace(o, (sp >> 3) & 7);
                sp >>= 6;
            } else {
                o += ", ";
            }
        }
        appendText(kOrder[k], e, d, dv, o);
    }
    if (e.spacing) {
        const uint64_t tail = mix64(e.spacing + 1);
        appendSpace(o, tail & 7);
        if (tail & 8) o.push_back('\r');
    }
}

void LineRenderer::renderCsv(const Event& e, Defect d, uint32_t dv, std::string& o)
{
    const std::size_t n = d == Defect::MissingField ? m_csvMissingCount : m_csvCols.size();
    const std::size_t quoted = (e.flags & kQuote) ? e.variant % m_csvCols.size() : m_csvCols.size();
    uint64_t sp = e.spacing ? mix64(e.spacing) : 0;
    for (std::size_t c = 0; c < n; ++c) {
        if (c) o.push_back(',');
        if (sp) appendSpace(o, sp & 3);
        const Field f = m_csvCols[c];
        if (f == kExtraField) {
            o += kCsvExtraValues[(e.variant >> 8) % std::size(kCsvExtraValues)];
        } else if (f == kClick && !e.clickSeq) {
            if (c == quoted) o += "\"\"";
        } else {
            if (c == quoted) o.push_back('"');
            appendText(f, e, d, dv, o);
            if (c == quoted) o.push_back('"');
        }
        if (sp) {
            appendSpace(o, (sp >> 2) & 3);
            sp = (sp >> 4) | (uint64_t(1) << 60);
        }
    }
    if (e.spacing && (mix64(e.spacing + 1) & 1)) o.push_back('\r');
}

void LineRenderer::renderJson(const Event& e, Defect d, uint32_t dv, std::string& o)
{
    std::array<Field, kFieldCount> keys {};
    std::size_t n = 0;
    for (Field f : { kAd, kTime, kUser, kIp, kCountry })
        keys[n++] = f;
    if (e.clickSeq) keys[n++] = kClick;
    if (e.flags & kExtra) keys[n++] = kExtraField;
    if (e.flags & kShuffleKeys) {
        uint64_t bits = mix64(e.variant);
        for (std::size_t i = n - 1; i > 0; --i, bits >>= 4)
            std::swap(keys[i], keys[(bits & 15) % (i + 1)]);
    }
    // Only ad_id and the time are required (a line without user_id, ip or country is a click
    // with those fields absent, docs/semantics.md): a missing-field defect drops one of them.
    static constexpr Field kRequired[] = { kAd, kTime };
    const Field dropped = d == Defect::MissingField ? kRequired[dv % 2] : kFieldCount;
    const bool spaces = e.flags & kJsonSpaces;
    o.push_back('{');
    bool first = true;
    for (std::size_t k = 0; k < n; ++k) {
        const Field f = keys[k];
        if (f == dropped) continue;
        if (!first) o += spaces ? ", " : ",";
        first = false;
        o.push_back('"');
        if (f == kTime)
            o += (e.flags & kAltTimeKey) ? "timestamp" : "click_timestamp";
        else if (f == kExtraField)
            o += kJsonExtraKeys[(e.variant >> 4) % std::size(kJsonExtraKeys)];
        else
            o += canonicalName(f);
        o += spaces ? "\": " : "\":";
        if (f == kExtraField) {
            o += kJsonExtraValues[(e.variant >> 8) % std::size(kJsonExtraValues)];
        } else if (f == kTime && e.tsForm == 2 && d != Defect::BadTimestamp) {
            appendText(f, e, d, dv, o, true); // a JSON number
        } else {
            o.push_back('"');
            appendText(f, e, d, dv, o, true);
            o.push_back('"');
        }
    }
    if (d != Defect::BadJson) o.push_back('}');
}

} // namespace adclick::core::clickgen
