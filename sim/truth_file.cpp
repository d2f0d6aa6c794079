// The truth files: PREFIX.truth.json (counters and settings) and PREFIX.truth.csv (panes).
#include "sim/click_generator.h"

#include "core/base/text_writers.h"
#include "sim/json_reader.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace adclick::core {

namespace {

using clickgen::JsonNode;

constexpr std::string_view kCounterOrder[]
    = { "lines", "accepted", "duplicates", "late", "late_applied", "rejected" };
constexpr std::string_view kCsvHeader = "minute,ad_id,country,clicks,late";

bool isJsonNumber(std::string_view s)
{
    if (s.empty()) return false;
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return false;
    // JSON: no leading '+', no leading zeros, digits around the '.'.
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    if (s[i] == '0' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) return false;
    const std::size_t dot = s.find('.');
    return dot == std::string_view::npos
        || (dot + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[dot + 1])));
}

std::string countersBody(const ClickTruth& t, std::string_view indent, std::string_view nl)
{
    std::string o;
    for (std::string_view name : kCounterOrder) {
        o += indent;
        o += jsonString(name);
        o += ":";
        o += std::to_string(t.counter(name));
        o += ",";
        o += nl;
    }
    o += indent;
    o += "\"rejected_by_reason\":{";
    bool first = true;
    for (const auto& [name, n] : t.rejectedByReason) {
        o += first ? "" : ",";
        first = false;
        o += jsonString(name) + ":" + std::to_string(n);
    }
    o += "},";
    o += nl;
    o += indent;
    o += "\"max_event_ms\":";
    const auto it = t.counters.find("max_event_ms");
    o += it == t.counters.end() ? "null" : std::to_string(it->second);
    return o;
}

Status writeWhole(const std::string& path, const std::string& text)
{
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Status::error("cannot write " + path + ": " + std::strerror(errno));
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const int err = errno;
    if (std::fclose(f) != 0 || !ok)
        return Status::error("cannot write " + path + ": " + std::strerror(ok ? errno : err));
    return {};
}

Result<std::string> readWhole(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Result<std::string>::error("cannot read " + path + ": " + std::strerror(errno));
    std::string text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
    const bool bad = std::ferror(f);
    std::fclose(f);
    if (bad) return Result<std::string>::error("cannot read " + path);
    return text;
}

bool parseInt(std::string_view s, int64_t& out)
{
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

std::string truthJsonText(const ClickTruth& t)
{
    std::string json = "{\n" + countersBody(t, "  ", "\n") + ",\n  \"settings\":{";
    bool first = true;
    for (const auto& [key, value] : t.settings) {
        json += first ? "\n    " : ",\n    ";
        first = false;
        json += jsonString(key) + ":" + (isJsonNumber(value) ? value : jsonString(value));
    }
    json += "\n  }\n}\n";
    return json;
}

std::string truthCsvText(const ClickTruth& t)
{
    std::string csv(kCsvHeader);
    csv += '\n';
    for (const auto& [key, cell] : t.panes) {
        const auto& [minute, ad, country] = key;
        csv += std::to_string(minute);
        csv += ',';
        csv += ad;
        csv += ',';
        csv += country;
        csv += ',';
        csv += std::to_string(cell.first);
        csv += ',';
        csv += std::to_string(cell.second);
        csv += '\n';
    }
    return csv;
}

//! rejected_by_reason or settings (an object) into `t`.
Status readTruthObject(const std::string& path, const std::string& key, const JsonNode& v, ClickTruth& t)
{
    if (v.type != JsonNode::Object) return Status::error(path + ": " + key + " is not an object");
    for (std::size_t j = 0; j < v.keys.size(); ++j) {
        const std::string& k2 = v.keys[j];
        const JsonNode& v2 = v.values[j];
        if (key == "settings") {
            t.settings[k2] = v2.text;
            continue;
        }
        int64_t n = 0;
        if (v2.type != JsonNode::Number || !parseInt(v2.text, n))
            return Status::error(path + ": rejected_by_reason." + k2 + " is not an integer");
        t.rejectedByReason[k2] = n;
    }
    return {};
}

//! The counters, rejects by reason and settings of PREFIX.truth.json.
Status readTruthJson(const std::string& path, ClickTruth& t)
{
    auto json = readWhole(path);
    if (!json) return json.status();
    JsonNode root;
    if (!clickgen::parseJson(*json, root) || root.type != JsonNode::Object)
        return Status::error(path + ": not a JSON object");
    for (std::size_t i = 0; i < root.keys.size(); ++i) {
        const std::string& key = root.keys[i];
        const JsonNode& v = root.values[i];
        if (key == "rejected_by_reason" || key == "settings") {
            if (Status s = readTruthObject(path, key, v, t); !s) return s;
            continue;
        }
        if (v.type == JsonNode::Null) continue; // max_event_ms of a log without events
        int64_t n = 0;
        if (v.type != JsonNode::Number || !parseInt(v.text, n))
            return Status::error(path + ": " + key + " is not an integer");
        t.counters[key] = n;
    }
    for (std::string_view name : kCounterOrder)
        if (!t.counters.count(std::string(name)))
            return Status::error(path + ": no \"" + std::string(name) + "\"");
    return {};
}

//! Row `lineNo` of PREFIX.truth.csv into t.panes.
Status readPaneRow(const std::string& path, int64_t lineNo, std::string_view line, ClickTruth& t)
{
    std::string_view f[5];
    std::size_t n = 0;
    for (;;) {
        const std::size_t comma = line.find(',');
        if (n == 5) return Status::error(path + ":" + std::to_string(lineNo) + ": too many fields");
        f[n++] = line.substr(0, comma);
        if (comma == std::string_view::npos) break;
        line.remove_prefix(comma + 1);
    }
    int64_t minute = 0, clicks = 0, late = 0;
    if (n != 5 || !parseInt(f[0], minute) || !parseInt(f[3], clicks) || !parseInt(f[4], late))
        return Status::error(path + ":" + std::to_string(lineNo) + ": malformed row");
    t.panes[{ minute, std::string(f[1]), std::string(f[2]) }] = { clicks, late };
    return {};
}

//! The panes of PREFIX.truth.csv.
Status readTruthCsv(const std::string& path, ClickTruth& t)
{
    auto csv = readWhole(path);
    if (!csv) return csv.status();
    std::string_view rest = *csv;
    bool header = true;
    int64_t lineNo = 0;
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        ++lineNo;
        if (header) {
            if (line != kCsvHeader) return Status::error(path + ": unexpected header");
            header = false;
            continue;
        }
        if (line.empty()) continue;
        if (Status s = readPaneRow(path, lineNo, line, t); !s) return s;
    }
    if (header) return Status::error(path + ": empty file");
    return {};
}

} // namespace

std::string truthCountersJson(const ClickTruth& truth)
{
    return "{" + countersBody(truth, "", "") + "}";
}

Status writeTruthFiles(const ClickTruth& t, const std::string& prefix)
{
    if (Status s = writeWhole(prefix + ".truth.json", truthJsonText(t)); !s) return s;
    return writeWhole(prefix + ".truth.csv", truthCsvText(t));
}

Result<ClickTruth> loadTruth(const std::string& prefix)
{
    ClickTruth t;
    if (Status s = readTruthJson(prefix + ".truth.json", t); !s) return s;
    if (Status s = readTruthCsv(prefix + ".truth.csv", t); !s) return s;
    return t;
}

} // namespace adclick::core
