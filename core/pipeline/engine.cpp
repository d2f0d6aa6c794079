#include "core/pipeline/engine.h"

#include "core/base/failpoint.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace adclick::core {

Engine::Engine(EngineConfig config)
    : m_config(config)
{
    m_dedup.setKeyLifetime(m_config.dedupHorizonMs + m_config.latenessMs);
}

void Engine::restore(int64_t maxEventMs, int64_t watermarkMs, const Counters& totals,
    std::vector<std::pair<uint32_t, std::string>> ads, int64_t rejectSamples)
{
    m_maxEventMs = maxEventMs;
    m_watermarkMs = watermarkMs;
    m_committed = totals;
    m_rejectSamples = rejectSamples;
    m_ads.clear();
    m_nextAd = 1;
    for (auto& [id, name] : ads) {
        m_nextAd = std::max(m_nextAd, id + 1);
        const uint64_t h = AdTable::hashOf(name);
        m_ads.insert(std::move(name), h, id);
    }
    m_dedup.clear();
    m_streams.clear();
    refreshExpiry();
    m_jumpCandidateMs = kNoTime;
    m_batch->clear();
    m_batch->jumpCandidateMs = kNoTime;
    m_lastMinuteDelta = nullptr;
}

int64_t Engine::dedupCutoffMs() const
{
    return m_watermarkMs == kNoTime ? kNoTime : m_watermarkMs - m_config.dedupHorizonMs;
}

int64_t Engine::purgeCutoffMs() const
{
    // kNoTime (INT64_MIN) marks a stream without data: it needs no key of its own yet.
    int64_t cutoff = m_watermarkMs == kNoTime ? INT64_MAX : dedupCutoffMs();
    for (const Stream& s : m_streams)
        if (s.watermarkMs != kNoTime) cutoff = std::min(cutoff, s.watermarkMs - m_config.dedupHorizonMs);
    return cutoff == INT64_MAX ? kNoTime : cutoff;
}

void Engine::refreshExpiry()
{
    m_dedup.setExpiry(purgeCutoffMs());
    m_sinceExpiryRefresh = 0;
}

int64_t Engine::restoreSinceMs(const std::vector<int64_t>& partitionMaxEventMs) const
{
    int64_t since = m_watermarkMs == kNoTime ? INT64_MAX : dedupCutoffMs();
    for (const int64_t max : partitionMaxEventMs)
        if (max != kNoTime) since = std::min(since, max - m_config.latenessMs - m_config.dedupHorizonMs);
    return since == INT64_MAX ? kNoTime : since;
}

void Engine::restoreKey(const RawEvent& e, int64_t sinceMs)
{
    // Duplicates and clicks beyond their stream's horizon were never keys. (Databases older than
    // schema version 5 stored the latter as LateDropped: restored as keys, which only a Kafka
    // partition trailing another by more than the horizon can tell apart.)
    if (e.status == RawStatus::Duplicate || e.status == RawStatus::BeyondHorizon || e.timeMs < sinceMs)
        return;
    // A non-duplicate event was kept under its identity when it ran (a kept key it met had
    // expired for it), always with a larger time than the key it replaced: the largest time read
    // back is the one the running engine kept, whatever order the raw events are stored in.
    restoreIdentity(clickIdentity(e.adId, e.timeMs, e.userId, e.ip, e.clickId, m_scratch), e.timeMs, sinceMs);
}

void Engine::restoreIdentity(const Hash128& key, int64_t timeMs, int64_t sinceMs)
{
    m_dedup.setExpiry(sinceMs);
    m_dedup.restore(key, timeMs);
}

int Engine::addStream(int64_t maxEventMs)
{
    Stream& s = m_streams.emplace_back();
    s.maxEventMs = maxEventMs;
    s.watermarkMs = maxEventMs == kNoTime ? kNoTime : maxEventMs - m_config.latenessMs;
    refreshExpiry();
    return static_cast<int>(m_streams.size()) - 1;
}

bool Engine::rejectsAsFuture(int64_t timeMs, int stream)
{
    if (timeMs > m_futureBoundMs) return true;
    if (stream != kFileStream || !m_jumpCheck || m_maxJumpMs <= 0 || m_maxEventMs == kNoTime
        || timeMs <= m_maxEventMs + m_maxJumpMs)
        return false;
    // Far ahead of the archive's largest event time: a lone outlier, or the first click after a
    // real gap. Only the next event decides: near this one it confirms the jump (and is taken),
    // otherwise this one stays rejected — one outlier never moves the watermark.
    if (m_jumpCandidateMs != kNoTime && timeMs >= m_jumpCandidateMs - m_maxJumpMs
        && timeMs <= m_jumpCandidateMs + m_maxJumpMs) {
        m_jumpCandidateMs = kNoTime;
        m_batch->jumpCandidateMs = kNoTime;
        return false;
    }
    m_jumpCandidateMs = timeMs;
    m_batch->jumpCandidateMs = timeMs;
    return true;
}

int64_t Engine::futureScreenMs() const
{
    if (!m_jumpCheck || m_maxJumpMs <= 0 || m_maxEventMs == kNoTime) return m_futureBoundMs;
    return std::min(m_futureBoundMs, m_maxEventMs + m_maxJumpMs);
}

uint32_t Engine::internAd(std::string_view name, uint64_t h)
{
    if (const uint32_t id = m_ads.find(name, h)) return id;
    const uint32_t id = m_nextAd++;
    m_ads.insert(std::string(name), h, id);
    m_batch->newAds.emplace_back(id, std::string(name));
    return id;
}

Engine::AdTable::AdTable()
{
    clear();
}

void Engine::AdTable::clear()
{
    m_slots.assign(1024, Slot {});
    m_names.clear();
    m_mask = m_slots.size() - 1;
    m_size = 0;
}

uint64_t Engine::AdTable::hashOf(std::string_view name)
{
    return hash64(name.data(), name.size()); // in memory only: the cheap hash will do
}

bool Engine::AdTable::matches(const Slot& s, std::string_view name) const
{
    if (name.size() > kInline) return s.length == kLongName && m_names[s.id] == name;
    return s.length == name.size() && std::memcmp(s.name, name.data(), name.size()) == 0;
}

uint32_t Engine::AdTable::find(std::string_view name, uint64_t hash) const
{
    for (std::size_t i = hash & m_mask;; i = (i + 1) & m_mask) {
        const Slot& s = m_slots[i];
        if (s.id == 0) return 0;
        if (s.hash == hash && matches(s, name)) return s.id;
    }
}

void Engine::AdTable::place(const Slot& slot)
{
    std::size_t i = slot.hash & m_mask;
    while (m_slots[i].id != 0)
        i = (i + 1) & m_mask;
    m_slots[i] = slot;
}

void Engine::AdTable::insert(std::string name, uint64_t hash, uint32_t id)
{
    if ((m_size + 1) * 2 > m_slots.size()) {
        std::vector<Slot> old = std::move(m_slots);
        m_slots.assign(old.size() * 2, Slot {});
        m_mask = m_slots.size() - 1;
        for (const Slot& s : old)
            if (s.id != 0) place(s);
    }
    Slot slot;
    slot.hash = hash;
    slot.id = id;
    if (name.size() <= kInline) {
        slot.length = static_cast<uint8_t>(name.size());
        std::memcpy(slot.name, name.data(), name.size());
    } else {
        slot.length = kLongName;
    }
    place(slot);
    if (m_names.size() <= id) m_names.resize(id + 1);
    m_names[id] = std::move(name);
    ++m_size;
}

Hash128 Engine::identityOf(const ClickEvent& e)
{
    return clickIdentity(e.adId, e.timeMs, e.userId, e.ip, e.clickId, m_scratch);
}

void Engine::onEvent(const ClickEvent& e)
{
    onEvent(e, identityOf(e));
}

void Engine::noteEventTime(int64_t timeMs)
{
    if (m_maxEventMs != kNoTime && timeMs <= m_maxEventMs) return;
    m_maxEventMs = timeMs;
    m_watermarkMs = std::max(m_watermarkMs, m_maxEventMs - m_config.latenessMs);
    if (m_live) m_live->advanceTo(finalEndMinute());
}

void Engine::onEvent(const ClickEvent& e, const Hash128& key)
{
    classify(e, key, m_watermarkMs);
    if (m_jumpCandidateMs != kNoTime) m_jumpCandidateMs = m_batch->jumpCandidateMs = kNoTime;
    noteEventTime(e.timeMs);
}

void Engine::onKnownDuplicate(const ClickEvent& e)
{
    Counters& c = m_batch->counters;
    ++c.lines;
    ++c.duplicates;
    ++minuteDelta(paneOf(e.timeMs)).duplicates;
    m_batch->raw.add(RawStatus::Duplicate, e.timeMs, e.adId, e.country, e.userId, e.ip, e.clickId);
    ++m_batch->rawEvents;
    if (m_batch->rawMinMs == kNoTime || e.timeMs < m_batch->rawMinMs) m_batch->rawMinMs = e.timeMs;
    if (m_batch->rawMaxMs == kNoTime || e.timeMs > m_batch->rawMaxMs) m_batch->rawMaxMs = e.timeMs;
    if (m_jumpCandidateMs != kNoTime) m_jumpCandidateMs = m_batch->jumpCandidateMs = kNoTime;
    noteEventTime(e.timeMs);
}

void Engine::onEvent(const ClickEvent& e, const Hash128& key, int stream)
{
    if (stream == kFileStream) return onEvent(e, key);
    Stream& s = m_streams[static_cast<std::size_t>(stream)];
    classify(e, key, s.watermarkMs);
    const bool firstClick = s.maxEventMs == kNoTime;
    if (firstClick || e.timeMs > s.maxEventMs) {
        s.maxEventMs = e.timeMs;
        s.watermarkMs = e.timeMs - m_config.latenessMs;
        if (firstClick) refreshExpiry(); // the stream's keys count from now: the cutoff may fall
    }
    // The database's watermark (finality) is the caller's: the minimum over partitions.
    if (m_maxEventMs == kNoTime || e.timeMs > m_maxEventMs) m_maxEventMs = e.timeMs;
}

void Engine::classify(const ClickEvent& e, const Hash128& key, int64_t w)
{
    Counters& c = m_batch->counters;
    ++c.lines;
    const int64_t pane = paneOf(e.timeMs);
    const int64_t cutoff = w == kNoTime ? kNoTime : w - m_config.dedupHorizonMs;

    if (w != kNoTime && e.timeMs < cutoff) {
        // Beyond the dedup horizon: too old to prove unique, so never applied.
        ++c.late;
        record(e, RawStatus::BeyondHorizon, pane, false, true);
    } else {
        if (++m_sinceExpiryRefresh >= kExpiryRefreshClicks) refreshExpiry();
        if (m_dedup.checkAndInsert(key, e.timeMs, cutoff)) {
            ++c.duplicates;
            ++minuteDelta(pane).duplicates;
            m_batch->raw.add(RawStatus::Duplicate, e.timeMs, e.adId, e.country, e.userId, e.ip, e.clickId);
            ++m_batch->rawEvents;
        } else {
            const bool final = w != kNoTime && w >= (pane + 1) * kMinuteMs;
            if (!final) {
                ++c.accepted;
                record(e, RawStatus::Accepted, pane, true, false);
            } else if (m_config.late == LatePolicy::Update) {
                ++c.late;
                ++c.lateApplied;
                record(e, RawStatus::LateApplied, pane, true, true);
            } else {
                ++c.late;
                record(e, RawStatus::LateDropped, pane, false, true);
            }
        }
    }
    if (m_batch->rawMinMs == kNoTime || e.timeMs < m_batch->rawMinMs) m_batch->rawMinMs = e.timeMs;
    if (m_batch->rawMaxMs == kNoTime || e.timeMs > m_batch->rawMaxMs) m_batch->rawMaxMs = e.timeMs;
}

void Engine::record(const ClickEvent& e, RawStatus status, int64_t pane, bool counted, bool late)
{
    const uint64_t adHash = AdTable::hashOf(e.adId);
    const PaneKey key { 0, internAd(e.adId, adHash), pane, packCountry(e.country) };
    PaneDelta& d = m_batch->panes.at(key, adHash);
    MinuteDelta& m = minuteDelta(pane);
    if (counted && !late) ++m.accepted;
    if (late) ++m.late;
    d.clicks += counted;
    d.late += late;
    if (m_live && counted) m_live->add(pane, std::string(e.adId), 1);
    for (const EventFilter& f : m_filters) {
        if (!f.matches(f.ctx, e.country, e.userId, e.ip)) continue;
        PaneDelta& fd = m_batch->panes.at(PaneKey { f.id, key.ad, pane, key.country }, adHash);
        fd.clicks += counted;
        fd.late += late;
    }
    m_batch->raw.add(status, e.timeMs, e.adId, e.country, e.userId, e.ip, e.clickId);
    ++m_batch->rawEvents;
}

void Engine::addCounted(int64_t minute, std::string_view adId, uint32_t country, int64_t clicks, int64_t late)
{
    const uint64_t adHash = AdTable::hashOf(adId);
    PaneDelta& d = m_batch->panes.at(PaneKey { 0, internAd(adId, adHash), minute, country }, adHash);
    d.clicks += clicks;
    d.late += late;
    if (m_live && clicks) m_live->add(minute, std::string(adId), clicks);
}

MinuteDelta& Engine::minuteDelta(int64_t pane)
{
    if (pane != m_lastMinute || !m_lastMinuteDelta) {
        m_lastMinute = pane;
        m_lastMinuteDelta = &m_batch->minutes[pane]; // map nodes stay put until the batch is cleared
    }
    return *m_lastMinuteDelta;
}

void Engine::onReject(RejectReason reason, std::string_view source, uint64_t offset, std::string_view line)
{
    Counters& c = m_batch->counters;
    ++c.lines;
    ++c.rejected;
    ++c.rejectedBy[static_cast<std::size_t>(reason)];
    if (m_rejectSamples < kMaxRejectSamples) {
        ++m_rejectSamples;
        m_batch->rejects.push_back(
            { std::string(source), offset, reason, std::string(samplePrefix(line, kRejectSampleBytes)) });
    }
}

void Engine::advanceWatermark(int64_t watermarkMs)
{
    if (m_watermarkMs == kNoTime || watermarkMs > m_watermarkMs) m_watermarkMs = watermarkMs;
    if (m_live) m_live->advanceTo(finalEndMinute());
}

void Engine::enableLiveTop(int windowMinutes)
{
    m_live = std::make_unique<SlidingTopN>(windowMinutes);
}

int64_t Engine::finalEndMinute() const
{
    return m_watermarkMs == kNoTime ? INT64_MIN : paneOf(m_watermarkMs);
}

Counters Engine::totals() const
{
    Counters t = m_committed;
    t += m_batch->counters;
    return t;
}

void Engine::batchCommitted()
{
    m_committed += m_batch->counters;
    m_batch->clear();
    m_lastMinuteDelta = nullptr;
}

std::unique_ptr<Batch> Engine::handOff(std::unique_ptr<Batch> next)
{
    m_committed += m_batch->counters;
    next->clear();
    // State stored with every batch, not a change of this one (Batch::clear keeps it).
    next->jumpCandidateMs = m_batch->jumpCandidateMs;
    next->raw.continueFrom(m_batch->raw); // the same frames as one batch refilled would get
    std::swap(m_batch, next);
    m_lastMinuteDelta = nullptr; // it points into the handed-off batch's minutes
    return next;
}

} // namespace adclick::core
