#include "core/query/top_ads.h"

#include "core/query/query.h"
#include "core/store/rollups.h"
#include "core/store/sqlite_util.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace adclick::core {

namespace {

struct IdCount {
    int64_t id = 0, clicks = 0;
};

//! The ads that can be among the top `n`: every ad whose clicks reach the n-th largest count
//! (ties at that count are decided by name, which only the ads table knows). Two passes over
//! the sums with a heap of n counts: no copy of the (up to millions of) sums.
std::vector<IdCount> candidates(const std::vector<int64_t>& perAd, int64_t n)
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
    std::vector<IdCount> out;
    for (std::size_t id = 0; id < perAd.size(); ++id)
        if (perAd[id] >= threshold) out.push_back({ static_cast<int64_t>(id), perAd[id] });
    return out;
}

} // namespace

Result<std::vector<AdCount>> topAdsFromRollups(
    const sql::Connection& conn, int64_t filterId, int64_t firstMinute, int64_t endMinute, int64_t n)
{
    using R = Result<std::vector<AdCount>>;
    std::vector<int64_t> perAd;
    {
        sql::Stmt maxId(conn, "SELECT max(id) FROM ads");
        if (maxId.step() && !maxId.isNull(0)) perAd.assign(static_cast<std::size_t>(maxId.int64(0)) + 1, 0);
    }
    if (auto st = addRollupClicks(conn, filterId, coverMinutes(firstMinute, endMinute), perAd); !st)
        return R(st);
    std::vector<AdCount> out;
    sql::Stmt name(conn, "SELECT name FROM ads WHERE id = ?1");
    for (const IdCount& c : candidates(perAd, n)) {
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

} // namespace adclick::core
