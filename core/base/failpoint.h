#pragma once

#include <string_view>

namespace adclick::core {

//! Crash-test hooks. With ADCLICK_FAILPOINT="site:n" in the environment the process kills itself
//! with SIGKILL at the n-th time `site` is reached ("site:n:partial" lets a write site write half
//! its data first). Compiled to nothing without ADCLICK_FAILPOINTS.
void failpoint(const char* site);

//! True at the n-th time `site` is reached when it is armed with ":error" ("site:n:error"): the
//! caller then fails as a full disk or an I/O error would, and the process goes on. For the tests
//! of error paths that a kill cannot reach (an error reported by another thread, committer.h).
bool failpointFails(const char* site);

//! True when `site` is armed with ":partial" and this is its fatal hit (the caller then writes
//! half of its buffer and calls failpoint(site), which kills the process).
bool failpointWantsPartial(const char* site);

//! Deliberately broken behaviours, selected with ADCLICK_FAULT=name, that exist only so the crash
//! tests can prove they catch real bugs (RELIABILITY.md R6). Never set them in production.
enum class Fault {
    None,
    OffsetSeparateTxn, //!< "offset-separate-txn": source positions committed in their own transaction
    NoDedupRestore, //!< "no-dedup-restore": dedup keys are not rebuilt on restart
};
Fault activeFault();

} // namespace adclick::core
