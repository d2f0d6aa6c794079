#pragma once

// The truth (internal to adclick_sim): a literal, unoptimised model of docs/semantics.md. It
// shares nothing with the engine, so the tests can use it as an oracle; keep it obviously right
// rather than fast.

#include "sim/click_generator.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

namespace adclick::core::clickgen {

class SemanticsModel {
public:
    SemanticsModel(int64_t latenessMs, int64_t horizonMs, bool lateUpdate)
        : m_lateness(latenessMs)
        , m_horizon(horizonMs)
        , m_update(lateUpdate)
    { }

    void onReject(RejectReason reason);
    //! Steps 2–5 for one parsed event; returns the class it falls in.
    GenClass onEvent(const GenLine& e);
    //! Counters, rejects by reason and panes (not the settings).
    void fill(ClickTruth& t) const;

private:
    struct Cell {
        int64_t clicks = 0, late = 0;
    };
    //! Steps 3 and 4 for an event not beyond the horizon (haveW: some event came before).
    GenClass dedupAndWindow(const GenLine& e, bool haveW, int64_t w);
    //! Step 5, and forgetting the keys that can no longer matter.
    void advanceWatermark(int64_t timeMs);
    //! "c" + click_id, or "t" + ad_id, time, user_id, ip (NUL-separated: no field holds a NUL).
    static std::string identity(const GenLine& e);

    int64_t m_lateness, m_horizon;
    bool m_update;
    std::optional<int64_t> m_maxEventMs;
    std::unordered_map<std::string, int64_t> m_keys; //!< kept identity → its event time
    std::map<ClickTruth::PaneKey, Cell> m_panes;
    int64_t m_lines = 0, m_accepted = 0, m_duplicates = 0, m_late = 0, m_lateApplied = 0, m_rejected = 0;
    std::map<RejectReason, int64_t> m_rejectedBy;
    std::optional<int64_t> m_lastPrune; //!< the cutoff of the last pruning
};

} // namespace adclick::core::clickgen
