#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace adclick::core {

namespace sql {
class Connection;
}

struct AdCount;

//! The `n` ads with the most clicks of filter `filterId` over the minutes [firstMinute,
//! endMinute), from the rollups (hasRollups() must hold; no country condition): clicks
//! descending, ties by ad_id ascending in byte order, only ads with clicks > 0 — the same rows
//! as the GROUP BY over agg. Sums per ad id in a flat array, then looks up the names of the few
//! ads that can be in the answer. Inside the caller's read transaction.
Result<std::vector<AdCount>> topAdsFromRollups(
    const sql::Connection& conn, int64_t filterId, int64_t firstMinute, int64_t endMinute, int64_t n);

} // namespace adclick::core
