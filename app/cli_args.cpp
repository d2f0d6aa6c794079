#include "cli_args.h"

#include <cstdio>

namespace adclick::app {

Args::Args(int argc, char** argv, int first)
{
    for (int i = first; i < argc; ++i)
        m_items.push_back({ argv[i], false });
}

std::optional<std::string> Args::value(const std::string& name)
{
    std::optional<std::string> result;
    const std::string opt = "--" + name;
    for (std::size_t i = 0; i < m_items.size(); ++i) {
        auto& item = m_items[i];
        if (item.used)
            continue;
        if (item.text == opt && i + 1 < m_items.size()) {
            item.used = true;
            m_items[i + 1].used = true;
            result = m_items[i + 1].text;
            ++i;
        } else if (item.text.rfind(opt + "=", 0) == 0) {
            item.used = true;
            result = item.text.substr(opt.size() + 1);
        }
    }
    return result;
}

std::vector<std::string> Args::values(const std::string& name)
{
    std::vector<std::string> result;
    const std::string opt = "--" + name;
    for (std::size_t i = 0; i < m_items.size(); ++i) {
        auto& item = m_items[i];
        if (item.used)
            continue;
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
        if (item.used)
            continue;
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
        if (!item.used)
            return "unknown or incomplete option '" + item.text + "'";
    return {};
}

int fail(const std::string& message, int code)
{
    std::fprintf(stderr, "adclick: %s\n", message.c_str());
    return code;
}

std::string jsonString(const std::string& s)
{
    std::string out = "\"";
    for (const unsigned char c : s) {
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
            if (c < 0x20) {
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
