#pragma once

#include "core/base/status.h"
#include "core/input/line_parser.h"
#include "core/input/own_files.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! What a file name says about its place in a rotated set (docs/semantics.md, "Reading order").
//! "app.log.3.gz" → set "app.log", number 3; "app.log-20261201" and "app-2026-12-01.log" → set
//! "app.log", date "20261201000000"; "app.log" → set "app.log", neither (the live file).
struct RotationKey {
    std::string set; //!< the name without compression suffix, rotation number and date stamp
    std::string date; //!< YYYYMMDDhhmmss (missing time digits are 0); empty: no date in the name
    std::optional<uint64_t> number; //!< logrotate's ".N": larger is older
};
RotationKey rotationKeyOf(std::string_view name);

//! One file of a folder with the time of its first parseable event (nullopt: none found).
struct FolderFile {
    std::string name;
    std::optional<int64_t> firstEventMs;
};

//! Oldest first. Within a rotated set the names decide: dated files by ascending date, then
//! numbered ones by descending number, then the live file (ties: first event time, then name).
//! The sets (a file whose name says nothing is a set of its own) are merged by the first event
//! time of their next file — a file without events takes the time of its set's neighbour — so
//! sets covering different periods are read in time order; ties and files without any event
//! time go by set name. Deterministic: a function of the names and the files' first events.
std::vector<std::string> orderOldestFirst(std::vector<FolderFile> files);

//! The event time of the first line of `path` that parses as a click (in the first 64 KiB of its
//! content), read through its own handle: nothing is consumed or counted.
std::optional<int64_t> peekFirstEventMs(
    const std::string& path, LineFormat format, const TimeFormat& timeFormat = TimeFormat());

struct SourceListOptions {
    LineFormat format = LineFormat::Auto; //!< for the first event times
    bool followSymlinks = false; //!< also read links in a folder that lead out of it
    TimeFormat timeFormat; //!< for the first event times
    //! The database being written: never a source. Named, it is an error; in a folder, skipped.
    OwnFiles own;
};

struct SourceList {
    std::vector<std::string> paths;
    std::vector<std::string> notes; //!< the order used for each folder
    std::vector<std::string> skipped; //!< links not read, with the reason
    //! Files named one by one in an order that reads a rotated set newest first.
    std::vector<std::string> warnings;
};

//! Expands command-line sources: a directory becomes its regular files oldest first
//! (orderOldestFirst; hidden files skipped; a symbolic link is read only when it stays inside the
//! directory, or with followSymlinks); "-" and files stay as they are, in the order given (a
//! warning when that reads a rotated set newer first). Fails
//! with a clear message for a path that does not exist.
Result<SourceList> expandSources(const std::vector<std::string>& args, const SourceListOptions& options = {});

} // namespace adclick::core
