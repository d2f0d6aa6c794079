#include "sim/event_drawer.h"

#include <algorithm>

namespace adclick::core::clickgen {

namespace {

constexpr uint32_t kCgnat = 0x64400000u; // 100.64.0.0

//! On-time events never use 100.64.0.0/10, the late ones without a click_id always do: so
//! their identities can never meet, and each kind is checked among its own kind only.
uint32_t outsideCgnat(uint32_t v4)
{
    return (v4 & 0xFFC00000u) == kCgnat ? v4 & ~0x00400000u : v4;
}

uint64_t identityHash(const Event& e)
{
    uint64_t h = mix64(e.ad ^ (uint64_t(e.user) << 32));
    h = mix64(h ^ static_cast<uint64_t>(e.timeMs));
    h = mix64(h ^ e.ip.kind ^ (uint64_t(e.ip.v4) << 8));
    h = mix64(h ^ e.ip.g[0] ^ (uint64_t(e.ip.g[1]) << 16) ^ (uint64_t(e.ip.g[2]) << 32)
        ^ (uint64_t(e.ip.g[3]) << 48));
    return mix64(h ^ e.ip.g[4] ^ (uint64_t(e.ip.g[5]) << 16));
}

} // namespace

EventDrawer::EventDrawer(const GenOptions& o, std::size_t countryCount, Rng& rng)
    : m_o(o)
    , m_rng(rng)
    , m_adZipf(o.ads, o.zipf)
    , m_userZipf(o.users, o.zipf)
    , m_countryZipf(countryCount, o.zipf)
    , m_adShuffle(o.ads, rng)
    , m_userShuffle(o.users, rng)
    , m_clickSalt(rng.next())
    , m_ipSalt(rng.next())
    , m_msPerEvent(1000.0 / o.rate)
{ }

int64_t EventDrawer::nominalMs(int64_t index) const
{
    return m_o.startMs + static_cast<int64_t>(static_cast<double>(index) * m_msPerEvent);
}

void EventDrawer::setClickId(Event& e, bool on)
{
    if (!on)
        e.clickSeq = 0;
    else if (!e.clickSeq)
        e.clickSeq = ++m_clickCount;
}

int64_t EventDrawer::onTimeMs(int64_t index)
{
    const int64_t nominal = nominalMs(index);
    const int64_t jitter
        = m_o.disorderMs > 0 ? static_cast<int64_t>(m_rng.below(uint64_t(m_o.disorderMs) + 1)) : 0;
    return std::max<int64_t>(0, nominal - jitter);
}

void EventDrawer::setUser(Event& e, uint32_t user, bool roaming)
{
    e.user = user;
    e.ip = Ip {}; // unused parts stay zero: the identity hash covers all of them
    if (roaming) {
        // A click from somewhere else than the user's usual address.
        const uint64_t r = m_rng.next();
        if ((r & 63) == 0) {
            e.ip.kind = 2;
            for (int k = 0; k < 4; ++k)
                e.ip.g[k] = static_cast<uint16_t>(mix64(r + k));
        } else {
            e.ip.v4 = outsideCgnat(static_cast<uint32_t>(r >> 32));
        }
        return;
    }
    const uint64_t h = mix64(m_ipSalt ^ user);
    if ((h & 255) < 15) { // ~6% of the users are on IPv6
        e.ip.kind = (h & 256) ? 1 : 2;
        for (int k = 0; k < (e.ip.kind == 1 ? 6 : 4); ++k)
            e.ip.g[k] = static_cast<uint16_t>(mix64(h + k));
        if (e.ip.kind == 1 && e.ip.g[0] == 0) e.ip.g[0] = 1;
    } else {
        e.ip.v4 = outsideCgnat(static_cast<uint32_t>(h >> 32));
    }
}

Event EventDrawer::make(int64_t t)
{
    Event e;
    e.timeMs = t;
    e.ad = m_adShuffle(m_adZipf.sample(m_rng));
    e.country = m_countryZipf.sample(m_rng);
    const uint64_t r = m_rng.next();
    setUser(e, m_userShuffle(m_userZipf.sample(m_rng)), (r & 0xFF) < 26); // ~10% roaming
    if (m_o.clickIdFraction > 0 && m_rng.chance(m_o.clickIdFraction)) e.clickSeq = ++m_clickCount;
    drawStyle(e, r);
    return e;
}

void EventDrawer::drawStyle(Event& e, uint64_t r) const
{
    const unsigned b1 = (r >> 8) & 0xFF, b2 = (r >> 16) & 0xFF, b3 = (r >> 24) & 0xFF;
    if (m_o.format == LineFormat::Book)
        e.tsForm = b1 < 77 ? 1 : 0; // 30% ISO
    else if (m_o.format == LineFormat::Csv)
        e.tsForm = b1 < 128 ? 0 : (b1 < 192 ? 1 : 2);
    else
        e.tsForm = b1 < 96 ? 0 : (b1 < 160 ? 1 : (b1 < 224 ? 2 : 3));
    e.flags = 0;
    if (b2 < 3) e.flags |= kLowerCountry;
    if (m_o.format == LineFormat::Jsonl) {
        const unsigned b4 = (r >> 32) & 0xFF, b5 = (r >> 40) & 0xFF;
        if (b3 < 3) e.flags |= kEscapeUser;
        if (b4 < 26) e.flags |= kAltTimeKey;
        if (b4 >= 128 && b4 < 154) e.flags |= kShuffleKeys;
        if (b5 < 51) e.flags |= kExtra;
        if (b5 >= 200 && b5 < 226) e.flags |= kJsonSpaces;
    } else if (m_o.format == LineFormat::Csv && b3 < 8) {
        e.flags |= kQuote;
    }
    e.variant = static_cast<uint32_t>(r >> 48);
}

//! An on-time event is at most D behind the newest event, and so are all on-time events it could
//! equal (identities include the time): older ones are forgotten. That keeps the table small and
//! hot. A clash changes the user (or, after a few tries, the address).
void EventDrawer::makeUniqueOnTime(Event& e, int64_t maxMs)
{
    if (e.clickSeq) return; // click ids are unique by construction
    const int64_t cutoff = maxMs == kNone ? kNone : maxMs - m_o.disorderMs - 1000;
    for (int attempt = 0;; ++attempt) {
        if (m_recentOnTime.insert(identityHash(e), e.timeMs, cutoff)) return;
        if (attempt < 4)
            setUser(e, m_userShuffle(m_userZipf.sample(m_rng)), false);
        else
            setUser(e, e.user, true);
    }
}

//! A late event without a click_id gets a 100.64.0.0/10 address (a carrier NAT: phones that
//! were offline), unused by on-time events, and one no recent late event has.
void EventDrawer::makeUniqueLate(Event& e, int64_t watermark)
{
    if (e.clickSeq) return;
    // Late times are ≥ W − H − span.
    const int64_t cutoff = watermark - m_o.dedupHorizonMs - kBeyondSpanMs - kMarginMs;
    for (;;) {
        e.ip = Ip {};
        e.ip.v4 = kCgnat | static_cast<uint32_t>(m_rng.next() & 0x3FFFFF);
        if (m_recentLate.insert(identityHash(e), e.timeMs, cutoff)) return;
    }
}

} // namespace adclick::core::clickgen
