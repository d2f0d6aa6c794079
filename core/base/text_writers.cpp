#include "core/base/text_writers.h"

#include <cstdint>

namespace adclick::core {

namespace {

//! Length of the well-formed UTF-8 sequence at s[i] (no overlongs, surrogates or code points
//! above U+10FFFF), or 0 when there is none.
std::size_t utf8Length(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    uint32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3f);
    }
    static constexpr uint32_t kMin[] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

void appendJsonAscii(std::string& out, unsigned char c)
{
    switch (c) {
    case '"':
        out += "\\\"";
        break;
    case '\\':
        out += "\\\\";
        break;
    case '\n':
        out += "\\n";
        break;
    case '\r':
        out += "\\r";
        break;
    case '\t':
        out += "\\t";
        break;
    default:
        if (c < 0x20 || c == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
        } else {
            out += static_cast<char>(c);
        }
    }
}

} // namespace

bool csvFormulaStart(std::string_view v)
{
    return !v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos;
}

void appendCsvField(std::string& out, std::string_view v)
{
    // A spreadsheet runs a cell that starts like a formula (`=cmd|' /C calc'!A0`): such text gets
    // a leading apostrophe (the OWASP rule), which shows the text as it is and runs nothing.
    const std::string_view guard = csvFormulaStart(v) ? "'" : "";
    if (v.find_first_of(",\"\r\n") == std::string_view::npos
        && (v.empty() || (v.front() != ' ' && v.back() != ' '))) {
        out += guard;
        out += v;
        return;
    }
    out += '"';
    out += guard;
    for (const char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string csvField(std::string_view value)
{
    std::string out;
    appendCsvField(out, value);
    return out;
}

void appendJsonString(std::string& out, std::string_view s)
{
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            appendJsonAscii(out, c);
            ++i;
            continue;
        }
        const std::size_t n = utf8Length(s, i);
        if (n == 0) {
            out += "\\ufffd";
            ++i;
        } else {
            out += s.substr(i, n);
            i += n;
        }
    }
    out += '"';
}

std::string jsonString(std::string_view value)
{
    std::string out;
    appendJsonString(out, value);
    return out;
}

} // namespace adclick::core
