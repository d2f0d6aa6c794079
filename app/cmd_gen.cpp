// adclick gen: synthetic click logs with their exact ground truth (core/click_generator.h).
#include "cli_args.h"
#include "commands.h"

#include "sim/click_generator.h"
#include "core/base/timestamp.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>

namespace adclick::app {

namespace {

const char* kGenUsage = R"(usage: adclick gen --out FILE [options]

Writes a synthetic click log and, beside it, the exact ground truth it implies under
docs/semantics.md (computed by an independent model, checked line by line against what each
line was generated to be):
  PREFIX.truth.json  counters: lines, accepted, duplicates, late, late_applied, rejected,
                     rejected_by_reason, max_event_ms, and the settings below
  PREFIX.truth.csv   minute,ad_id,country,clicks,late — one row per (epoch minute, ad, country)
Prints a JSON summary of the counters.

options:
  --out FILE            the log; - for stdout (then --truth PREFIX or --no-truth is needed)
  --events N            counted lines to write (default 100000): lines = accepted + duplicates
                        + late + rejected = N exactly; blank lines (~0.1%) and the CSV header
                        come on top
  --format F            book | csv | jsonl (default csv)
  --seed N              (default 1); the same options and seed give the same bytes
  --ads N               distinct ad ids ad000000.. (default 1000)
  --countries N|LIST    the first N of a fixed list, or a comma list of 2-3 letter codes
                        (default: 20 codes, US,KR,JP,DE,GB,FR,IN,BR,...)
  --users N             distinct user ids (default 100000)
  --zipf S              Zipf exponent of ad, country and user popularity (default 1.1; 0 = uniform)
  --start T             event time of the first click (default 2021-01-01T00:00:00Z)
  --rate R              on-time clicks per second of event time (default 1000)
  --disorder-ms D       on-time events arrive up to D ms out of order (default 20000, at most the lateness)
  --dup-rate F          fraction of lines repeating a recent accepted event (default 0.02)
  --late-rate F         fraction of lines with events far behind the watermark (default 0.005)
  --malformed-rate F    fraction of malformed lines, a mix of reject reasons (default 0.005)
  --click-ids F         fraction of events with a click_id (default 0.5)
  --lateness S          engine settings the truth assumes (defaults 60, 300, drop)
  --dedup-horizon S
  --late drop|update
  --gzip                write gzip
  --truth PREFIX        where the truth files go (default: the --out path)
  --no-truth            skip the truth model and files (fast, for huge benchmark logs)
)";

bool parseI64(const std::string& text, int64_t& out)
{
    const char* b = text.data();
    const char* e = b + text.size();
    const auto r = std::from_chars(b, e, out);
    return !text.empty() && r.ec == std::errc() && r.ptr == e;
}

bool parseDouble(const std::string& text, double& out)
{
    if (text.empty()) return false;
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && std::isfinite(out);
}

} // namespace

int cmdGen(Args& args)
{
    using namespace adclick::core;
    if (args.flag("help")) {
        std::fputs(kGenUsage, stdout);
        return 0;
    }
    GenOptions o;
    std::string error;
    auto integer = [&](const char* name, int64_t min, int64_t max, auto& field) {
        const auto v = args.value(name);
        if (!v || !error.empty()) return;
        int64_t n = 0;
        if (!parseI64(*v, n) || n < min || n > max)
            error = "--" + std::string(name) + ": expected an integer from " + std::to_string(min) + " to "
                + std::to_string(max) + ", got '" + *v + "'";
        else
            field = static_cast<std::remove_reference_t<decltype(field)>>(n);
    };
    auto real = [&](const char* name, double& field) {
        const auto v = args.value(name);
        if (!v || !error.empty()) return;
        if (!parseDouble(*v, field))
            error = "--" + std::string(name) + ": expected a number, got '" + *v + "'";
    };
    auto seconds = [&](const char* name, int64_t& fieldMs) {
        int64_t s = -1;
        integer(name, 0, 365LL * 86400, s);
        if (s >= 0) fieldMs = s * 1000;
    };

    const auto out = args.value("out");
    integer("events", 0, std::numeric_limits<int64_t>::max() / 2, o.events);
    if (const auto f = args.value("format"); f && error.empty()) {
        if (!parseLineFormat(*f, o.format) || o.format == LineFormat::Auto)
            error = "--format: expected book, csv or jsonl, got '" + *f + "'";
    }
    {
        const auto v = args.value("seed");
        if (v && error.empty()) {
            const auto r = std::from_chars(v->data(), v->data() + v->size(), o.seed);
            if (v->empty() || r.ec != std::errc() || r.ptr != v->data() + v->size())
                error = "--seed: expected a non-negative integer, got '" + *v + "'";
        }
    }
    integer("ads", 1, 100'000'000, o.ads);
    integer("users", 1, 100'000'000, o.users);
    if (const auto c = args.value("countries"); c && error.empty()) {
        int64_t n = 0;
        if (parseI64(*c, n)) {
            const auto all = genCountryCodes(std::numeric_limits<std::size_t>::max());
            if (n < 1 || n > static_cast<int64_t>(all.size()))
                error = "--countries: expected 1 to " + std::to_string(all.size()) + " or a list of codes";
            else
                o.countries.assign(all.begin(), all.begin() + n);
        } else {
            std::string code;
            for (std::size_t i = 0; i <= c->size(); ++i) {
                if (i == c->size() || (*c)[i] == ',') {
                    o.countries.push_back(code);
                    code.clear();
                } else {
                    char ch = (*c)[i];
                    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
                    if (ch != ' ') code.push_back(ch);
                }
            }
        }
    }
    real("zipf", o.zipf);
    if (const auto t = args.value("start"); t && error.empty()) {
        if (!parseTimestamp(*t, o.startMs))
            error = "--start: expected an ISO-8601 time or epoch milliseconds, got '" + *t + "'";
    }
    real("rate", o.rate);
    int64_t disorderMs = -1;
    integer("disorder-ms", 0, 365LL * 86'400'000, disorderMs);
    real("dup-rate", o.dupRate);
    real("late-rate", o.lateRate);
    real("malformed-rate", o.malformedRate);
    real("click-ids", o.clickIdFraction);
    seconds("lateness", o.latenessMs);
    seconds("dedup-horizon", o.dedupHorizonMs);
    // Unless given, the disorder stays within a smaller lateness (on-time events are never late).
    o.disorderMs = disorderMs >= 0 ? disorderMs : std::min(o.disorderMs, o.latenessMs);
    if (const auto l = args.value("late"); l && error.empty()) {
        if (*l == "drop" || *l == "update")
            o.lateUpdate = *l == "update";
        else
            error = "--late: expected drop or update, got '" + *l + "'";
    }
    o.gzip = args.flag("gzip");
    const auto truth = args.value("truth");
    o.truth = !args.flag("no-truth");
    if (!error.empty()) return fail("gen: " + error, 2);
    if (const auto rest = args.finish(); !rest.empty())
        return fail("gen: " + rest + " (see adclick gen --help)", 2);
    if (!out) return fail("gen: --out FILE is required (- for stdout; see adclick gen --help)", 2);
    o.out = *out;
    if (truth) o.truthPrefix = *truth;
    if (Status s = validateGenOptions(o); !s) return fail("gen: " + s.message(), 2);

    const auto t0 = std::chrono::steady_clock::now();
    auto report = generateClicks(o);
    if (!report) return fail("gen: " + report.message());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // The counters, then what was written.
    std::string json = truthCountersJson(report->truth);
    json.pop_back(); // '}'
    json += ",\"blank_lines\":" + std::to_string(report->blankLines);
    json += ",\"output\":" + jsonString(o.out);
    json += ",\"bytes\":" + std::to_string(report->bytes);
    json += ",\"gzip\":";
    json += o.gzip ? "true" : "false";
    json += ",\"truth\":"
        + (o.truth ? jsonString(o.truthPrefix.empty() ? o.out : o.truthPrefix) : std::string("null"));
    json += ",\"verified\":";
    json += report->modelChecked ? "true" : "false";
    char buf[96];
    std::snprintf(buf, sizeof buf, ",\"seconds\":%.3f,\"lines_per_second\":%.0f}", secs,
        secs > 0 ? static_cast<double>(report->truth.counter("lines")) / secs : 0.0);
    json += buf;
    // With the log on stdout the summary goes to stderr, so the log stays clean.
    std::fprintf(o.out == "-" ? stderr : stdout, "%s\n", json.c_str());
    return 0;
}

} // namespace adclick::app
