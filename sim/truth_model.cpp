#include "sim/truth_model.h"

#include "core/base/click_event.h"

namespace adclick::core {

std::string_view genClassName(GenClass cls)
{
    switch (cls) {
    case GenClass::Header:
        return "header";
    case GenClass::Blank:
        return "blank";
    case GenClass::Accepted:
        return "accepted";
    case GenClass::Duplicate:
        return "duplicate";
    case GenClass::Late:
        return "late";
    case GenClass::LateBeyondHorizon:
        return "late_beyond_horizon";
    case GenClass::Rejected:
        return "rejected";
    }
    return "unknown";
}

int64_t ClickTruth::counter(std::string_view name) const
{
    const auto it = counters.find(std::string(name));
    return it == counters.end() ? 0 : it->second;
}

namespace clickgen {

void SemanticsModel::onReject(RejectReason reason)
{
    ++m_lines;
    ++m_rejected;
    ++m_rejectedBy[reason];
}

GenClass SemanticsModel::onEvent(const GenLine& e)
{
    ++m_lines;
    GenClass result;
    // 2. Horizon: W = max_event_ms − lateness over the events before this one.
    const bool haveW = m_maxEventMs.has_value();
    const int64_t w = haveW ? *m_maxEventMs - m_lateness : 0;
    if (haveW && e.timeMs < w - m_horizon) {
        // Late without a dedup check; its key is not kept; never applied.
        ++m_late;
        ++m_panes[{ paneOf(e.timeMs), e.adId, e.country }].late;
        result = GenClass::LateBeyondHorizon;
    } else {
        result = dedupAndWindow(e, haveW, w);
    }
    advanceWatermark(e.timeMs);
    return result;
}

GenClass SemanticsModel::dedupAndWindow(const GenLine& e, bool haveW, int64_t w)
{
    // 3. Dedup.
    const auto [kept, added] = m_keys.try_emplace(identity(e), e.timeMs);
    if (!added && (!haveW || kept->second >= w - m_horizon)) {
        ++m_duplicates;
        return GenClass::Duplicate;
    }
    kept->second = e.timeMs; // new, or an expired key (treated as absent) kept anew
    // 4. Window.
    const int64_t minute = paneOf(e.timeMs);
    Cell& cell = m_panes[{ minute, e.adId, e.country }];
    const bool final = haveW && w >= (minute + 1) * kMinuteMs;
    if (final) {
        ++m_late;
        ++cell.late;
        if (m_update) {
            ++cell.clicks;
            ++m_lateApplied;
        }
        return GenClass::Late;
    }
    ++m_accepted;
    ++cell.clicks;
    return GenClass::Accepted;
}

void SemanticsModel::advanceWatermark(int64_t timeMs)
{
    // 5. Watermark.
    if (!m_maxEventMs || timeMs > *m_maxEventMs) m_maxEventMs = timeMs;
    // Keys older than W − H are absent forever (W never decreases): dropping them changes
    // nothing but memory. Done each time W moved on by H, so the map holds about 2·H of keys.
    const int64_t cutoff = *m_maxEventMs - m_lateness - m_horizon;
    if (!m_lastPrune || cutoff - *m_lastPrune >= m_horizon) {
        m_lastPrune = cutoff;
        std::erase_if(m_keys, [cutoff](const auto& kv) { return kv.second < cutoff; });
    }
}

void SemanticsModel::fill(ClickTruth& t) const
{
    t.counters = { { "lines", m_lines }, { "accepted", m_accepted }, { "duplicates", m_duplicates },
        { "late", m_late }, { "late_applied", m_lateApplied }, { "rejected", m_rejected } };
    if (m_maxEventMs) t.counters["max_event_ms"] = *m_maxEventMs;
    t.rejectedByReason.clear();
    for (std::size_t r = 0; r < kRejectReasonCount; ++r) {
        const auto reason = static_cast<RejectReason>(r);
        const auto it = m_rejectedBy.find(reason);
        t.rejectedByReason[std::string(rejectReasonName(reason))] = it == m_rejectedBy.end() ? 0 : it->second;
    }
    t.panes.clear();
    for (const auto& [key, cell] : m_panes)
        t.panes.emplace(key, std::make_pair(cell.clicks, cell.late));
}

std::string SemanticsModel::identity(const GenLine& e)
{
    if (!e.clickId.empty()) return "c" + e.clickId;
    return "t" + e.adId + '\0' + std::to_string(e.timeMs) + '\0' + e.userId + '\0' + e.ip;
}

} // namespace clickgen

} // namespace adclick::core
