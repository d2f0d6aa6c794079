#pragma once

#include "core/base/text_writers.h"
#include "core/base/time_format.h"
#include "core/input/parser_options.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adclick::app {

//! Minimal option reader for the subcommands: `--name value`, `--name=value`, flags, and
//! positionals. Unknown options are an error, reported by finish().
class Args {
public:
    Args(int argc, char** argv, int first);

    std::optional<std::string> value(const std::string& name); //!< last occurrence wins
    std::vector<std::string> values(const std::string& name); //!< all occurrences
    bool flag(const std::string& name);
    //! Positionals in order; "-" counts as one.
    std::vector<std::string> positionals();
    //! Empty when every argument was consumed; otherwise a message naming the first unknown one.
    std::string finish();

private:
    struct Item {
        std::string text;
        bool used = false;
    };
    std::vector<Item> m_items;
};

//! With --help: prints `text` to stdout and returns true (the command then exits 0).
bool printHelp(Args& args, std::string_view text);

//! After a command read its options: 0 when every argument was used; otherwise prints the usage
//! error naming the first unknown one, with a pointer to `adclick COMMAND --help`, and returns 2.
int rejectUnknown(Args& args, const std::string& command);

//! The longest duration an option takes (10 years of 365 days).
constexpr int64_t kMaxDurationMs = int64_t(10) * 365 * 24 * 3'600'000;
//! A duration (N, Ns, Nms, Nm, Nh, Nd; N alone is seconds) in milliseconds; nullopt when
//! malformed, negative or too long.
std::optional<int64_t> parseDurationMs(const std::string& text);

//! `--NAME DURATION` into `out` when given. False (the usage error printed) for a bad duration.
bool durationOption(Args& args, const std::string& name, std::optional<int64_t>& out);

//! `--time-format F` and `--time-zone Z` into `out` (defaults auto, UTC). False (the usage error
//! printed) for an unknown format or zone.
bool timeFormatOptions(Args& args, core::TimeFormat& out);

//! A whole number written as plain decimal digits (no sign, space, unit, exponent or trailing
//! text), from `min` to `max`; nullopt for anything else, including a value that overflows.
std::optional<int64_t> parseWholeNumber(const std::string& text, int64_t min, int64_t max);
//! A decimal number such as 250 or 0.5 (digits with an optional fraction; no sign, exponent,
//! inf or nan) from `min` to `max`; nullopt for anything else.
std::optional<double> parseDecimal(const std::string& text, double min, double max);

//! `--NAME N` into `out` when given: parseWholeNumber(min, max). False (the usage error, naming
//! the option and the range, printed) for anything else.
bool integerOption(
    Args& args, const std::string& name, int64_t min, int64_t max, std::optional<int64_t>& out);
//! `--NAME X` into `out` when given: parseDecimal(min, max); false (usage error printed) otherwise.
bool decimalOption(Args& args, const std::string& name, double min, double max, std::optional<double>& out);

//! Every `--kafka-prop KEY=VALUE` as a pair; nullopt (with `error` set) for one without '=', and
//! for bootstrap.servers (or its alias metadata.broker.list): the brokers belong in the address,
//! where every message names them, and a second list would silently replace the first.
std::optional<std::vector<std::pair<std::string, std::string>>> kafkaProperties(
    Args& args, std::string& error);

//! Every `--map FIELD=COLUMN` into `map`. False (the usage error printed) for a bad one.
bool columnMapOption(Args& args, core::ColumnMap& map);

//! How a log's lines are read: `--format`, `--map`, `--time-format`/`--time-zone` and
//! `--delimiter` into `out`. 0, or the exit code of the usage error it printed.
int parserOptions(Args& args, core::ParserOptions& out);

//! Writes `message` to stderr prefixed with "adclick: " and returns the exit code 2 (usage) or 1.
int fail(const std::string& message, int code = 1);

//! The JSON string literals of every command's output.
using core::jsonString;

} // namespace adclick::app
