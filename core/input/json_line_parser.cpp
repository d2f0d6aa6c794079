#include "core/input/line_parser.h"

#include "core/input/parse_support.h"

#include <climits>
#include <cstring>
#include <string>

// JSON lines: one object per line, read by a strict RFC 8259 reader without recursion.

namespace adclick::core {

using namespace parsing;

namespace {

constexpr int kMaxJsonDepth = 1024; //!< nesting deeper than this inside an unknown key is BadJson

} // namespace

namespace json_detail {

struct Reader {
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
        OpenContainers open;
        const std::size_t mark = scratch.pos; // skipped strings leave nothing in scratch
        for (;;) {
            // A value is expected.
            ws();
            if (p == e) return false;
            bool valueEnded = true;
            switch (*p) {
            case '{':
                if (!enterContainer(open, true, mark, valueEnded)) return false;
                break;
            case '[':
                if (!enterContainer(open, false, mark, valueEnded)) return false;
                break;
            default:
                if (!skipScalar(mark)) return false;
            }
            if (!valueEnded) continue;
            switch (afterValue(open, mark)) {
            case AfterValue::Error:
                return false;
            case AfterValue::Done:
                return true;
            case AfterValue::NextElement:
                break;
            }
        }
    }

private:
    //! The containers open while a value is skipped: one bit per level, set for an object.
    class OpenContainers {
    public:
        bool empty() const { return m_depth == 0; }
        bool topIsObject() const { return (m_isObject[(m_depth - 1) / 64] >> ((m_depth - 1) % 64) & 1) != 0; }
        //! False when nesting deeper than kMaxJsonDepth.
        bool push(bool object)
        {
            if (m_depth == kMaxJsonDepth) return false;
            const uint64_t bit = uint64_t(1) << (m_depth % 64);
            if (object)
                m_isObject[m_depth / 64] |= bit;
            else
                m_isObject[m_depth / 64] &= ~bit;
            ++m_depth;
            return true;
        }
        void pop() { --m_depth; }

    private:
        uint64_t m_isObject[kMaxJsonDepth / 64] = {};
        int m_depth = 0;
    };

    enum class AfterValue { Error, Done, NextElement };

    //! A string whose text is not kept, p just past its opening quote.
    bool skipString(std::size_t mark)
    {
        std::string_view ignored;
        if (!string(ignored)) return false;
        scratch.pos = mark;
        return true;
    }

    //! An object key and its ':', p at the key's opening quote.
    bool skipKey(std::size_t mark)
    {
        if (p == e || *p != '"') return false;
        ++p;
        if (!skipString(mark)) return false;
        ws();
        if (p == e || *p != ':') return false;
        ++p;
        return true;
    }

    //! A string, literal or number, p at its first byte.
    bool skipScalar(std::size_t mark)
    {
        switch (*p) {
        case '"':
            ++p;
            return skipString(mark);
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default: {
            std::string_view ignored;
            bool integer = false;
            return number(ignored, integer);
        }
        }
    }

    //! p at '{' (`object`) or '['. An empty container is a whole value (`valueEnded`); otherwise
    //! it stays open and its first element is expected next (after an object's first key). The
    //! caller passes `object` as a constant so each case compiles to its own straight path.
    bool enterContainer(OpenContainers& open, bool object, std::size_t mark, bool& valueEnded)
    {
        ++p;
        if (!open.push(object)) return false;
        ws();
        valueEnded = p < e && *p == (object ? '}' : ']');
        if (valueEnded) {
            ++p;
            open.pop();
            return true;
        }
        return !object || skipKey(mark);
    }

    //! A value ended: closes the containers it completes, or steps over the ',' (and the key in
    //! an object) before the next element.
    AfterValue afterValue(OpenContainers& open, std::size_t mark)
    {
        for (;;) {
            if (open.empty()) return AfterValue::Done;
            ws();
            if (p == e) return AfterValue::Error;
            const bool object = open.topIsObject();
            if (*p == ',') {
                ++p;
                if (object) {
                    ws();
                    if (!skipKey(mark)) return AfterValue::Error;
                }
                return AfterValue::NextElement;
            }
            if (*p != (object ? '}' : ']')) return AfterValue::Error;
            ++p;
            open.pop();
        }
    }
};

} // namespace json_detail

namespace {

using JsonReader = json_detail::Reader;

enum class JsonType : uint8_t { Absent, String, Integer, Other };

struct JsonValue {
    JsonType type = JsonType::Absent; // null counts as absent
    std::string_view text;
};

//! The value of a key the parser knows, r.p at its first byte (null makes the key absent again).
bool readKnownValue(JsonReader& r, JsonValue& val)
{
    const char c = *r.p;
    if (c == '"') {
        ++r.p;
        if (!r.string(val.text)) return false;
        val.type = JsonType::String;
    } else if (c == '-' || isDigit(c)) {
        bool integer = false;
        if (!r.number(val.text, integer)) return false;
        val.type = integer ? JsonType::Integer : JsonType::Other;
    } else if (c == 'n') {
        if (!r.literal("null")) return false;
        val = JsonValue();
    } else {
        if (!r.skipValue()) return false;
        val = JsonValue { JsonType::Other, {} };
    }
    return true;
}

constexpr int kMaxMapDepth = 16; //!< deepest object a dotted --map path is followed into

//! The field whose --map names the JSON key `path` exactly.
bool mappedKey(const ColumnMap& map, std::string_view path, ClickField& field)
{
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        if (map.columns[f] && *map.columns[f] == path) {
            field = static_cast<ClickField>(f);
            return !path.empty();
        }
    }
    return false;
}

//! Does some --map path lead through the object at `path` ("ad" for "ad.id")?
bool leadsToMapped(const ColumnMap& map, std::string_view path)
{
    for (const auto& c : map.columns)
        if (c && c->size() > path.size() && c->starts_with(path) && (*c)[path.size()] == '.') return true;
    return false;
}

} // namespace

namespace json_detail {

//! The value read for each field, and the rank of the key it came from (fieldOfName; -1 for a
//! --map key): a better-ranked key wins, the same key again overwrites (the last one wins).
struct Fields {
    JsonValue v[kClickFieldCount];
    int rank[kClickFieldCount] = { INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX };

    void take(ClickField field, int r, const JsonValue& value)
    {
        const auto f = static_cast<std::size_t>(field);
        if (value.type == JsonType::Absent) {
            // null clears what the same key set; it does not hide another key's value.
            if (r == rank[f]) {
                v[f] = JsonValue();
                rank[f] = INT_MAX;
            }
        } else if (r <= rank[f]) {
            v[f] = value;
            rank[f] = r;
        }
    }
};

} // namespace json_detail

bool LineParser::jsonField(std::string_view path, ClickField& field, int& rank) const
{
    if (m_hasMap && mappedKey(m_options.map, path, field)) {
        rank = -1;
        return true;
    }
    if (!fieldOfName(path, field, rank)) return false;
    return !m_hasMap || !m_options.map[field]; // a mapped field is read from its mapped key only
}

bool LineParser::readJsonObject(
    json_detail::Reader& r, json_detail::Fields& out, std::string_view path, int depth)
{
    r.ws();
    if (r.p < r.e && *r.p == '}') {
        ++r.p;
        return true;
    }
    char pathBuf[256];
    for (;;) {
        if (r.p == r.e || *r.p != '"') return false;
        ++r.p;
        const std::size_t mark = r.scratch.pos;
        std::string_view key;
        if (!r.string(key)) return false;
        r.scratch.pos = mark; // an escaped key's text is not kept (it is used before the next string)
        // Below the top level a key is known by its dotted path ("ad.id"), for --map only. With
        // such a map the path is kept in pathBuf (a key may sit in scratch, which is reused).
        std::string_view full = key;
        if (m_nestedMap) {
            const std::size_t len = path.size() + (path.empty() ? 0 : 1) + key.size();
            if (len > sizeof pathBuf) {
                full = {};
            } else {
                std::memcpy(pathBuf, path.data(), path.size());
                if (!path.empty()) pathBuf[path.size()] = '.';
                std::memcpy(pathBuf + len - key.size(), key.data(), key.size());
                full = std::string_view(pathBuf, len);
            }
        }
        ClickField field {};
        int rank = -1;
        const bool known = !full.empty()
            && (path.empty() ? jsonField(full, field, rank) : mappedKey(m_options.map, full, field));
        r.ws();
        if (r.p == r.e || *r.p != ':') return false;
        ++r.p;
        r.ws();
        if (r.p == r.e) return false;
        if (known) {
            JsonValue value;
            if (!readKnownValue(r, value)) return false;
            out.take(field, path.empty() ? rank : -1, value);
        } else if (*r.p == '{' && m_nestedMap && !full.empty() && depth < kMaxMapDepth
            && leadsToMapped(m_options.map, full)) {
            ++r.p; // the members write their paths into their own pathBuf: `full` stays put
            if (!readJsonObject(r, out, full, depth + 1)) return false;
        } else if (!r.skipValue()) {
            return false;
        }
        r.ws();
        if (r.p < r.e && *r.p == ',') {
            ++r.p;
            r.ws();
            continue;
        }
        if (r.p < r.e && *r.p == '}') {
            ++r.p;
            return true;
        }
        return false;
    }
}

ParseOutcome LineParser::parseJson(std::string_view line, ClickEvent& event)
{
    Scratch scratch { m_scratch.data(), m_scratchPos };
    JsonReader r { line.data(), line.data() + line.size(), scratch };
    json_detail::Fields fields;

    r.ws();
    if (r.p == r.e || *r.p != '{') return reject(RejectReason::BadJson);
    ++r.p;
    if (!readJsonObject(r, fields, {}, 0)) return reject(RejectReason::BadJson);
    r.ws();
    if (r.p != r.e) return reject(RejectReason::BadJson);
    m_scratchPos = scratch.pos;

    const JsonValue* v = fields.v;
    if (v[0].type == JsonType::Absent || v[1].type == JsonType::Absent)
        return reject(RejectReason::MissingField);
    // A value of the wrong JSON type fails like a malformed value of that field.
    auto textual
        = [](const JsonValue& x) { return x.type == JsonType::String || x.type == JsonType::Integer; };
    unsigned wrong = 0, absent = 0;
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        const auto field = static_cast<ClickField>(f);
        const auto& mapped = m_options.map.columns[f];
        if (v[f].type == JsonType::Absent || (mapped && mapped->empty())) {
            absent |= bit(field);
            continue;
        }
        const bool stringOnly = field == ClickField::Ip || field == ClickField::Country;
        if (stringOnly ? v[f].type != JsonType::String : !textual(v[f])) wrong |= bit(field);
    }
    auto text = [&](ClickField f) {
        return (absent & bit(f)) != 0 ? std::string_view() : v[static_cast<std::size_t>(f)].text;
    };
    return finishEvent(text(ClickField::AdId), text(ClickField::ClickTimestamp), text(ClickField::UserId),
        text(ClickField::Ip), text(ClickField::Country), text(ClickField::ClickId), event, wrong, absent);
}

} // namespace adclick::core
