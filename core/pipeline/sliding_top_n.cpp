#include "core/pipeline/sliding_top_n.h"

namespace adclick::core {

SlidingTopN::SlidingTopN(int windowMinutes)
    : m_window(windowMinutes > 0 ? windowMinutes : 1)
{ }

void SlidingTopN::addToSums(const std::string& adId, int64_t clicks)
{
    if (clicks == 0) return;
    int64_t& sum = m_sums[adId];
    if (sum > 0) m_order.erase({ -sum, adId });
    sum += clicks;
    if (sum > 0)
        m_order.insert({ -sum, adId });
    else if (sum == 0)
        m_sums.erase(adId);
}

void SlidingTopN::add(int64_t minute, const std::string& adId, int64_t clicks)
{
    if (m_end != INT64_MIN && minute < m_end - m_window) return;
    m_panes[minute][adId] += clicks;
    if (m_end != INT64_MIN && minute < m_end) addToSums(adId, clicks);
}

void SlidingTopN::advanceTo(int64_t endMinute)
{
    if (endMinute == INT64_MIN || (m_end != INT64_MIN && endMinute <= m_end)) return;
    const int64_t oldStart = m_end == INT64_MIN ? INT64_MIN : m_end - m_window;
    const int64_t oldEnd = m_end;
    const int64_t newStart = endMinute - m_window;
    // Panes that enter: [max(oldEnd, newStart), endMinute).
    for (auto it = m_panes.lower_bound(oldEnd == INT64_MIN ? newStart : std::max(oldEnd, newStart));
         it != m_panes.end() && it->first < endMinute; ++it)
        for (const auto& [ad, clicks] : it->second)
            addToSums(ad, clicks);
    // Panes that leave: [oldStart, min(newStart, oldEnd)) were in the window before.
    while (!m_panes.empty() && m_panes.begin()->first < newStart) {
        auto it = m_panes.begin();
        if (oldEnd != INT64_MIN && it->first >= oldStart && it->first < oldEnd)
            for (const auto& [ad, clicks] : it->second)
                addToSums(ad, -clicks);
        m_panes.erase(it);
    }
    m_end = endMinute;
}

std::vector<SlidingTopN::Entry> SlidingTopN::top(std::size_t n) const
{
    std::vector<Entry> out;
    for (auto it = m_order.begin(); it != m_order.end() && out.size() < n; ++it)
        out.push_back({ it->second, -it->first });
    return out;
}

} // namespace adclick::core
