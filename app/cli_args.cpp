#include "cli_args.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

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

bool printHelp(Args& args, std::string_view text)
{
    if (!args.flag("help")) return false;
    std::fwrite(text.data(), 1, text.size(), stdout);
    return true;
}

int rejectUnknown(Args& args, const std::string& command)
{
    const std::string rest = args.finish();
    if (rest.empty()) return 0;
    return fail(rest + " (see adclick " + command + " --help)", 2);
}

std::optional<int64_t> parseDurationMs(const std::string& text)
{
    int64_t v = 0;
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || v < 0) return std::nullopt;
    const std::string unit(p, end);
    int64_t unitMs = 0;
    if (unit.empty() || unit == "s")
        unitMs = 1000;
    else if (unit == "ms")
        unitMs = 1;
    else if (unit == "m")
        unitMs = 60'000;
    else if (unit == "h")
        unitMs = 3'600'000;
    else if (unit == "d")
        unitMs = 86'400'000;
    else
        return std::nullopt;
    // At most kMaxDurationMs: a larger value is a typo, and would overflow the engine's
    // arithmetic on event times (W - lateness - horizon) instead of being refused.
    if (v > kMaxDurationMs / unitMs) return std::nullopt;
    return v * unitMs;
}

bool durationOption(Args& args, const std::string& name, std::optional<int64_t>& out)
{
    const auto v = args.value(name);
    if (!v) return true;
    out = parseDurationMs(*v);
    if (out) return true;
    fail("--" + name + " needs a duration such as 60, 5m, 1h or 3d (at most 10 years), not '" + *v + "'", 2);
    return false;
}

bool timeFormatOptions(Args& args, core::TimeFormat& out)
{
    const auto format = args.value("time-format");
    const auto zone = args.value("time-zone");
    if (!format && !zone) return true;
    std::string error;
    core::TimeZone checked;
    if (zone && !core::TimeZone::load(*zone, checked, error)) {
        fail("--time-zone: " + error, 2);
        return false;
    }
    if (core::TimeFormat::make(format.value_or("auto"), zone.value_or("UTC"), out, error)) return true;
    fail("--time-format: " + error, 2);
    return false;
}

std::optional<int64_t> parseWholeNumber(const std::string& text, int64_t min, int64_t max)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    int64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || v < min || v > max) return std::nullopt;
    return v;
}

std::optional<double> parseDecimal(const std::string& text, double min, double max)
{
    const auto dot = text.find('.');
    const std::string whole = text.substr(0, dot);
    const std::string fraction = dot == std::string::npos ? "0" : text.substr(dot + 1);
    const auto digitsOnly = [](const std::string& s) {
        return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!digitsOnly(whole) || !digitsOnly(fraction)) return std::nullopt;
    const double v = std::strtod(text.c_str(), nullptr);
    if (!(v >= min && v <= max)) return std::nullopt; // also false for nan
    return v;
}

namespace {

std::string numberText(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

} // namespace

bool integerOption(Args& args, const std::string& name, int64_t min, int64_t max, std::optional<int64_t>& out)
{
    const auto v = args.value(name);
    if (!v) return true;
    out = parseWholeNumber(*v, min, max);
    if (out) return true;
    fail("--" + name + " needs a whole number from " + std::to_string(min) + " to " + std::to_string(max)
            + ", not '" + *v + "'",
        2);
    return false;
}

bool decimalOption(Args& args, const std::string& name, double min, double max, std::optional<double>& out)
{
    const auto v = args.value(name);
    if (!v) return true;
    out = parseDecimal(*v, min, max);
    if (out) return true;
    fail("--" + name + " needs a number from " + numberText(min) + " to " + numberText(max) + ", not '" + *v
            + "'",
        2);
    return false;
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
        const std::string key = kv.substr(0, eq);
        if (key == "bootstrap.servers" || key == "metadata.broker.list") {
            error = "--kafka-prop " + key
                + " is not taken: give the brokers in the address (kafka://host:port,host:port/topic, "
                  "or produce --brokers), so that one list is used and named in every message";
            return std::nullopt;
        }
        out.emplace_back(key, kv.substr(eq + 1));
    }
    return out;
}

int fail(const std::string& message, int code)
{
    std::fprintf(stderr, "adclick: %s\n", message.c_str());
    return code;
}

bool columnMapOption(Args& args, core::ColumnMap& map)
{
    for (const std::string& spec : args.values("map")) {
        std::string error;
        if (!core::addColumnMapping(spec, map, error)) {
            fail(error, 2);
            return false;
        }
    }
    return true;
}

int parserOptions(Args& args, core::ParserOptions& out)
{
    if (auto f = args.value("format"); f && !core::parseLineFormat(*f, out.format))
        return fail("--format must be auto, book, csv or jsonl, not '" + *f + "'", 2);
    if (!columnMapOption(args, out.map) || !timeFormatOptions(args, out.time)) return 2;
    const auto d = args.value("delimiter");
    if (!d) return 0;
    if (!core::parseDelimiter(*d, out.delimiter))
        return fail("--delimiter must be ',', ';', '|' or tab, not '" + *d + "'", 2);
    if (out.delimiter != ',' && !core::takesDelimiter(out.format))
        return fail("--delimiter " + core::delimiterName(out.delimiter)
                + " reads CSV; it does not go with --format " + std::string(core::lineFormatName(out.format)),
            2);
    return 0;
}

} // namespace adclick::app
