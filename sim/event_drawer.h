#pragma once

// Random events for the generator (internal to adclick_sim): times, Zipf-popular ads, users and
// countries, addresses, click ids and line styles, with identities that never meet by accident.

#include "sim/click_generator.h"
#include "sim/gen_event.h"
#include "sim/random_tables.h"
#include "sim/recent_identities.h"

#include <cstddef>
#include <cstdint>

namespace adclick::core::clickgen {

class EventDrawer {
public:
    //! Draws the ad and user shuffles, then the click-id and address salts, from `rng` (which
    //! the drawer keeps using: the generator and the drawer share one stream of draws).
    EventDrawer(const GenOptions& o, std::size_t countryCount, Rng& rng);

    //! The salt of the click ids' text (see LineRenderer).
    uint64_t clickSalt() const { return m_clickSalt; }
    //! The event time of the on-time event number `index`: its nominal time at options.rate,
    //! up to options.disorderMs earlier.
    int64_t onTimeMs(int64_t index);
    //! The nominal time of on-time event number `index`, before its disorder (draws nothing).
    int64_t nominalMs(int64_t index) const;
    //! Gives `e` a click_id of its own (on) or none (off), whatever make() drew.
    void setClickId(Event& e, bool on);
    //! The fields and the style of a fresh event at `t`.
    Event make(int64_t t);
    //! Makes the identity of an on-time event new (maxMs: the newest event time so far, or kNone).
    void makeUniqueOnTime(Event& e, int64_t maxMs);
    //! Gives a late event without a click_id an identity no event had (watermark: W, known).
    void makeUniqueLate(Event& e, int64_t watermark);

private:
    void setUser(Event& e, uint32_t user, bool roaming);
    //! The style choices of `e` (timestamp form, flags) from the random bits `r`.
    void drawStyle(Event& e, uint64_t r) const;

    const GenOptions& m_o;
    Rng& m_rng;
    ZipfTable m_adZipf, m_userZipf, m_countryZipf;
    Shuffle m_adShuffle, m_userShuffle;
    uint64_t m_clickSalt, m_ipSalt;
    double m_msPerEvent;
    uint64_t m_clickCount = 0;
    RecentIdentities m_recentOnTime, m_recentLate;
};

} // namespace adclick::core::clickgen
