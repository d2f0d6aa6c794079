#include "sim/json_reader.h"

#include <charconv>
#include <cstring>

namespace adclick::core::clickgen {

namespace {

//! A code point below U+10000 as UTF-8 (surrogates are copied as they are).
void appendUtf8(std::string& out, unsigned v)
{
    if (v < 0x80) {
        out.push_back(static_cast<char>(v));
    } else if (v < 0x800) {
        out.push_back(static_cast<char>(0xC0 | v >> 6));
        out.push_back(static_cast<char>(0x80 | (v & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | v >> 12));
        out.push_back(static_cast<char>(0x80 | (v >> 6 & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (v & 0x3F)));
    }
}

class JsonText {
public:
    explicit JsonText(std::string_view s)
        : m_s(s)
    { }
    bool document(JsonNode& out)
    {
        if (!value(out, 0)) return false;
        ws();
        return m_p == m_s.size();
    }

private:
    void ws()
    {
        while (
            m_p < m_s.size() && (m_s[m_p] == ' ' || m_s[m_p] == '\n' || m_s[m_p] == '\r' || m_s[m_p] == '\t'))
            ++m_p;
    }
    bool eat(char c)
    {
        ws();
        if (m_p < m_s.size() && m_s[m_p] == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    bool string(std::string& out);
    //! The escape after a backslash.
    bool escape(std::string& out);
    bool value(JsonNode& out, int depth);
    bool object(JsonNode& out, int depth);
    bool array(JsonNode& out, int depth);
    bool scalar(JsonNode& out);

    std::string_view m_s;
    std::size_t m_p = 0;
};

bool JsonText::string(std::string& out)
{
    if (!eat('"')) return false;
    out.clear();
    while (m_p < m_s.size()) {
        const char c = m_s[m_p++];
        if (c == '"') return true;
        if (c != '\\') {
            out.push_back(c);
            continue;
        }
        if (m_p >= m_s.size() || !escape(out)) return false;
    }
    return false;
}

bool JsonText::escape(std::string& out)
{
    const char esc = m_s[m_p++];
    switch (esc) {
    case 'n':
        out.push_back('\n');
        break;
    case 't':
        out.push_back('\t');
        break;
    case 'r':
        out.push_back('\r');
        break;
    case 'b':
        out.push_back('\b');
        break;
    case 'f':
        out.push_back('\f');
        break;
    case 'u': {
        if (m_p + 4 > m_s.size()) return false;
        unsigned v = 0;
        if (std::from_chars(m_s.data() + m_p, m_s.data() + m_p + 4, v, 16).ptr != m_s.data() + m_p + 4)
            return false;
        m_p += 4;
        appendUtf8(out, v);
        break;
    }
    default:
        out.push_back(esc);
    }
    return true;
}

bool JsonText::value(JsonNode& out, int depth)
{
    if (depth > 32) return false;
    ws();
    if (m_p >= m_s.size()) return false;
    const char c = m_s[m_p];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
        out.type = JsonNode::String;
        return string(out.text);
    }
    return scalar(out);
}

bool JsonText::object(JsonNode& out, int depth)
{
    ++m_p;
    out.type = JsonNode::Object;
    if (eat('}')) return true;
    do {
        std::string key;
        JsonNode v;
        if (!string(key) || !eat(':') || !value(v, depth + 1)) return false;
        out.keys.push_back(std::move(key));
        out.values.push_back(std::move(v));
    } while (eat(','));
    return eat('}');
}

bool JsonText::array(JsonNode& out, int depth)
{
    ++m_p;
    out.type = JsonNode::Array;
    if (eat(']')) return true;
    do {
        JsonNode v;
        if (!value(v, depth + 1)) return false;
        out.items.push_back(std::move(v));
    } while (eat(','));
    return eat(']');
}

//! A literal, or a number kept as its text.
bool JsonText::scalar(JsonNode& out)
{
    for (std::string_view lit : { "true", "false", "null" }) {
        if (m_s.substr(m_p, lit.size()) == lit) {
            m_p += lit.size();
            out.type = lit == "null" ? JsonNode::Null : JsonNode::Bool;
            out.text = lit;
            return true;
        }
    }
    const std::size_t start = m_p;
    while (m_p < m_s.size() && std::strchr("+-0123456789.eE", m_s[m_p]) && m_s[m_p] != '\0')
        ++m_p;
    if (m_p == start) return false;
    out.type = JsonNode::Number;
    out.text = m_s.substr(start, m_p - start);
    return true;
}

} // namespace

bool parseJson(std::string_view text, JsonNode& out)
{
    return JsonText(text).document(out);
}

} // namespace adclick::core::clickgen
