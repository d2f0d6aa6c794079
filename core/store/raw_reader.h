#pragma once

#include "core/base/status.h"
#include "core/pipeline/raw_format.h"
#include "core/pipeline/raw_frame.h"
#include "core/store/raw_blocks.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace adclick::core {

namespace sql {
class Connection;
}

//! Half-open event-time range [fromMs, toMs).
struct TimeRange {
    int64_t fromMs = 0, toMs = 0;
    bool contains(int64_t t) const { return t >= fromMs && t < toMs; }
};

//! A row of the segments table: only the first `bytes` bytes of the file are committed.
struct RawSegment {
    int64_t id = 0;
    std::string file; //!< name inside `<db>.raw/`
    uint64_t bytes = 0;
    int64_t minMs = 0, maxMs = 0; //!< event-time range of its events
    bool checked = false; //!< false in a database of schema version 1 (no checksums)
    std::vector<RawBlock> blocks; //!< the checksums of its committed bytes
};

//! Why a cluster store (fed by `adclick aggregate` workers, docs/SCALING.md) cannot answer what
//! needs raw events.
inline constexpr const char* kClusterStoreNoRaw
    = "this database is a cluster store (adclick ingest kafka://...?kind=aggregates): it holds the "
      "per-minute aggregates only, no raw events, so ip= and user_id= filters, times inside a minute, "
      "saved filters and recompute cannot be answered here; use whole minutes and country filters";
//! kClusterStoreNoRaw for a cluster store: answering from its (absent) raw events would silently
//! count nothing. Called where a query or a recompute is about to read raw events.
Status refuseRawOnClusterStore(const sql::Connection& conn);

//! Segments holding committed events whose [min_ms, max_ms] meets one of `ranges`, by id.
//! Call it inside the read transaction that also reads the aggregates: segments and aggregates
//! are committed together, so the two then describe exactly the same events.
Result<std::vector<RawSegment>> committedSegments(
    const sql::Connection& conn, const std::vector<TimeRange>& ranges);

//! What a read may leave out before calling back: the reader then skips whole frames of the
//! binary segments (those without the ad) and never materialises the events it leaves out.
struct RawScan {
    std::optional<std::string_view> adId; //!< only the events of this ad (kept alive by the caller)
    bool countedOnly = false; //!< only the events in the aggregates (isCounted)
    //! Only the events this filter (resolved: no saved references) matches; binary segments test
    //! it on the encoded columns before decoding an event (kept alive by the caller).
    const Filter* filter = nullptr;
    //! The fields the callback reads: binary segments decompress only the columns up to them
    //! (and those the filter needs); the other fields of the events are empty.
    RawColumns columns = RawColumns::All;
    //! The callback may see the events in any order and from another thread (one call at a
    //! time): the reader then decodes binary segments on two threads. For sums.
    bool anyOrder = false;
    //! Checked before each frame (and each block of a text segment): once set, the read stops
    //! as if the callback had returned false (kept alive by the caller).
    const std::atomic<bool>* cancel = nullptr;
};

//! Reads committed raw events back from segment files (pread), ignoring any uncommitted tail
//! beyond a segment's committed length. Text segments (`.tsv`, schema version ≤ 2) are read
//! line by line; binary ones (raw_frame.h) frame by frame, reading only the frames whose time
//! span meets the ranges (checked by their own CRC; version-1 frames by the 1 MiB checksum blocks
//! under them). Not thread-safe; one per thread.
class RawReader {
public:
    //! Return false to stop reading (read() then returns ok).
    using Callback = std::function<bool(const RawEvent&)>;

    //! `parallelBytes`: an anyOrder scan of fewer bytes of frames stays on one thread (below ~2 MiB
    //! a second thread's start, decoder and buffers cost more than it saves).
    explicit RawReader(
        std::string rawDir, std::size_t blockBytes = 4u << 20, uint64_t parallelBytes = 2u << 20);
    ~RawReader();

    //! Calls `fn` for each committed event of `segments` whose time lies in one of `ranges`,
    //! in file order. The event's views are valid only during the call. A missing or short
    //! file or an unreadable committed line or frame is an error: answers built on it would
    //! not be exact.
    Status read(
        const std::vector<RawSegment>& segments, const std::vector<TimeRange>& ranges, const Callback& fn);
    //! The same for only the events `scan` selects.
    Status read(const std::vector<RawSegment>& segments, const std::vector<TimeRange>& ranges,
        const RawScan& scan, const Callback& fn);

    //! Frames of binary segments decoded so far, and segment bytes read (pread): what a range
    //! read costs, for tests and measurements.
    uint64_t framesRead() const { return m_framesRead.load(std::memory_order_relaxed); }
    uint64_t bytesRead() const { return m_bytesRead.load(std::memory_order_relaxed); }

    struct FrameAt; //!< a frame's place and header (raw_reader_frames.cpp)

private:
    struct SegmentFile;
    struct Worker;
    Status readTextSegment(const RawSegment& segment, const std::vector<TimeRange>& ranges,
        const RawScan& scan, const Callback& fn, bool& stopped);
    Status readFrameSegment(const RawSegment& segment, const std::vector<TimeRange>& ranges,
        const RawScan& scan, const Callback& fn, bool& stopped);
    //! The frames of one segment that meet the ranges, on one or two threads.
    Status readFrames(SegmentFile& f, const std::vector<FrameAt>& frames,
        const std::vector<TimeRange>& ranges, const RawScan& scan, const Callback& fn, bool& stopped);
    //! frames [from, to) with worker `w`; stops early when `halt` is set (by the other thread).
    Status readRange(Worker& w, SegmentFile& f, const std::vector<FrameAt>& frames, std::size_t from,
        std::size_t to, const std::vector<TimeRange>& ranges, const RawScan& scan, const Callback& fn,
        bool& stopped, std::mutex* calls, std::atomic<bool>& halt);
    Status readFrame(Worker& w, SegmentFile& f, const FrameAt& frame, const std::vector<TimeRange>& ranges,
        const RawScan& scan, const Callback& fn, bool& stopped, std::mutex* calls, std::atomic<bool>& halt);
    //! Makes file bytes [from, to) available at w.win (w.winFrom on), whole checksum blocks
    //! checked once each.
    Status load(Worker& w, SegmentFile& f, uint64_t from, uint64_t to, bool ahead);
    //! Makes a frame's bytes available at w.win, checked: by its own CRC (version 2: only its
    //! bytes are read, with the frames to be read after it up to `runTo`) or by the checksum
    //! blocks under it (`ahead`: read on in big pieces).
    Status loadFrame(Worker& w, SegmentFile& f, const FrameAt& frame, bool ahead, uint64_t runTo);
    //! Reads file bytes [from, to) into w.win unless they are there; `aligned`: whole checksum
    //! blocks (load checks them), else just the bytes (and on ahead when `ahead`).
    Status window(Worker& w, SegmentFile& f, uint64_t from, uint64_t to, bool ahead, bool aligned);

    std::string m_rawDir;
    std::size_t m_blockBytes;
    uint64_t m_parallelBytes;
    std::string m_carry;
    std::unique_ptr<Worker> m_main, m_aux; //!< the caller's thread; the second (made when first needed)
    std::atomic<uint64_t> m_framesRead { 0 }, m_bytesRead { 0 };
};

} // namespace adclick::core
