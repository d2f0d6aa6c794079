// Boundary probes of the generator (GenOptions::boundary): events exactly on the rule boundaries
// of docs/semantics.md, so that an off-by-one in the engine changes a count the truth predicts.
//
// Every minute m gets an anchor: an on-time event at m·60 s + lateness, newer than every event
// before it, so right after it W = m·60 s exactly (a pane end) and the horizon cutoff is
// W − H exactly. The probes that follow it do not move the newest event time, so they all see
// that W. Each probe's class follows from the rules by construction (the comments say why), and
// the semantics model still checks every one of them.
#include "sim/generator.h"

#include "core/base/click_event.h"

#include <algorithm>

namespace adclick::core::clickgen {

void Generator::planBoundaryProbes()
{
    const int64_t h = m_o.dedupHorizonMs, l = m_o.latenessMs;
    if (m_nextAnchor == kNone) {
        m_nextOriginals = paneOf(m_o.startMs + h) + 1;
        m_nextAnchor = paneOf(m_o.startMs - l) + 1;
    }
    auto originalsAt = [&](int64_t minute) { return minute * kMinuteMs - h; }; // ± 1 ms
    auto anchorAt = [&](int64_t minute) { return minute * kMinuteMs + l; };
    // Groups due before the next on-time event's nominal time: nothing queued is newer than it,
    // so every later on-time event stays on time (it is at most the disorder ≤ lateness behind).
    const int64_t next = m_draw.nominalMs(m_onTime);
    for (;;) {
        const int64_t o = originalsAt(m_nextOriginals), a = anchorAt(m_nextAnchor);
        const bool originalsDue = o + 1 <= next, anchorDue = a <= next;
        if (!originalsDue && !anchorDue) return;
        // The earlier group first (an anchor before originals that would be newer than it); a
        // group whose events could not have their class is skipped (a slow rate can leave
        // several minutes between two on-time events).
        if (originalsDue && (!anchorDue || o + 1 < a)) {
            const int64_t minute = m_nextOriginals++;
            if (originalsOnTime(o)) return queueOriginals(minute);
        } else {
            const int64_t minute = m_nextAnchor++;
            if (a > m_maxMs) return queueAnchor(minute); // newer than all: it sets W exactly
        }
    }
}

bool Generator::originalsOnTime(int64_t t) const
{
    // The watermark once t + 1 is read; t − 1 (the oldest) must be at or after it, in a pane
    // that is not final: then all three are on time.
    const int64_t w = std::max(m_maxMs, t + 1) - m_o.latenessMs;
    return t - 1 >= w && (paneOf(t - 1) + 1) * kMinuteMs > w;
}

//! On-time events at W − H − 1, W − H and W − H + 1 ms of the anchor of `minute`, with and
//! without a click_id (fresh identities; on time: originalsOnTime).
void Generator::queueOriginals(int64_t minute)
{
    const int64_t t = minute * kMinuteMs - m_o.dedupHorizonMs;
    for (int64_t d = -1; d <= 1; ++d)
        for (int clickId : { 1, 0 })
            queueProbe(freshProbe(t + d, clickId), GenClass::Accepted, -1, minute);
}

void Generator::queueAnchor(int64_t minute)
{
    const int64_t w = minute * kMinuteMs; // the watermark once the anchor is read
    const int64_t cutoff = w - m_o.dedupHorizonMs;
    // Newer than every event so far: on time, and it sets max_event_ms, so W = w.
    queueProbe(freshProbe(w + m_o.latenessMs), GenClass::Accepted);
    // The final-pane rule at a pane's end: W ≥ (pane + 1) · 60 s makes W − 1 ms late (its pane
    // ends at W); W and W + 1 ms are in the next pane, not final (and older than the anchor).
    queueProbe(freshProbe(w - 1), GenClass::Late);
    queueProbe(freshProbe(w), GenClass::Accepted);
    queueProbe(freshProbe(w + 1), GenClass::Accepted);
    // The horizon: time < W − H is late without a dedup check and keeps no key, so its repeat
    // is late again; at W − H and after, it is dedup-checked (late: every pane before W is final)
    // and its key is kept, so its repeat is a duplicate.
    for (int64_t d = -1; d <= 1; ++d) {
        const Event e = freshProbe(cutoff + d);
        queueProbe(e, d < 0 ? GenClass::LateBeyondHorizon : GenClass::Late);
        queueProbe(e, d < 0 ? GenClass::LateBeyondHorizon : GenClass::Duplicate);
    }
    // Repeats of the on-time originals generated H earlier, kept since at their own times: an
    // exact repeat is beyond the horizon at W − H − 1 and a duplicate from W − H on. A repeat
    // with the same click_id and the time W passes step 2 in every case, and step 3 then finds
    // a key that expired at W − H − 1 (counted anew) or is kept at W − H and W − H + 1 (duplicate).
    const auto group = m_originals.find(minute);
    if (group != m_originals.end()) {
        for (const Original& o : group->second) {
            const bool expired = o.event.timeMs < cutoff;
            queueProbe(o.event, expired ? GenClass::LateBeyondHorizon : GenClass::Duplicate, o.line);
        }
        for (const Original& o : group->second) {
            if (!o.event.clickSeq) continue;
            Event moved = o.event;
            moved.timeMs = w;
            const bool expired = o.event.timeMs < cutoff;
            queueProbe(moved, expired ? GenClass::Accepted : GenClass::Duplicate, o.line);
        }
    }
    m_originals.erase(m_originals.begin(), m_originals.upper_bound(minute));
}

void Generator::queueProbe(const Event& e, GenClass cls, int64_t original, int64_t originalFor)
{
    m_probes.push_back({ e, cls, original, originalFor });
}

Event Generator::freshProbe(int64_t t, int clickId)
{
    Event e = m_draw.make(t);
    if (clickId >= 0) m_draw.setClickId(e, clickId == 1);
    // Without a click_id: an address no other event without one has (see makeUniqueLate).
    m_draw.makeUniqueLate(e, watermark());
    return e;
}

void Generator::emitProbe()
{
    const Probe p = m_probes.front();
    m_probes.pop_front();
    const int64_t original = p.original >= 0 ? p.original : m_lastProbeLine;
    const int64_t line = emitEvent(p.event, p.cls, p.cls == GenClass::Duplicate ? original : -1);
    m_lastProbeLine = line;
    if (p.originalFor != kNone) m_originals[p.originalFor].push_back({ p.event, line });
    m_maxMs = std::max(m_maxMs, p.event.timeMs);
}

} // namespace adclick::core::clickgen
