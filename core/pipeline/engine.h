#pragma once

#include "core/base/click_event.h"
#include "core/input/line_parser.h"
#include "core/pipeline/batch.h"
#include "core/pipeline/dedup_set.h"
#include "core/pipeline/raw_format.h"
#include "core/pipeline/sliding_top_n.h"

#include <climits>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adclick::core {

//! A saved filter applied per event (the design's filter_id dimension).
struct EventFilter {
    uint32_t id = 0;
    //! true when the click belongs to the filter.
    bool (*matches)(const void* ctx, std::string_view country, std::string_view userId, std::string_view ip)
        = nullptr;
    const void* ctx = nullptr;
};

//! The exact event-time logic of docs/semantics.md: dedup, one-minute panes, watermark, late
//! events. Pure computation: it fills a Batch that the store commits; it does no I/O.
class Engine {
public:
    explicit Engine(EngineConfig config);

    const EngineConfig& config() const { return m_config; }

    //! State that survives restarts, loaded from the store before the first event.
    void restore(int64_t maxEventMs, int64_t watermarkMs, const Counters& totals,
        std::vector<std::pair<uint32_t, std::string>> ads, int64_t rejectSamples);
    //! Re-remember the identity of a raw event read back from the store (restart): every
    //! non-duplicate event from `sinceMs` on, in any order, the largest time of an identity winning.
    //! `sinceMs` must be at most every stream's dedup cutoff (restoreSinceMs).
    void restoreKey(const RawEvent& event, int64_t sinceMs);
    //! Re-remember an identity with its event time (a partition checkpoint's key, see
    //! forEachStreamKey); `sinceMs` as for restoreKey.
    void restoreIdentity(const Hash128& key, int64_t timeMs, int64_t sinceMs);
    //! Calls f(identity, timeMs) for every dedup key that can still matter to `stream`: those at
    //! or after its dedup cutoff. With the stream's largest event time, the reject-sample count
    //! and the totals, that is the whole state a Kafka partition's engine carries from one message
    //! to the next (a cluster worker's checkpoint, core/cluster/checkpoint.h).
    template <class F> void forEachStreamKey(int stream, F&& f) const
    {
        const Stream& s = m_streams[static_cast<std::size_t>(stream)];
        m_dedup.forEach(s.watermarkMs == kNoTime ? kNoTime : s.watermarkMs - m_config.dedupHorizonMs, f);
    }
    int64_t rejectSamples() const { return m_rejectSamples; }
    //! The oldest event time whose key can still matter: the lowest dedup cutoff of the file
    //! stream and of the Kafka partitions whose largest event times are given (kNoTime: no data).
    int64_t restoreSinceMs(const std::vector<int64_t>& partitionMaxEventMs) const;

    //! An event of the file stream (files and stdin, one sequence in input order).
    void onEvent(const ClickEvent& event);
    //! The same, with the identity already computed (see identityOf / prefetch).
    void onEvent(const ClickEvent& event, const Hash128& identity);
    //! An event of the file stream already known to repeat an earlier click of its input (ingest
    //! --order any finds copies by sorting the whole input): a duplicate, whatever the dedup set holds.
    void onKnownDuplicate(const ClickEvent& event);
    //! An event of a Kafka partition (addStream): judged against that partition's own watermark;
    //! of the file stream when `stream` is kFileStream (the overload above).
    void onEvent(const ClickEvent& event, const Hash128& identity, int stream);

    //! A Kafka partition as its own ordered stream, continuing from its largest event time
    //! (kNoTime: none yet); returns its stream number. See docs/semantics.md "Partitions".
    int addStream(int64_t maxEventMs);
    int64_t streamMaxEventMs(int stream) const
    {
        return m_streams[static_cast<std::size_t>(stream)].maxEventMs;
    }

    //! Step 0 of docs/semantics.md: sanity bounds on event time. Nothing later than `latestMs`
    //! (the wall clock + --max-future, set by the caller) is accepted; INT64_MAX: no bound.
    void setFutureBound(int64_t latestMs) { m_futureBoundMs = latestMs; }
    //! Archives: an event of the file stream more than `maxJumpMs` ahead of its largest event
    //! time needs confirmation (0: no such check). `on` is set per source by the caller.
    void setJumpCheck(bool on, int64_t maxJumpMs)
    {
        m_jumpCheck = on;
        m_maxJumpMs = maxJumpMs;
    }
    //! True when an event at `timeMs` is rejected as `future` (the caller then calls onReject);
    //! decides in input order, so call it right before onEvent for the same event.
    bool rejectsAsFuture(int64_t timeMs, int stream = kFileStream);
    //! Events at or before this time are never rejected as future (a cheap pre-check; events of
    //! the file stream passed to onEvent later may only raise it).
    int64_t futureScreenMs() const;
    //! The jump waiting for confirmation (kNoTime: none); stored with each commit.
    int64_t jumpCandidateMs() const { return m_jumpCandidateMs; }
    void restoreJumpCandidate(int64_t timeMs) { m_jumpCandidateMs = m_batch->jumpCandidateMs = timeMs; }
    static constexpr int kFileStream = -1;

    //! The dedup identity of an event, and a hint to load its dedup slot into the cache: callers
    //! that look a few events ahead hide the table's cache miss (the largest cost per event).
    Hash128 identityOf(const ClickEvent& event);
    void prefetch(const Hash128& identity, std::string_view adId) const
    {
        m_dedup.prefetch(identity);
        m_ads.prefetch(AdTable::hashOf(adId));
    }
    //! The same, and the event's pane cell (when it is counted, the most likely outcome).
    void prefetch(const Hash128& identity, const ClickEvent& event) const
    {
        m_dedup.prefetch(identity);
        const uint64_t adHash = AdTable::hashOf(event.adId);
        m_ads.prefetch(adHash);
        m_batch->panes.prefetch(adHash, paneOf(event.timeMs), packCountry(event.country));
    }
    void onReject(RejectReason reason, std::string_view source, uint64_t offset, std::string_view line);
    //! The cluster store (ingest_aggregates.cpp): a pane cell a worker counted, added to the open
    //! batch as if its clicks had been counted here (agg, live top-N); minutes and counters are the
    //! caller's.
    void addCounted(int64_t minute, std::string_view adId, uint32_t country, int64_t clicks, int64_t late);

    //! The watermark moves to at least `watermarkMs`: the idle advance of a followed file (which
    //! also moves the file stream's lateness), or the minimum over Kafka partitions (finality only).
    void advanceWatermark(int64_t watermarkMs);

    //! The database's watermark: when panes are final. For files also the file stream's own.
    int64_t watermarkMs() const { return m_watermarkMs; } //!< kNoTime before the first event
    int64_t maxEventMs() const { return m_maxEventMs; } //!< over all streams
    //! The file stream's dedup cutoff: watermark − horizon (kNoTime before the first event).
    int64_t dedupCutoffMs() const;
    std::size_t dedupKeys() const { return m_dedup.size(); }
    std::size_t dedupMemoryBytes() const { return m_dedup.memoryBytes(); }

    void setFilters(std::vector<EventFilter> filters) { m_filters = std::move(filters); }

    //! Keeps the live top-N over the last `windowMinutes` final panes (see SlidingTopN). The
    //! caller seeds it with the stored panes of that window (and the open ones) after a restart.
    void enableLiveTop(int windowMinutes);
    SlidingTopN* liveTop() { return m_live.get(); }
    //! End of the newest final pane, in epoch minutes (the default "at" of the top-N query).
    int64_t finalEndMinute() const;

    Batch& batch() { return *m_batch; }
    //! Totals including the open batch (and a batch handed off and not yet committed).
    Counters totals() const;
    //! Call after the batch was committed.
    void batchCommitted();
    //! Hands the open batch over to be committed elsewhere (ingest --threads, committer.h) and
    //! goes on counting into `next` (a batch from an earlier hand-off, or a new one; cleared
    //! here). The handed-off counters count as committed from now on: a commit that fails ends
    //! the run, and the next one starts from what the store holds.
    std::unique_ptr<Batch> handOff(std::unique_ptr<Batch> next);

    static constexpr int kMaxRejectSamples = 1000;

private:
    //! The event-time state of one Kafka partition.
    struct Stream {
        int64_t maxEventMs = kNoTime;
        int64_t watermarkMs = kNoTime; //!< maxEventMs − lateness
    };
    //! A click of time `timeMs` was read: the largest event time and the watermark move up to it.
    void noteEventTime(int64_t timeMs);
    //! Steps 2–4 against the watermark `w` of the event's own stream.
    void classify(const ClickEvent& e, const Hash128& key, int64_t w);
    //! Keys older than this may be deleted from the dedup set (its expiry): the lowest cutoff of
    //! every stream with data, so no stream still needs them.
    int64_t purgeCutoffMs() const;
    //! Gives the dedup set purgeCutoffMs() as its expiry. Between calls the expiry it holds is at
    //! most the true cutoff (watermarks only rise), which only delays purging; the two ways the
    //! cutoff can fall — a stream added, a stream's first click — call it at once.
    void refreshExpiry();
    uint32_t internAd(std::string_view name, uint64_t hash);
    void record(const ClickEvent& e, RawStatus status, int64_t pane, bool counted, bool late);
    MinuteDelta& minuteDelta(int64_t pane);

    EngineConfig m_config;
    int64_t m_maxEventMs = kNoTime;
    int64_t m_watermarkMs = kNoTime;
    Counters m_committed;
    int64_t m_rejectSamples = 0;
    DedupSet m_dedup;
    //! Clicks classified since refreshExpiry: purgeCutoffMs walks every stream (a Kafka topic's
    //! partitions), so it runs once per kExpiryRefreshClicks, not per click.
    int m_sinceExpiryRefresh = 0;
    static constexpr int kExpiryRefreshClicks = 1024;
    std::string m_scratch;
    //! ad name → interned id: open addressing over (hash, id) with short names (the usual ad
    //! ids) inline in the slot, so a lookup is one prefetchable cache line; longer names are
    //! compared in the list beside it.
    class AdTable {
    public:
        AdTable();
        static uint64_t hashOf(std::string_view name);
        uint32_t find(std::string_view name, uint64_t hash) const; //!< 0 when absent
        void insert(std::string name, uint64_t hash, uint32_t id);
        void prefetch(uint64_t hash) const { __builtin_prefetch(&m_slots[hash & m_mask]); }
        void clear();

    private:
        static constexpr std::size_t kInline = 19;
        static constexpr uint8_t kLongName = 0xff;
        struct alignas(32) Slot {
            uint64_t hash = 0;
            uint32_t id = 0; //!< 0 = empty
            uint8_t length = 0; //!< of the inline name, or kLongName (then see m_names)
            char name[kInline] = {};
        };
        bool matches(const Slot& s, std::string_view name) const;
        void place(const Slot& slot);
        std::vector<Slot> m_slots;
        std::vector<std::string> m_names; //!< by id
        std::size_t m_mask = 0, m_size = 0;
    };
    AdTable m_ads;
    std::unique_ptr<SlidingTopN> m_live;
    std::vector<Stream> m_streams;
    int64_t m_futureBoundMs = INT64_MAX;
    bool m_jumpCheck = false;
    int64_t m_maxJumpMs = 0;
    int64_t m_jumpCandidateMs = kNoTime;
    uint32_t m_nextAd = 1;
    std::vector<EventFilter> m_filters;
    std::unique_ptr<Batch> m_batch = std::make_unique<Batch>(); //!< the open batch
    int64_t m_lastMinute = kNoTime; //!< cache of the last minute looked up in m_batch->minutes
    MinuteDelta* m_lastMinuteDelta = nullptr;
};

} // namespace adclick::core
