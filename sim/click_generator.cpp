// The public entry points of the generator: options, country codes, and the runs to a file or
// a string. The work is done by clickgen::Generator (sim/generator.h).
#include "sim/click_generator.h"

#include "sim/event_sinks.h"
#include "sim/generator.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>

namespace adclick::core {

namespace {

constexpr int64_t kMaxEpochMs = 253'402'300'799'999; // 9999-12-31T23:59:59.999Z

//! Opens (creates) every output before the work starts, so a bad path fails at once.
Status checkWritable(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Status::error("cannot write " + path + ": " + std::strerror(errno));
    std::fclose(f);
    return {};
}

Status validateCountries(const std::vector<std::string>& countries)
{
    std::set<std::string> seen;
    for (const auto& c : countries) {
        if (c.size() < 2 || c.size() > 3
            || !std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
            return Status::error("country codes must be 2 or 3 upper-case letters: '" + c + "'");
        if (!seen.insert(c).second) return Status::error("country code listed twice: " + c);
    }
    return {};
}

} // namespace

const std::vector<std::string>& defaultGenCountries()
{
    static const std::vector<std::string> kDefault = { "US", "KR", "JP", "DE", "GB", "FR", "IN", "BR", "CA",
        "AU", "CN", "IT", "ES", "MX", "NL", "SE", "SG", "TW", "ID", "TR" };
    return kDefault;
}

std::vector<std::string> genCountryCodes(std::size_t n)
{
    static const char* const kMore[]
        = { "CH", "AT", "BE", "PL", "RU", "UA", "AR", "CL", "CO", "PE", "ZA", "NG", "EG", "SA", "AE", "IL",
              "TH", "VN", "PH", "MY", "NZ", "IE", "PT", "GR", "CZ", "HU", "RO", "DK", "NO", "FI" };
    std::vector<std::string> out;
    std::set<std::string> used;
    auto add = [&](const std::string& c) {
        if (out.size() < n && used.insert(c).second) out.push_back(c);
    };
    for (const auto& c : defaultGenCountries())
        add(c);
    for (const char* c : kMore)
        add(c);
    for (char a = 'A'; a <= 'Z' && out.size() < n; ++a)
        for (char b = 'A'; b <= 'Z'; ++b)
            add(std::string { a, b });
    for (char a = 'A'; a <= 'Z' && out.size() < n; ++a)
        for (char b = 'A'; b <= 'Z'; ++b)
            for (char c = 'A'; c <= 'Z'; ++c)
                add(std::string { a, b, c });
    return out;
}

Status validateGenOptions(const GenOptions& o)
{
    auto fraction = [](double v) { return std::isfinite(v) && v >= 0 && v <= 1; };
    if (o.events < 0) return Status::error("--events must be ≥ 0");
    if (o.format != LineFormat::Book && o.format != LineFormat::Csv && o.format != LineFormat::Jsonl)
        return Status::error("--format must be book, csv or jsonl");
    if (o.ads < 1 || o.ads > 100'000'000) return Status::error("--ads must be between 1 and 100000000");
    if (o.users < 1 || o.users > 100'000'000) return Status::error("--users must be between 1 and 100000000");
    if (Status s = validateCountries(o.countries); !s) return s;
    if (!std::isfinite(o.zipf) || o.zipf < 0 || o.zipf > 10)
        return Status::error("--zipf must be between 0 and 10");
    if (!std::isfinite(o.rate) || o.rate < 0.001 || o.rate > 1e7)
        return Status::error("--rate must be between 0.001 and 10000000 clicks per second");
    if (o.latenessMs < 0 || o.latenessMs > 86'400'000LL * 365)
        return Status::error("--lateness must be between 0 and one year");
    if (o.dedupHorizonMs < 60'000 || o.dedupHorizonMs > 86'400'000LL * 365)
        return Status::error("--dedup-horizon must be at least 60 s (and at most one year)");
    // An on-time event is at most D behind the newest one, so with D ≤ lateness it is never behind W.
    if (o.disorderMs < 0 || o.disorderMs > o.latenessMs)
        return Status::error("--disorder-ms must be ≥ 0 and at most the lateness ("
            + std::to_string(o.latenessMs) + " ms): on-time events must never be late");
    if (o.boundary && o.latenessMs < 1000)
        return Status::error("--boundary needs a --lateness of at least 1 s (its probes sit between the "
                             "watermark and the newest event)");
    if (!fraction(o.dupRate) || !fraction(o.lateRate) || !fraction(o.malformedRate)
        || !fraction(o.clickIdFraction) || !fraction(o.blankRate))
        return Status::error(
            "--dup-rate, --late-rate, --malformed-rate and --click-ids must be between 0 and 1");
    if (o.dupRate + o.lateRate + o.malformedRate > 1)
        return Status::error("--dup-rate + --late-rate + --malformed-rate must not exceed 1");
    const double spanMs = static_cast<double>(o.events) * 1000.0 / o.rate;
    if (o.startMs < 0
        || static_cast<double>(o.startMs) + spanMs > static_cast<double>(kMaxEpochMs - 86'400'000))
        return Status::error("--start must be from 1970 on, and the clicks must end before the year 9999");
    return {};
}

Result<GenReport> generateClicksToString(
    const GenOptions& options, std::string& out, std::vector<GenLine>* lines)
{
    if (Status s = validateGenOptions(options); !s) return s;
    if (lines) lines->clear();
    clickgen::StringSink sink(out);
    clickgen::Generator gen(options, lines);
    GenReport report;
    if (Status s = gen.run(sink, report); !s) return s;
    return report;
}

Result<GenReport> generateClicks(const GenOptions& options)
{
    if (Status s = validateGenOptions(options); !s) return s;
    if (options.out.empty()) return Status::error("no output file (--out FILE, or - for stdout)");
    std::string prefix = options.truthPrefix.empty() ? options.out : options.truthPrefix;
    if (options.truth && prefix == "-")
        return Status::error(
            "writing the log to stdout: give the truth files a place with --truth PREFIX (or --no-truth)");
    auto file = std::make_unique<clickgen::FileSink>();
    if (Status s = file->open(options.out); !s) return s;
    GenReport report;
    if (options.truth) {
        report.truthJsonPath = prefix + ".truth.json";
        report.truthCsvPath = prefix + ".truth.csv";
        for (const auto& p : { report.truthJsonPath, report.truthCsvPath })
            if (Status s = checkWritable(p); !s) return s;
    }
    std::unique_ptr<clickgen::Sink> sink;
    if (options.gzip)
        sink = clickgen::makeGzipSink(std::move(file));
    else
        sink = std::move(file);
    clickgen::Generator gen(options, nullptr);
    if (Status s = gen.run(*sink, report); !s) return s;
    if (options.truth) {
        if (Status s = writeTruthFiles(report.truth, prefix); !s) return s;
    }
    return report;
}

} // namespace adclick::core
