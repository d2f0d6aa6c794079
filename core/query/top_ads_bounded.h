#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace adclick::core {

namespace sql {
class Connection;
}

struct RollupTerm;

//! One ad's exact clicks (ads.id) over a window.
struct AdSum {
    int64_t id = 0, clicks = 0;
};

//! How much a bounded search may read: cursor rows plus key look-ups. Past it, summing every row
//! of the cover costs about as much (a flat distribution of clicks, a window of many buckets).
inline constexpr int64_t kBoundedSearchBudget = 4096;

//! What a bounded search read, for the notes and the tests.
struct BoundedSearchStats {
    int64_t rankRows = 0; //!< rows read from agg_rollup_rank
    int64_t lookups = 0; //!< key look-ups of one (bucket, ad)
};

//! The ads that can be among the `n` with the most clicks of the signed rollup `terms` (filter
//! `filterId`): every ad whose clicks are > 0 and reach the n-th largest count, with its exact
//! count — the same set as summing every row of the terms and keeping those. A threshold search:
//! the hour buckets that hold the terms are read in descending rank (agg_rollup_rank, schema
//! version 6: clicks >> 4), each ad met is summed exactly by key look-ups, and the search stops
//! once the n-th exact count exceeds what any ad not met yet can reach (Σ over hours of the
//! positive coverage depth × the most clicks the last rank read there allows, 15 once read to
//! its end: rows of rank 0 are not indexed; clicks are never negative). Unset when the search would
//! read more than `budget` rows: the caller sums every row instead. Inside the read transaction.
Result<std::optional<std::vector<AdSum>>> boundedTopAds(const sql::Connection& conn, int64_t filterId,
    const std::vector<RollupTerm>& terms, int64_t n, int64_t budget = kBoundedSearchBudget,
    BoundedSearchStats* stats = nullptr);

} // namespace adclick::core
