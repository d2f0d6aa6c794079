#pragma once

// Synthetic click logs (`adclick gen`) with the exact ground truth they imply.
//
// The truth is computed by an independent, deliberately plain model of docs/semantics.md
// (std::map / std::set, no engine code), so the end-to-end and crash tests can use it as an
// oracle for the engine. Every line is also generated with an *intended* class (accepted,
// duplicate, late, rejected for a known reason); the model must agree with it line by line,
// so a bug in either the generator or the model shows up as an error.

#include "core/base/status.h"
#include "core/input/line_parser.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace adclick::core {

struct GenOptions {
    //! Output file, or "-" for stdout (then the truth needs truthPrefix, or truth = false).
    std::string out = "-";
    //! Prefix of PREFIX.truth.json / PREFIX.truth.csv; empty → `out`.
    std::string truthPrefix;
    //! Run the truth model (and, for file output, write the truth files). Off for huge benchmarks.
    bool truth = true;
    //! Write gzip (zlib) instead of plain text.
    bool gzip = false;

    //! Counted lines to write: accepted + duplicates + late + rejected == events exactly.
    //! Not counted (and extra): the CSV header and the blank lines (about blankRate of events).
    int64_t events = 100'000;
    LineFormat format = LineFormat::Csv; //!< Book, Csv or Jsonl
    uint64_t seed = 1;
    uint32_t ads = 1000; //!< ad ids ad000000 .. (at least six digits)
    std::vector<std::string> countries; //!< upper-case 2–3 letter codes, most popular first; empty → defaults
    uint32_t users = 100'000;
    double zipf = 1.1; //!< Zipf exponent of the popularity of ads, countries and users (0 = uniform)
    int64_t startMs = 1'609'459'200'000; //!< 2021-01-01T00:00:00Z: event time of the first click
    double rate = 1000; //!< on-time clicks per second of event time
    int64_t disorderMs = 20'000; //!< on-time events arrive up to this much out of order (≤ lateness)
    double dupRate = 0.02; //!< fraction of lines repeating a recent accepted event (→ duplicate)
    double lateRate = 0.005; //!< fraction of lines with an event well behind the watermark (→ late)
    double malformedRate = 0.005; //!< fraction of malformed lines (→ rejected, a mix of reasons)
    double clickIdFraction = 0.5; //!< fraction of events carrying a click_id
    double blankRate = 0.001; //!< blank lines inserted per counted line (not counted)

    // The engine settings the truth assumes.
    int64_t latenessMs = 60'000;
    int64_t dedupHorizonMs = 300'000;
    bool lateUpdate = false; //!< --late update (true) or drop (false)

    //! Boundary probes (`gen --boundary`): besides the lines above, every minute of event time
    //! gets a group of events placed exactly on the rule boundaries of docs/semantics.md: an
    //! on-time "anchor" at m·60 s + lateness (so W is exactly the minute boundary m·60 s), then
    //! events at W − 1 ms (late: its pane just became final), W and W + 1 ms (on time); fresh
    //! events at W − H − 1 ms (beyond the horizon), W − H and W − H + 1 ms (late, dedup-checked),
    //! each followed by an exact repeat; and repeats of on-time events generated H earlier at
    //! W − H − 1, W − H and W − H + 1 ms (with and without click_id), as they were and (click_id)
    //! with the time W: expired key → counted anew, exactly at W − H → duplicate. Needs a
    //! lateness of at least 1 s. Off: the output is byte for byte what it was without it.
    bool boundary = false;
};

//! The defaults of GenOptions::countries: US,KR,JP,DE,GB,FR,IN,BR,... (20 codes).
const std::vector<std::string>& defaultGenCountries();
//! The first `n` of a fixed list of codes (the defaults first, then more real and synthetic codes).
std::vector<std::string> genCountryCodes(std::size_t n);

//! A clear message for inconsistent or out-of-range options.
Status validateGenOptions(const GenOptions& options);

//! What a generated line is meant to be.
enum class GenClass : uint8_t {
    Header, //!< the CSV header row (not counted)
    Blank, //!< empty or whitespace only (not counted)
    Accepted, //!< on time: aggregated
    Duplicate, //!< repeats a recent accepted event (same identity, within the dedup horizon)
    Late, //!< its pane is final but it is within the dedup horizon: applied with --late update
    LateBeyondHorizon, //!< older than W − H: late without a dedup check, never applied
    Rejected, //!< malformed; GenLine::reason tells why
};
std::string_view genClassName(GenClass cls);

//! One generated line as the parser must see it (for the tests).
struct GenLine {
    GenClass cls = GenClass::Blank;
    RejectReason reason = RejectReason::Count; //!< for Rejected
    // For Accepted, Duplicate, Late and LateBeyondHorizon: the fields the parser must report
    // (country upper-case, JSON escapes resolved).
    int64_t timeMs = 0;
    std::string adId, userId, ip, country, clickId;
    int64_t original = -1; //!< Duplicate: index in the GenLine vector of the line it repeats
};

//! Ground truth of a generated log (the *.truth.json and *.truth.csv files).
struct ClickTruth {
    using PaneKey = std::tuple<int64_t, std::string, std::string>; //!< epoch minute, ad_id, country
    //! lines, accepted, duplicates, late, late_applied, rejected, and max_event_ms (absent when no
    //! line was an event).
    std::map<std::string, int64_t> counters;
    //! rejectReasonName → count, for every reason (zeros included).
    std::map<std::string, int64_t> rejectedByReason;
    //! The generator options and engine settings the truth assumes (as text).
    std::map<std::string, std::string> settings;
    //! Per pane (clicks, late): clicks = aggregated (accepted, + applied late events with
    //! --late update), late = late events of the pane. Only cells with clicks > 0 or late > 0.
    std::map<PaneKey, std::pair<int64_t, int64_t>> panes;

    //! counters[name], or 0 when absent.
    int64_t counter(std::string_view name) const;
};

struct GenReport {
    //! Counters always (from the intended classes); panes and the model check only when
    //! options.truth is set.
    ClickTruth truth;
    bool modelChecked = false; //!< the semantics model ran and agreed with every line
    int64_t blankLines = 0;
    int64_t headerLines = 0;
    uint64_t bytes = 0; //!< uncompressed bytes written
    std::string truthJsonPath, truthCsvPath; //!< empty when no truth files were written
};

//! Writes the log to options.out (and the truth files, when options.truth is set).
Result<GenReport> generateClicks(const GenOptions& options);

//! The same log in memory (options.out, truthPrefix and gzip are ignored; no files are written).
//! With `lines`, also one GenLine per output line (header and blank lines included), in order.
Result<GenReport> generateClicksToString(
    const GenOptions& options, std::string& out, std::vector<GenLine>* lines = nullptr);

//! PREFIX.truth.json / PREFIX.truth.csv.
Status writeTruthFiles(const ClickTruth& truth, const std::string& prefix);
//! Reads what writeTruthFiles wrote.
Result<ClickTruth> loadTruth(const std::string& prefix);

//! The counters as one JSON object: {"lines":..,...,"rejected_by_reason":{..},"max_event_ms":..}.
std::string truthCountersJson(const ClickTruth& truth);

} // namespace adclick::core
