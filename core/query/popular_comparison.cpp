// QueryService::popularWithPrevious: the window's top-N with what the dashboard shows beside it
// (each listed ad's count in the window before, both windows' totals), from the rollups and
// their bucket totals where they answer the filter, otherwise from every ad of both windows.
#include "core/query/query.h"

#include "core/base/click_event.h"
#include "core/store/rollups.h"

#include <limits>
#include <string_view>
#include <unordered_map>

namespace adclick::core {

Result<PopularComparison> QueryService::popularWithPrevious(
    int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter)
{
    using R = Result<PopularComparison>;
    auto txn = beginRead();
    if (!txn.status()) return R(txn.status());
    auto fromRollups = comparisonFromRollups(n, windowMinutes, atMs, filter);
    if (!fromRollups) return R(fromRollups.status());
    if (*fromRollups) return std::move(**fromRollups);
    // Every ad of both windows, each ad's count looked up in the other.
    constexpr int64_t kEveryAd = std::numeric_limits<int64_t>::max();
    auto current = popularLocked(kEveryAd, windowMinutes, atMs, filter);
    if (!current) return R(current.status());
    PopularComparison out;
    out.current = std::move(*current);
    if (!out.current.atMs) return out;
    auto previous
        = popularLocked(kEveryAd, windowMinutes, *out.current.atMs - windowMinutes * kMinuteMs, filter);
    if (!previous) return R(previous.status());
    std::unordered_map<std::string_view, int64_t> before;
    for (const AdCount& a : previous->top) {
        before.emplace(a.adId, a.clicks);
        out.previousTotal += a.clicks;
    }
    for (const AdCount& a : out.current.top)
        out.total += a.clicks;
    if (static_cast<int64_t>(out.current.top.size()) > n) out.current.top.resize(static_cast<std::size_t>(n));
    for (const AdCount& a : out.current.top) {
        const auto it = before.find(a.adId);
        out.previous.push_back(it == before.end() ? 0 : it->second);
    }
    return out;
}

Result<std::optional<PopularComparison>> QueryService::comparisonFromRollups(
    int64_t n, int64_t windowMinutes, std::optional<int64_t> atMs, const Filter& filter)
{
    using R = Result<std::optional<PopularComparison>>;
    auto p = planLocked(filter);
    if (!p) return R(p.status());
    if (!p->fromAggregates || !p->countrySql.empty() || !hasRollupTotals(m_conn))
        return std::optional<PopularComparison>();
    auto current = popularLocked(n, windowMinutes, atMs, filter); // the bounded search
    if (!current) return R(current.status());
    PopularComparison out;
    out.current = std::move(*current);
    if (!out.current.atMs) return std::optional<PopularComparison>(std::move(out));
    const int64_t end = *out.current.atMs / kMinuteMs, first = end - windowMinutes,
                  before = first - windowMinutes;
    auto total = rollupTotal(m_conn, p->filterId, first, end);
    if (!total) return R(total.status());
    auto previousTotal = rollupTotal(m_conn, p->filterId, before, first);
    if (!previousTotal) return R(previousTotal.status());
    out.total = *total;
    out.previousTotal = *previousTotal;
    std::vector<int64_t> ids;
    for (const AdCount& a : out.current.top) {
        auto key = adKey(a.adId);
        if (!key) return R(key.status());
        ids.push_back(key->value_or(-1)); // listed, so known
    }
    out.previous.assign(ids.size(), 0);
    if (auto st = addRollupClicksOfAds(m_conn, p->filterId, coverMinutes(before, first), ids, out.previous);
        !st)
        return R(st);
    return std::optional<PopularComparison>(std::move(out));
}

} // namespace adclick::core
