#include "core/pipeline/filter_expr.h"

#include "core/base/ip_address.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <cstring>

namespace adclick::core {

namespace {

bool parseIpv4(std::string_view s, uint8_t out[4])
{
    int part = 0;
    std::size_t i = 0;
    while (part < 4) {
        unsigned v = 0;
        std::size_t digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4) {
            v = v * 10 + unsigned(s[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || digits > 3 || v > 255) return false;
        out[part++] = static_cast<uint8_t>(v);
        if (part < 4) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
    }
    return i == s.size();
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

//! Characters that end an unquoted value (and so force quotes in canonical text).
bool endsBareValue(char c)
{
    return isSpace(c) || c == ',' || c == '(' || c == ')' || c == '\'' || c == '"';
}

void appendValue(std::string& out, std::string_view v)
{
    const bool bare = !v.empty() && std::none_of(v.begin(), v.end(), endsBareValue);
    if (bare) {
        out.append(v);
        return;
    }
    out.push_back('"');
    for (const char c : v) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

class Parser {
public:
    explicit Parser(std::string_view text)
        : m_text(text)
    { }

    //! False on an error (see error()).
    bool parse(std::vector<FilterCondition>& conds, std::vector<std::string>& refs)
    {
        skipSpace();
        if (atEnd()) return true;
        for (;;) {
            if (!term(conds, refs)) return false;
            skipSpace();
            if (atEnd()) return true;
            const std::size_t at = m_pos;
            const std::string_view word = readWord();
            if (!equalsNoCase(word, "and"))
                return setError(at, "expected 'and' or the end of the filter, found " + found(at));
            skipSpace();
            if (atEnd()) return setError(m_pos, "expected a condition after 'and'");
        }
    }
    const std::string& error() const { return m_error; }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    void skipSpace()
    {
        while (!atEnd() && isSpace(m_text[m_pos]))
            ++m_pos;
    }
    std::string_view readWord()
    {
        const std::size_t start = m_pos;
        while (!atEnd()) {
            const char c = m_text[m_pos];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) break;
            ++m_pos;
        }
        return m_text.substr(start, m_pos - start);
    }
    //! Quoted description of what starts at `at`, for messages.
    std::string found(std::size_t at) const
    {
        if (at >= m_text.size()) return "the end";
        std::size_t end = at;
        while (end < m_text.size() && end - at < 20 && !isSpace(m_text[end]))
            ++end;
        if (end == at) end = at + 1;
        return "'" + std::string(m_text.substr(at, end - at)) + "'";
    }
    bool setError(std::size_t at, const std::string& what)
    {
        m_error = "filter: " + what + " at column " + std::to_string(at + 1);
        return false;
    }

    //! A bare or quoted value; `quoted` tells which.
    bool value(std::string& out, std::size_t& at, const char* after)
    {
        skipSpace();
        at = m_pos;
        out.clear();
        if (atEnd()) return setError(m_pos, std::string("expected a value after ") + after);
        const char q = m_text[m_pos];
        if (q == '\'' || q == '"') {
            ++m_pos;
            for (;;) {
                if (atEnd()) return setError(at, "unterminated quoted value");
                const char c = m_text[m_pos++];
                if (c == q) {
                    if (!atEnd() && m_text[m_pos] == q) {
                        out.push_back(q);
                        ++m_pos;
                        continue;
                    }
                    return true;
                }
                out.push_back(c);
            }
        }
        while (!atEnd() && !endsBareValue(m_text[m_pos]))
            out.push_back(m_text[m_pos++]);
        if (out.empty())
            return setError(at, std::string("expected a value after ") + after + ", found " + found(at));
        return true;
    }

    bool checkValue(FilterCondition& c, std::string& v, std::size_t at)
    {
        switch (c.field) {
        case FilterField::Country:
            if (v.empty() || v.size() > 3 || !std::all_of(v.begin(), v.end(), [](char ch) {
                    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
                }))
                return setError(at, "a country is 1 to 3 letters, not '" + v + "'");
            for (char& ch : v)
                if (ch >= 'a' && ch <= 'z') ch = char(ch - 'a' + 'A');
            break;
        case FilterField::Ip: {
            const auto net = IpNet::parse(v);
            if (!net)
                return setError(
                    at, "'" + v + "' is not an IPv4/IPv6 address or CIDR network (like 10.1.0.0/16)");
            v = net->text();
            c.nets.push_back(*net);
            break;
        }
        case FilterField::UserId:
            for (const char ch : v)
                if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f)
                    return setError(at, "a user_id cannot hold control characters");
            break;
        }
        c.values.push_back(v);
        return true;
    }

    bool term(std::vector<FilterCondition>& conds, std::vector<std::string>& refs)
    {
        const std::size_t start = m_pos;
        if (m_text[m_pos] == '@') {
            ++m_pos;
            std::string name;
            std::size_t at = 0;
            if (atEnd() || isSpace(m_text[m_pos]))
                return setError(m_pos, "expected a saved filter name after '@'");
            if (!value(name, at, "'@'")) return false;
            if (name.empty()) return setError(at, "a saved filter name cannot be empty");
            refs.push_back(std::move(name));
            return true;
        }
        const std::string_view word = readWord();
        FilterCondition c;
        if (equalsNoCase(word, "country"))
            c.field = FilterField::Country;
        else if (equalsNoCase(word, "user_id"))
            c.field = FilterField::UserId;
        else if (equalsNoCase(word, "ip"))
            c.field = FilterField::Ip;
        else
            return setError(start, "expected country, user_id, ip or @name, found " + found(start));
        const std::string fieldName(filterFieldName(c.field));
        skipSpace();
        const std::size_t opAt = m_pos;
        bool list = false;
        if (!atEnd() && m_text[m_pos] == '=') {
            ++m_pos;
        } else if (m_text.substr(m_pos, 2) == "!=") {
            m_pos += 2;
            c.negated = true;
        } else {
            const std::string_view op = readWord();
            if (equalsNoCase(op, "in")) {
                list = true;
            } else if (equalsNoCase(op, "not")) {
                skipSpace();
                if (!equalsNoCase(readWord(), "in"))
                    return setError(opAt, "expected 'not in' after '" + fieldName + "'");
                list = true;
                c.negated = true;
            } else {
                return setError(opAt,
                    "expected '=', '!=', 'in' or 'not in' after '" + fieldName + "', found " + found(opAt));
            }
        }
        std::string v;
        std::size_t at = 0;
        if (!list) {
            const std::string after = c.negated ? "'!='" : "'='";
            if (!value(v, at, after.c_str()) || !checkValue(c, v, at)) return false;
        } else {
            skipSpace();
            if (atEnd() || m_text[m_pos] != '(')
                return setError(m_pos, "expected '(' to start the list, found " + found(m_pos));
            ++m_pos;
            for (;;) {
                if (!value(v, at, "'(' or ','") || !checkValue(c, v, at)) return false;
                skipSpace();
                if (!atEnd() && m_text[m_pos] == ',') {
                    ++m_pos;
                    continue;
                }
                if (!atEnd() && m_text[m_pos] == ')') {
                    ++m_pos;
                    break;
                }
                return setError(m_pos, "expected ',' or ')' in the list, found " + found(m_pos));
            }
        }
        conds.push_back(std::move(c));
        return true;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_error;
};

} // namespace

uint8_t parseIpAddress(std::string_view text, uint8_t out[16])
{
    // A filter also takes dotted parts with leading zeros; IPv6 is read as events read it.
    if (text.find(':') == std::string_view::npos) return parseIpv4(text, out) ? 4 : 0;
    return ipAddressBytes(text, out);
}

std::optional<IpNet> IpNet::parse(std::string_view text)
{
    IpNet net;
    std::string_view addr = text;
    int prefix = -1;
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        addr = text.substr(0, slash);
        const std::string_view p = text.substr(slash + 1);
        if (p.empty() || p.size() > 3) return std::nullopt;
        prefix = 0;
        for (const char c : p) {
            if (c < '0' || c > '9') return std::nullopt;
            prefix = prefix * 10 + (c - '0');
        }
    }
    uint8_t bytes[16] = {};
    const bool mapped = addr.find(':') != std::string_view::npos;
    net.length = parseIpAddress(addr, bytes);
    if (net.length == 0) return std::nullopt;
    const int maxPrefix = net.length * 8;
    if (net.length == 4 && mapped && prefix >= 0) {
        // ::ffff:a.b.c.d/p counts its prefix over 128 bits; as IPv4 it covers p - 96 bits.
        if (prefix < 96) return std::nullopt;
        prefix -= 96;
    }
    if (prefix > maxPrefix) return std::nullopt;
    net.prefix = static_cast<uint8_t>(prefix < 0 ? maxPrefix : prefix);
    std::memcpy(net.bytes.data(), bytes, net.length);
    // Clear host bits so equal networks have one representation.
    for (int bit = net.prefix; bit < maxPrefix; ++bit)
        net.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
    return net;
}

std::string IpNet::text() const
{
    char buf[kMaxCanonicalIpBytes];
    std::string out(buf, formatIpAddress(bytes.data(), length, buf)); // the events' spelling
    if (prefix != length * 8) out += "/" + std::to_string(prefix);
    return out;
}

bool IpNet::contains(const uint8_t* addr, uint8_t addrLength) const
{
    if (addrLength != length) return false;
    const int full = prefix / 8;
    if (std::memcmp(addr, bytes.data(), static_cast<std::size_t>(full)) != 0) return false;
    const int rest = prefix % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<uint8_t>(0xff00u >> rest);
    return (addr[full] & mask) == bytes[static_cast<std::size_t>(full)];
}

std::string_view filterFieldName(FilterField field)
{
    switch (field) {
    case FilterField::Country:
        return "country";
    case FilterField::UserId:
        return "user_id";
    case FilterField::Ip:
        return "ip";
    }
    return "?";
}

void Filter::normalize()
{
    for (FilterCondition& c : m_conditions) {
        if (c.field == FilterField::Ip) {
            std::vector<std::pair<std::string, IpNet>> pairs;
            for (std::size_t i = 0; i < c.values.size(); ++i)
                pairs.emplace_back(c.values[i], c.nets[i]);
            std::sort(
                pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            pairs.erase(std::unique(pairs.begin(), pairs.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                pairs.end());
            c.values.clear();
            c.nets.clear();
            for (auto& [text, net] : pairs) {
                c.values.push_back(std::move(text));
                c.nets.push_back(net);
            }
        } else {
            std::sort(c.values.begin(), c.values.end());
            c.values.erase(std::unique(c.values.begin(), c.values.end()), c.values.end());
        }
    }
    std::sort(
        m_conditions.begin(), m_conditions.end(), [](const FilterCondition& a, const FilterCondition& b) {
            if (a.field != b.field) return a.field < b.field;
            if (a.negated != b.negated) return !a.negated;
            return a.values < b.values;
        });
    m_conditions.erase(std::unique(m_conditions.begin(), m_conditions.end()), m_conditions.end());
    std::sort(m_refs.begin(), m_refs.end());
    m_refs.erase(std::unique(m_refs.begin(), m_refs.end()), m_refs.end());
    m_hasIp = std::any_of(m_conditions.begin(), m_conditions.end(),
        [](const FilterCondition& c) { return c.field == FilterField::Ip; });
}

std::string Filter::canonical() const
{
    std::string out;
    auto sep = [&out] {
        if (!out.empty()) out += " and ";
    };
    for (const std::string& r : m_refs) {
        sep();
        out += '@';
        appendValue(out, r);
    }
    for (const FilterCondition& c : m_conditions) {
        sep();
        out += filterFieldName(c.field);
        if (c.values.size() == 1) {
            out += c.negated ? "!=" : "=";
            appendValue(out, c.values.front());
            continue;
        }
        out += c.negated ? " not in (" : " in (";
        for (std::size_t i = 0; i < c.values.size(); ++i) {
            if (i) out += ',';
            appendValue(out, c.values[i]);
        }
        out += ')';
    }
    return out;
}

bool Filter::matches(std::string_view country, std::string_view userId, std::string_view ip) const
{
    if (!m_refs.empty()) return false;
    uint8_t addr[16];
    uint8_t addrLength = 0;
    if (m_hasIp) addrLength = parseIpAddress(ip, addr);
    for (const FilterCondition& c : m_conditions) {
        // A field the source has not (stored empty) matches no condition, negated or not
        // (docs/semantics.md, "Columns and absent fields").
        const std::string_view value
            = c.field == FilterField::Country ? country : (c.field == FilterField::UserId ? userId : ip);
        if (value.empty()) return false;
        bool in = false;
        switch (c.field) {
        case FilterField::Country:
            in = std::binary_search(c.values.begin(), c.values.end(), country, std::less<>());
            break;
        case FilterField::UserId:
            in = std::binary_search(c.values.begin(), c.values.end(), userId, std::less<>());
            break;
        case FilterField::Ip:
            for (const IpNet& net : c.nets) {
                if (net.contains(addr, addrLength)) {
                    in = true;
                    break;
                }
            }
            break;
        }
        if (in == c.negated) return false;
    }
    return true;
}

bool Filter::countryOnly() const
{
    return m_refs.empty()
        && std::all_of(m_conditions.begin(), m_conditions.end(),
            [](const FilterCondition& c) { return c.field == FilterField::Country; });
}

bool Filter::hasCountryCondition() const
{
    return std::any_of(m_conditions.begin(), m_conditions.end(),
        [](const FilterCondition& c) { return c.field == FilterField::Country; });
}

std::string Filter::countrySql(std::string_view column) const
{
    std::string out;
    for (const FilterCondition& c : m_conditions) {
        if (c.field != FilterField::Country) continue;
        if (!out.empty()) out += " AND ";
        if (c.negated) { // an absent (empty) country matches nothing, NOT IN neither
            out.append(column);
            out += " <> '' AND ";
        }
        out.append(column);
        out += c.negated ? " NOT IN (" : " IN (";
        for (std::size_t i = 0; i < c.values.size(); ++i) {
            if (i) out += ',';
            out += '\'';
            for (const char ch : c.values[i]) {
                if (ch == '\'') out += '\'';
                out += ch;
            }
            out += '\'';
        }
        out += ')';
    }
    return out;
}

void Filter::addAll(const Filter& other)
{
    m_conditions.insert(m_conditions.end(), other.m_conditions.begin(), other.m_conditions.end());
    m_refs.insert(m_refs.end(), other.m_refs.begin(), other.m_refs.end());
    normalize();
}

bool Filter::includes(const Filter& part) const
{
    for (const FilterCondition& c : part.m_conditions)
        if (std::find(m_conditions.begin(), m_conditions.end(), c) == m_conditions.end()) return false;
    for (const std::string& r : part.m_refs)
        if (!std::binary_search(m_refs.begin(), m_refs.end(), r)) return false;
    return true;
}

Filter Filter::without(const Filter& part) const
{
    Filter out;
    for (const FilterCondition& c : m_conditions)
        if (std::find(part.m_conditions.begin(), part.m_conditions.end(), c) == part.m_conditions.end())
            out.m_conditions.push_back(c);
    out.m_refs = m_refs;
    out.normalize();
    return out;
}

Result<Filter> parseFilter(std::string_view text)
{
    Filter f;
    Parser p(text);
    if (!p.parse(f.m_conditions, f.m_refs)) return Result<Filter>::error(StatusCode::BadFilter, p.error());
    f.normalize();
    return f;
}

Result<Filter> resolveFilter(
    const Filter& filter, const std::function<std::optional<std::string>(const std::string& name)>& lookup)
{
    Filter out;
    std::vector<std::string> stack; // names being resolved, to find cycles
    std::function<Status(const Filter&)> add = [&](const Filter& f) -> Status {
        for (const std::string& name : f.m_refs) {
            if (std::find(stack.begin(), stack.end(), name) != stack.end())
                return Status::error(
                    StatusCode::BadFilter, "filter: saved filter '" + name + "' refers to itself");
            const auto expr = lookup(name);
            if (!expr)
                return Status::error(
                    StatusCode::BadFilter, "filter: there is no saved filter named '" + name + "'");
            const auto parsed = parseFilter(*expr);
            if (!parsed)
                return Status::error(
                    StatusCode::BadFilter, "saved filter '" + name + "': " + parsed.message());
            stack.push_back(name);
            if (auto st = add(*parsed); !st) return st;
            stack.pop_back();
        }
        out.m_conditions.insert(out.m_conditions.end(), f.m_conditions.begin(), f.m_conditions.end());
        return Status::ok();
    };
    if (auto st = add(filter); !st) return Result<Filter>(st);
    out.normalize();
    return out;
}

} // namespace adclick::core
