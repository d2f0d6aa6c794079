#include "core/query/top_ads.h"

#include "core/query/query.h"
#include "core/query/top_ads_bounded.h"
#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace adclick::core {

namespace {

//! The ads that can be among the top `n`: every ad whose clicks reach the n-th largest count
//! (ties at that count are decided by name, which only the ads table knows). Two passes over
//! the sums with a heap of n counts: no copy of the (up to millions of) sums.
std::vector<AdSum> candidates(const std::vector<int64_t>& perAd, int64_t n)
{
    std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> best; // the n largest counts
    for (const int64_t c : perAd) {
        if (c <= 0) continue;
        if (static_cast<int64_t>(best.size()) < n) {
            best.push(c);
        } else if (c > best.top()) {
            best.pop();
            best.push(c);
        }
    }
    const int64_t threshold = static_cast<int64_t>(best.size()) < n ? 1 : best.top();
    std::vector<AdSum> out;
    for (std::size_t id = 0; id < perAd.size(); ++id)
        if (perAd[id] >= threshold) out.push_back({ static_cast<int64_t>(id), perAd[id] });
    return out;
}

//! Every ad of the answer summed over all the rollup rows of the cover, as candidates() keeps them.
Result<std::vector<AdSum>> summedCandidates(
    const sql::Connection& conn, int64_t filterId, const std::vector<RollupTerm>& terms, int64_t n)
{
    std::vector<int64_t> perAd;
    {
        sql::Stmt maxId(conn, "SELECT max(id) FROM ads");
        if (maxId.step() && !maxId.isNull(0)) perAd.assign(static_cast<std::size_t>(maxId.int64(0)) + 1, 0);
    }
    if (auto st = addRollupClicks(conn, filterId, terms, perAd); !st) return Result<std::vector<AdSum>>(st);
    return candidates(perAd, n);
}

//! The candidates' names, in the answer's order (clicks descending, ties by name), the first n.
Result<std::vector<AdCount>> named(const sql::Connection& conn, const std::vector<AdSum>& sums, int64_t n)
{
    using R = Result<std::vector<AdCount>>;
    std::vector<AdCount> out;
    sql::Stmt name(conn, "SELECT name FROM ads WHERE id = ?1");
    for (const AdSum& c : sums) {
        name.reset();
        name.bind(1, c.id);
        if (!name.step()) return R::error(sql::describe(conn, name.rc(), "cannot read ads"));
        out.push_back({ std::string(name.text(0)), c.clicks });
    }
    std::sort(out.begin(), out.end(), [](const AdCount& a, const AdCount& b) {
        return a.clicks != b.clicks ? a.clicks > b.clicks : a.adId < b.adId;
    });
    if (static_cast<int64_t>(out.size()) > n) out.resize(static_cast<std::size_t>(n));
    return out;
}

} // namespace

Result<std::vector<AdCount>> topAdsFromRollups(
    const sql::Connection& conn, int64_t filterId, int64_t firstMinute, int64_t endMinute, int64_t n)
{
    using R = Result<std::vector<AdCount>>;
    const std::vector<RollupTerm> terms = coverMinutes(firstMinute, endMinute);
    if (storeSchemaVersion(conn) >= kRankedRollupSchemaVersion) {
        auto bounded = boundedTopAds(conn, filterId, terms, n);
        if (!bounded) return R(bounded.status());
        if (*bounded) return named(conn, **bounded, n);
    }
    auto summed = summedCandidates(conn, filterId, terms, n);
    if (!summed) return R(summed.status());
    return named(conn, *summed, n);
}

} // namespace adclick::core
