// adclick gen: synthetic click logs with their exact ground truth (sim/click_generator.h).
#include "cli_args.h"
#include "commands.h"

#include "core/base/timestamp.h"
#include "sim/click_generator.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

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
  --boundary            also put events exactly on the rule boundaries, every minute of event time:
                        W exactly at a pane end, events at W - 1 ms, W, W + 1 ms, at the dedup
                        horizon W - H and 1 ms either side (fresh, and repeats of clicks made H
                        earlier); needs --lateness >= 1 (docs/semantics.md; tests)
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

//! Plain decimal (250, 0.02): validateGenOptions checks each option's range.
bool parseDouble(const std::string& text, double& out)
{
    const auto v = parseDecimal(text, 0, 1e300);
    if (v) out = *v;
    return v.has_value();
}

//! Reads gen's options one by one. The first problem is kept; after it, options are still
//! consumed (so Args::finish() does not call them unknown) but no longer checked.
class GenOptionReader {
public:
    explicit GenOptionReader(Args& args)
        : m_args(args)
    { }

    const std::string& error() const { return m_error; }

    void integer(const char* name, int64_t min, int64_t max, auto& field)
    {
        const auto v = m_args.value(name);
        if (!v || !m_error.empty()) return;
        int64_t n = 0;
        if (!parseI64(*v, n) || n < min || n > max)
            m_error = "--" + std::string(name) + ": expected an integer from " + std::to_string(min) + " to "
                + std::to_string(max) + ", got '" + *v + "'";
        else
            field = static_cast<std::remove_reference_t<decltype(field)>>(n);
    }
    void real(const char* name, double& field)
    {
        const auto v = m_args.value(name);
        if (!v || !m_error.empty()) return;
        if (!parseDouble(*v, field))
            m_error = "--" + std::string(name) + ": expected a plain decimal number such as 0.5, got '" + *v
                + "'";
    }
    //! Whole seconds (up to a year) into milliseconds.
    void seconds(const char* name, int64_t& fieldMs)
    {
        int64_t s = -1;
        integer(name, 0, 365LL * 86400, s);
        if (s >= 0) fieldMs = s * 1000;
    }
    void format(core::LineFormat& field)
    {
        const auto f = m_args.value("format");
        if (!f || !m_error.empty()) return;
        if (!core::parseLineFormat(*f, field) || field == core::LineFormat::Auto)
            m_error = "--format: expected book, csv or jsonl, got '" + *f + "'";
    }
    void seed(uint64_t& field)
    {
        const auto v = m_args.value("seed");
        if (!v || !m_error.empty()) return;
        const auto r = std::from_chars(v->data(), v->data() + v->size(), field);
        if (v->empty() || r.ec != std::errc() || r.ptr != v->data() + v->size())
            m_error = "--seed: expected a non-negative integer, got '" + *v + "'";
    }
    //! --countries N (the first N of the fixed list) or a comma list of codes (upper-cased).
    void countries(std::vector<std::string>& field)
    {
        const auto c = m_args.value("countries");
        if (!c || !m_error.empty()) return;
        int64_t n = 0;
        if (!parseI64(*c, n)) {
            field = codeList(*c);
            return;
        }
        const auto all = core::genCountryCodes(std::numeric_limits<std::size_t>::max());
        if (n < 1 || n > static_cast<int64_t>(all.size()))
            m_error = "--countries: expected 1 to " + std::to_string(all.size()) + " or a list of codes";
        else
            field.assign(all.begin(), all.begin() + n);
    }
    void start(int64_t& fieldMs)
    {
        const auto t = m_args.value("start");
        if (!t || !m_error.empty()) return;
        if (!core::parseTimestamp(*t, fieldMs))
            m_error = "--start: expected an ISO-8601 time or an epoch (s/ms/µs/ns by magnitude), got '" + *t
                + "'";
    }
    void late(bool& lateUpdate)
    {
        const auto l = m_args.value("late");
        if (!l || !m_error.empty()) return;
        if (*l == "drop" || *l == "update")
            lateUpdate = *l == "update";
        else
            m_error = "--late: expected drop or update, got '" + *l + "'";
    }

private:
    //! "us, kr,JP" → US, KR, JP (spaces dropped; validateGenOptions checks the codes).
    static std::vector<std::string> codeList(const std::string& text)
    {
        std::vector<std::string> codes;
        std::string code;
        for (std::size_t i = 0; i <= text.size(); ++i) {
            if (i == text.size() || text[i] == ',') {
                codes.push_back(code);
                code.clear();
            } else {
                char ch = text[i];
                if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
                if (ch != ' ') code.push_back(ch);
            }
        }
        return codes;
    }

    Args& m_args;
    std::string m_error;
};

//! Reads and checks gen's options into `o`: 0, or the exit code of a usage error (reported).
int readGenOptions(Args& args, core::GenOptions& o)
{
    GenOptionReader read(args);
    const auto out = args.value("out");
    read.integer("events", 0, std::numeric_limits<int64_t>::max() / 2, o.events);
    read.format(o.format);
    read.seed(o.seed);
    read.integer("ads", 1, 100'000'000, o.ads);
    read.integer("users", 1, 100'000'000, o.users);
    read.countries(o.countries);
    read.real("zipf", o.zipf);
    read.start(o.startMs);
    read.real("rate", o.rate);
    int64_t disorderMs = -1;
    read.integer("disorder-ms", 0, 365LL * 86'400'000, disorderMs);
    read.real("dup-rate", o.dupRate);
    read.real("late-rate", o.lateRate);
    read.real("malformed-rate", o.malformedRate);
    read.real("click-ids", o.clickIdFraction);
    read.seconds("lateness", o.latenessMs);
    read.seconds("dedup-horizon", o.dedupHorizonMs);
    // Unless given, the disorder stays within a smaller lateness (on-time events are never late).
    o.disorderMs = disorderMs >= 0 ? disorderMs : std::min(o.disorderMs, o.latenessMs);
    read.late(o.lateUpdate);
    o.boundary = args.flag("boundary");
    o.gzip = args.flag("gzip");
    const auto truth = args.value("truth");
    o.truth = !args.flag("no-truth");
    if (!read.error().empty()) return fail("gen: " + read.error(), 2);
    if (const auto rest = args.finish(); !rest.empty())
        return fail("gen: " + rest + " (see adclick gen --help)", 2);
    if (!out) return fail("gen: --out FILE is required (- for stdout; see adclick gen --help)", 2);
    o.out = *out;
    if (truth) o.truthPrefix = *truth;
    if (core::Status s = core::validateGenOptions(o); !s) return fail("gen: " + s.message(), 2);
    return 0;
}

//! The counters, then what was written and how fast.
std::string genSummaryJson(const core::GenOptions& o, const core::GenReport& report, double secs)
{
    std::string json = core::truthCountersJson(report.truth);
    json.pop_back(); // '}'
    json += ",\"blank_lines\":" + std::to_string(report.blankLines);
    json += ",\"output\":" + jsonString(o.out);
    json += ",\"bytes\":" + std::to_string(report.bytes);
    json += ",\"gzip\":";
    json += o.gzip ? "true" : "false";
    json += ",\"truth\":"
        + (o.truth ? jsonString(o.truthPrefix.empty() ? o.out : o.truthPrefix) : std::string("null"));
    json += ",\"verified\":";
    json += report.modelChecked ? "true" : "false";
    char buf[96];
    std::snprintf(buf, sizeof buf, ",\"seconds\":%.3f,\"lines_per_second\":%.0f}", secs,
        secs > 0 ? static_cast<double>(report.truth.counter("lines")) / secs : 0.0);
    json += buf;
    return json;
}

} // namespace

int cmdGen(Args& args)
{
    if (args.flag("help")) {
        std::fputs(kGenUsage, stdout);
        return 0;
    }
    core::GenOptions o;
    if (const int rc = readGenOptions(args, o); rc != 0) return rc;

    const auto t0 = std::chrono::steady_clock::now();
    auto report = core::generateClicks(o);
    if (!report) return fail("gen: " + report.message());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string json = genSummaryJson(o, *report, secs);
    // With the log on stdout the summary goes to stderr, so the log stays clean.
    std::fprintf(o.out == "-" ? stderr : stdout, "%s\n", json.c_str());
    return 0;
}

} // namespace adclick::app
