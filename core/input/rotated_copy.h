#pragma once

#include "core/base/status.h"
#include "core/input/input_file.h"
#include "core/input/own_files.h"

#include <cstdint>
#include <optional>
#include <string>

namespace adclick::core {

//! Finds the rotated copy of a followed file: a regular file (not a link) beside `path` (same folder, name
//! starting with the part of path's name before its first '.', e.g. `app.log.1`, `app.log.2.gz`,
//! `app-20240101.log`), other than `path` itself, whose content starts with the bytes that
//! `fingerprint` describes and holds at least `minBytes` content bytes. That is where
//! `copytruncate` (copy, then truncate) and rename rotation leave the data of the file we were
//! reading. nullopt when there is none. The folder's own listing order plays no part: the
//! fingerprint decides. The files of `own` are never opened (a database named like the log).
std::optional<std::string> findRotatedCopy(
    const std::string& path, const Fingerprint& fingerprint, uint64_t minBytes, const OwnFiles& own);

} // namespace adclick::core
