#include "cli_args.h"

#include <cstdint>
#include <cstdio>

namespace adclick::app {

Args::Args(int argc, char** argv, int first)
{
    for (int i = first; i < argc; ++i)
        m_items.push_back({ argv[i], false });
}

std::optional<std::string> Args::value(const std::string& name)
{
    auto all = values(name);
    if (all.empty()) return std::nullopt;
    return all.back();
}

std::vector<std::string> Args::values(const std::string& name)
{
    std::vector<std::string> result;
    const std::string opt = "--" + name;
    for (std::size_t i = 0; i < m_items.size(); ++i) {
        auto& item = m_items[i];
        if (item.used) continue;
        if (item.text == opt && i + 1 < m_items.size()) {
            item.used = true;
            m_items[i + 1].used = true;
            result.push_back(m_items[i + 1].text);
            ++i;
        } else if (item.text.rfind(opt + "=", 0) == 0) {
            item.used = true;
            result.push_back(item.text.substr(opt.size() + 1));
        }
    }
    return result;
}

bool Args::flag(const std::string& name)
{
    bool found = false;
    for (auto& item : m_items) {
        if (!item.used && item.text == "--" + name) {
            item.used = true;
            found = true;
        }
    }
    return found;
}

std::vector<std::string> Args::positionals()
{
    std::vector<std::string> result;
    for (auto& item : m_items) {
        if (item.used) continue;
        if (item.text == "-" || item.text.rfind("--", 0) != 0) {
            item.used = true;
            result.push_back(item.text);
        }
    }
    return result;
}

std::string Args::finish()
{
    for (const auto& item : m_items)
        if (!item.used) return "unknown or incomplete option '" + item.text + "'";
    return {};
}

std::optional<std::vector<std::pair<std::string, std::string>>> kafkaProperties(
    Args& args, std::string& error)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& kv : args.values("kafka-prop")) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
            error = "--kafka-prop needs KEY=VALUE, not '" + kv + "'";
            return std::nullopt;
        }
        out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return out;
}

int fail(const std::string& message, int code)
{
    std::fprintf(stderr, "adclick: %s\n", message.c_str());
    return code;
}

namespace {
//! Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
std::size_t utf8Length(const std::string& s, std::size_t i)
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
} // namespace

std::string jsonString(const std::string& s)
{
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Rejected lines may hold invalid UTF-8: show U+FFFD so the JSON stays valid.
            const std::size_t n = utf8Length(s, i);
            out += n ? s.substr(i, n) : "\\ufffd";
            i += n ? n : 1;
            continue;
        }
        ++i;
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
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
    return out;
}

} // namespace adclick::app
