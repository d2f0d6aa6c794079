#pragma once

#include <optional>
#include <string>
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

//! Every `--kafka-prop KEY=VALUE` as a pair; nullopt (with `error` set) for one without '='.
std::optional<std::vector<std::pair<std::string, std::string>>> kafkaProperties(
    Args& args, std::string& error);

//! Writes `message` to stderr prefixed with "adclick: " and returns the exit code 2 (usage) or 1.
int fail(const std::string& message, int code = 1);

//! JSON string literal with escapes.
std::string jsonString(const std::string& s);

} // namespace adclick::app
