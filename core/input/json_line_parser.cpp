#include "core/input/line_parser.h"

#include "core/input/parse_support.h"

#include <cstring>
#include <initializer_list>

// JSON lines: one object per line, read by a strict RFC 8259 reader without recursion.

namespace adclick::core {

using namespace parsing;

namespace {

constexpr int kMaxJsonDepth = 1024; //!< nesting deeper than this inside an unknown key is BadJson

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

} // namespace

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
            // A duplicate key overwrites: the last one wins.
            if (!(k == kUnknown ? r.skipValue() : readKnownValue(r, v[k])))
                return reject(RejectReason::BadJson);
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
