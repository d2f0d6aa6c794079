#pragma once

// The click log generator (internal to adclick_sim): decides line by line what comes next
// (on-time, duplicate, late, malformed, blank), keeps the intended classes' counters and checks
// each event against the semantics model.

#include "sim/click_generator.h"
#include "sim/event_drawer.h"
#include "sim/event_sinks.h"
#include "sim/gen_event.h"
#include "sim/line_renderer.h"
#include "sim/random_tables.h"
#include "sim/truth_model.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace adclick::core::clickgen {

class Generator {
public:
    //! With `lines`, also one GenLine per output line.
    Generator(const GenOptions& o, std::vector<GenLine>* lines);

    //! Writes the whole log to `sink` and closes it; fills the report.
    Status run(Sink& sink, GenReport& report);

private:
    static constexpr std::size_t kRingSize
        = 256; //!< duplicates repeat one of the last kRingSize accepted events

    int64_t watermark() const { return m_maxMs == kNone ? kNone : m_maxMs - m_o.latenessMs; }
    Status flush();
    //! Counted line number `i`: its kind drawn from the rates.
    void emitCounted(int64_t i);
    //! The truth from the model (checked against the intended classes) or, without it, the
    //! counters of the intended classes.
    Status fillTruth(ClickTruth& t);

    void emitOnTime();
    bool emitDuplicate();
    bool emitLate();
    void emitMalformed();
    void emitBlank();
    void emitCsvHeader();
    //! Writes a counted event line; returns its index in m_lines (or -1).
    int64_t emitEvent(const Event& e, GenClass cls, int64_t original);
    void countEvent(GenClass cls);
    //! What the parser must report for the line of `e`.
    GenLine lineOf(const Event& e, GenClass cls, int64_t original);
    void checkWithModel(const GenLine& line);

    // Boundary probes (GenOptions::boundary; sim/generator_boundary.cpp).
    struct Probe {
        Event event;
        GenClass cls = GenClass::Accepted;
        int64_t original = -1; //!< Duplicate: the line it repeats (-1: the probe line before it)
        int64_t originalFor = kNone; //!< an on-time event kept for the anchor of this minute
    };
    struct Original {
        Event event;
        int64_t line = -1;
    };
    //! With no probe queued: queues the next group that is due before the next on-time event
    //! (originals for a later anchor, or an anchor with its probes), if any.
    void planBoundaryProbes();
    //! Events at t − 1, t and t + 1 ms would all be on time now.
    bool originalsOnTime(int64_t t) const;
    void queueOriginals(int64_t minute);
    void queueAnchor(int64_t minute);
    void queueProbe(const Event& e, GenClass cls, int64_t original = -1, int64_t originalFor = kNone);
    //! A fresh event at `t` (clickId: 1 with a click_id, 0 without, -1 as drawn) whose identity
    //! no other generated event has.
    Event freshProbe(int64_t t, int clickId = -1);
    void emitProbe();

    const GenOptions& m_o;
    const std::vector<std::string>& m_countries;
    // Declaration order is draw order: the drawer's and the renderer's constructors take their
    // fixed-per-seed choices from m_rng, and every output byte depends on the order of draws.
    Rng m_rng;
    EventDrawer m_draw;
    LineRenderer m_render;
    std::vector<GenLine>* m_lines;
    std::optional<SemanticsModel> m_model;
    Status m_error;

    Sink* m_sink = nullptr;
    std::string m_buf;
    struct RingEntry {
        Event event;
        int64_t line = -1;
    };
    std::array<RingEntry, kRingSize> m_ring {};
    std::size_t m_ringNext = 0, m_ringCount = 0;

    std::deque<Probe> m_probes;
    std::map<int64_t, std::vector<Original>> m_originals; //!< by the minute of their anchor
    int64_t m_nextOriginals = kNone, m_nextAnchor = kNone; //!< minutes of the next groups
    int64_t m_lastProbeLine = -1;

    int64_t m_onTime = 0;
    int64_t m_maxMs = kNone;
    int64_t m_accepted = 0, m_duplicates = 0, m_late = 0, m_lateApplied = 0, m_rejected = 0;
    std::array<int64_t, kRejectReasonCount> m_rejectedBy {};
    int64_t m_blank = 0, m_header = 0;
    uint64_t m_bytes = 0;
};

} // namespace adclick::core::clickgen
