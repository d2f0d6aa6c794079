#include "core/input/sniff_guess.h"

#include "core/base/time_format.h"

#include <algorithm>
#include <map>
#include <optional>

namespace adclick::core {

namespace {

struct Token {
    enum class Kind : uint8_t { Num, Word, Sep };
    Kind kind;
    std::string_view text;
};

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::vector<Token> tokens(std::string_view s)
{
    std::vector<Token> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t j = i + 1;
        Token::Kind kind = Token::Kind::Sep;
        if (isDigit(s[i])) {
            kind = Token::Kind::Num;
            while (j < s.size() && isDigit(s[j]))
                ++j;
        } else if (isLetter(s[i])) {
            kind = Token::Kind::Word;
            while (j < s.size() && isLetter(s[j]))
                ++j;
        } else if (s[i] == ' ') {
            while (j < s.size() && s[j] == ' ')
                ++j;
        }
        out.push_back({ kind, s.substr(i, j - i) });
        i = j;
    }
    return out;
}

std::string lowered(std::string_view w)
{
    std::string out(w);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool isName(std::string_view word, std::initializer_list<std::string_view> names)
{
    const std::string w = lowered(word);
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) {
        return w == n.substr(0, 3) || w == n || (n == "september" && w == "sept");
    });
}

bool isMonth(std::string_view w)
{
    return isName(w,
        { "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december" });
}

bool isWeekday(std::string_view w)
{
    return isName(w, { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" });
}

//! The directives of the date's numbers, one list per reading (two: day-first, month-first).
std::vector<std::vector<std::string>> dateOrders(
    const std::vector<Token>& t, const std::vector<std::size_t>& nums, bool monthWord)
{
    const auto len = [&](std::size_t k) { return t[nums[k]].text.size(); };
    const auto year = [&](std::size_t k) { return std::string(len(k) == 4 ? "%Y" : "%y"); };
    if (monthWord && nums.size() == 2) {
        if (len(0) == 4) return { { "%Y", "%d" } };
        if (len(0) <= 2 && (len(1) == 4 || len(1) == 2)) return { { "%d", year(1) } };
        return {};
    }
    if (monthWord || nums.size() != 3) return {};
    if (len(0) == 4 && len(1) <= 2 && len(2) <= 2) return { { "%Y", "%m", "%d" } };
    if (len(0) <= 2 && len(1) <= 2 && (len(2) == 4 || len(2) == 2))
        return { { "%d", "%m", year(2) }, { "%m", "%d", year(2) } };
    return {};
}

//! Sets the directives of the time of day from token `at` (hh ':' mm ...) and of what follows
//! (AM/PM, a zone); false for anything else.
bool timeDirectives(const std::vector<Token>& t, std::size_t at, std::vector<std::string>& repl)
{
    const auto is = [&](std::size_t i, std::string_view text) { return i < t.size() && t[i].text == text; };
    const auto num = [&](std::size_t i) { return i < t.size() && t[i].kind == Token::Kind::Num; };
    std::size_t i = at;
    std::size_t hour = i;
    repl[i] = "%H";
    if (!num(i + 2)) return false;
    repl[i + 2] = "%M";
    i += 3;
    if (is(i, ":") && num(i + 1)) {
        repl[i + 1] = "%S";
        i += 2;
        if ((is(i, ".") || is(i, ",")) && num(i + 1)) {
            repl[i + 1] = "%f";
            i += 2;
        }
    }
    for (; i < t.size(); ++i) {
        const Token& k = t[i];
        if (k.kind == Token::Kind::Sep && k.text.front() == ' ') {
            repl[i] = " ";
        } else if (k.kind == Token::Kind::Word && isName(k.text, { "am", "pm" }) && k.text.size() == 2) {
            repl[i] = "%p";
            repl[hour] = "%I";
        } else if (k.kind == Token::Kind::Word && isName(k.text, { "utc", "gmt" }) && k.text.size() == 3) {
            repl[i] = "%Z";
        } else if (k.kind == Token::Kind::Word && (k.text == "Z" || k.text == "z")) {
            repl[i] = "%z";
        } else if ((k.text == "+" || k.text == "-") && num(i + 1)) {
            repl[i] = "%z";
            repl[++i] = "";
            if (is(i + 1, ":") && num(i + 2)) {
                repl[i + 1] = repl[i + 2] = "";
                i += 2;
            }
        } else {
            return false;
        }
    }
    return true;
}

//! The candidate patterns of one text: none, one, or a day-first and a month-first one.
std::vector<std::string> candidates(std::string_view text)
{
    const std::vector<Token> t = tokens(text);
    std::vector<std::string> repl;
    for (const Token& k : t)
        repl.push_back(k.text == "%"                                  ? "%%"
                : k.kind == Token::Kind::Sep && k.text.front() == ' ' ? " "
                                                                      : std::string(k.text));
    std::size_t timeAt = t.size();
    for (std::size_t i = 0; i + 1 < t.size(); ++i)
        if (t[i].kind == Token::Kind::Num && t[i + 1].text == ":") {
            timeAt = i;
            break;
        }
    std::vector<std::size_t> nums;
    bool monthWord = false;
    for (std::size_t i = 0; i < timeAt; ++i) {
        const Token& k = t[i];
        if (k.kind == Token::Kind::Num) {
            nums.push_back(i);
        } else if (k.kind == Token::Kind::Word) {
            if (isMonth(k.text) && !monthWord) {
                monthWord = true;
                repl[i] = "%b";
            } else if (isWeekday(k.text)) {
                repl[i] = "%a";
            } else if (!(k.text == "T" && i + 1 == timeAt)) {
                return {};
            }
        } else if (k.text.front() != ' ' && k.text.find_first_of("/.-,") == std::string_view::npos) {
            return {};
        }
    }
    if (timeAt < t.size() && !timeDirectives(t, timeAt, repl)) return {};
    std::vector<std::string> out;
    for (const std::vector<std::string>& order : dateOrders(t, nums, monthWord)) {
        std::vector<std::string> r = repl;
        for (std::size_t k = 0; k < nums.size(); ++k)
            r[nums[k]] = order[k];
        std::string pattern;
        for (const std::string& piece : r)
            pattern += piece;
        out.push_back(std::move(pattern));
    }
    return out;
}

bool readsAll(const std::string& pattern, const std::vector<std::string>& texts)
{
    TimeFormat format;
    std::string error;
    if (!TimeFormat::make(pattern, "UTC", format, error)) return false;
    int64_t ms = 0;
    return std::all_of(texts.begin(), texts.end(), [&](const std::string& s) { return format.parse(s, ms); });
}

} // namespace

TimePatternGuess guessTimePattern(const std::vector<std::string>& texts)
{
    TimePatternGuess out;
    for (const std::string& text : texts) {
        const std::vector<std::string> c = candidates(text);
        if (c.empty()) continue;
        for (const std::string& p : c)
            if (readsAll(p, texts)) out.patterns.push_back(p);
        break; // the first text with a known shape decides the candidates
    }
    return out;
}

namespace {

//! A JSON reader just good enough to list member names: p moves past what it read.
struct KeyScanner {
    std::string_view s;
    std::size_t p = 0;
    std::vector<std::string>& keys;

    void skipSpace()
    {
        while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' || s[p] == '\n'))
            ++p;
    }
    //! A string at p (its opening quote): its text, escapes kept as the escaped byte.
    std::optional<std::string> string()
    {
        if (p >= s.size() || s[p] != '"') return std::nullopt;
        std::string out;
        for (++p; p < s.size(); ++p) {
            if (s[p] == '"') {
                ++p;
                return out;
            }
            if (s[p] == '\\' && p + 1 < s.size()) ++p;
            out += s[p];
        }
        return std::nullopt;
    }
    //! Skips a value that is not an object (a string, number, literal or array).
    bool skipValue()
    {
        if (p < s.size() && s[p] == '"') return string().has_value();
        int depth = 0;
        for (; p < s.size(); ++p) {
            const char c = s[p];
            if (c == '"') {
                if (!string()) return false;
                --p;
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                if (depth == 0) return true;
                if (--depth == 0 && c == ']') {
                    ++p;
                    return true;
                }
            } else if (c == ',' && depth == 0) {
                return true;
            }
        }
        return true;
    }
    //! The members of an object whose '{' is at p.
    bool object(const std::string& prefix, int depth)
    {
        if (depth > 8) return false;
        ++p;
        for (;;) {
            skipSpace();
            if (p < s.size() && s[p] == '}') {
                ++p;
                return true;
            }
            auto key = string();
            skipSpace();
            if (!key || p >= s.size() || s[p++] != ':') return false;
            skipSpace();
            const std::string path = prefix + *key;
            if (p < s.size() && s[p] == '{') {
                if (!object(path + ".", depth + 1)) return false;
            } else {
                if (std::find(keys.begin(), keys.end(), path) == keys.end()) keys.push_back(path);
                if (!skipValue()) return false;
            }
            skipSpace();
            if (p < s.size() && s[p] == ',') {
                ++p;
                continue;
            }
            if (p < s.size() && s[p] == '}') {
                ++p;
                return true;
            }
            return false;
        }
    }
};

} // namespace

void addJsonKeyPaths(std::string_view line, std::vector<std::string>& keys)
{
    KeyScanner scan { line, 0, keys };
    scan.skipSpace();
    if (scan.p < line.size() && line[scan.p] == '{') scan.object({}, 0);
}

namespace {

//! How often `d` stands in `row` outside double quotes (a quoted field may hold it).
std::size_t countOutsideQuotes(std::string_view row, char d)
{
    std::size_t n = 0;
    bool quoted = false;
    for (const char c : row) {
        if (c == '"')
            quoted = !quoted; // "" inside a quoted field toggles twice
        else if (c == d && !quoted)
            ++n;
    }
    return n;
}

} // namespace

char guessDelimiter(const std::vector<std::string>& rows)
{
    char best = ',';
    std::size_t bestCount = 0;
    for (const char d : { ',', '\t', ';', '|' }) {
        std::map<std::size_t, std::size_t> perCount; // occurrences in a row → rows
        for (const std::string& row : rows) {
            const std::size_t n = countOutsideQuotes(row, d);
            if (n > 0) ++perCount[n];
        }
        if (perCount.empty()) continue;
        const auto mode = std::max_element(
            perCount.begin(), perCount.end(), [](auto& a, auto& b) { return a.second < b.second; });
        if (mode->second * 10 < rows.size() * 8) continue; // not a column separator of most rows
        if (mode->first > bestCount) {
            best = d;
            bestCount = mode->first;
        }
    }
    return best;
}

} // namespace adclick::core
