#include "core/store/raw_reader.h"
#include "core/store/raw_reader_parts.h"

#include <fcntl.h>
#include <thread>

// RawReader's binary segments (raw_frame.h): the frames whose time span meets the ranges, each
// under checksum blocks checked before use. A scan that may see its events in any order
// (RawScan::anyOrder: the queries' sums) decodes the frames on two threads — the first half of
// them on the caller's, the second on a helper thread — and calls back one frame at a time.

namespace adclick::core {

using namespace rawread;

struct RawReader::FrameAt {
    uint64_t at = 0;
    RawFrameHeader h;
};

struct RawReader::SegmentFile {
    const RawSegment& segment;
    std::string path;
    int fd = -1;
};

namespace {

//! Below this many frames (or RawReader's parallelBytes) a second thread costs more than it
//! saves: its start, its own decoder and buffers (page faults, which this VM makes dear) take
//! several ms of CPU, about what decoding ~2 MiB of frames takes (a count's edge minutes: ~1.5 MB).
constexpr std::size_t kParallelFrames = 4;

//! The end of the run of adjacent frames [i, to) starts with: what one read may take at once.
uint64_t runEnd(const std::vector<RawReader::FrameAt>& frames, std::size_t i, std::size_t to)
{
    uint64_t end = frames[i].at + frames[i].h.frameBytes();
    for (++i; i < to && frames[i].at == end; ++i)
        end += frames[i].h.frameBytes();
    return end;
}

bool timeInRanges(const void* ctx, int64_t t)
{
    return inRanges(*static_cast<const std::vector<TimeRange>*>(ctx), t);
}

Status damagedAt(const std::string& path, uint64_t at, const char* what)
{
    return Status::error("raw segment '" + path + "' is damaged at byte " + std::to_string(at) + " (" + what
        + "); answers that need raw events cannot be exact");
}

Status preadAll(
    int fd, char* out, uint64_t from, uint64_t bytes, const RawSegment& s, const std::string& path)
{
    for (uint64_t done = 0; done < bytes;) {
        const ssize_t n = ::pread(fd, out + done, bytes - done, static_cast<off_t>(from + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Status::error("cannot read raw segment '" + path + "': " + std::strerror(errno));
        if (n == 0)
            return Status::error("raw segment '" + path + "' is shorter than its committed length ("
                + std::to_string(from + done) + " < " + std::to_string(s.bytes) + " bytes)");
        done += static_cast<uint64_t>(n);
    }
    return Status::ok();
}

} // namespace

Status RawReader::readFrameSegment(const RawSegment& segment, const std::vector<TimeRange>& ranges,
    const RawScan& scan, const Callback& fn, bool& stopped)
{
    const std::string path = m_rawDir + "/" + segment.file;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return cannotOpen(path, segment);
    // Read with pread, not mapped: an I/O error must be an error message, not a SIGBUS (as for
    // the database, connection.cpp).
    SegmentFile f { segment, path, fd.get() };
    Worker& w = *m_main;
    w.verified.assign((segment.bytes + kRawBlockBytes - 1) / kRawBlockBytes, 0);
    w.win = nullptr;
    w.winFrom = w.winTo = 0;
    // The headers first: which frames meet the ranges (and where the segment is damaged).
    std::vector<FrameAt> frames;
    Status damage = Status::ok();
    for (uint64_t at = 0; at < segment.bytes;) {
        char buf[kRawFrameHeaderBytes];
        const char* p = buf;
        const uint64_t left = segment.bytes - at;
        if (left >= kRawFrameHeaderBytes && at >= w.winFrom && at + kRawFrameHeaderBytes <= w.winTo)
            p = w.win + (at - w.winFrom);
        else if (left >= kRawFrameHeaderBytes)
            if (auto st = preadAll(f.fd, buf, at, kRawFrameHeaderBytes, segment, path); !st) return st;
        FrameAt frame { at, {} };
        const bool header = left >= kRawFrameHeaderBytes && parseRawFrameHeader(p, frame.h);
        if (!header || frame.h.frameBytes() > left) {
            // The checksums, when they are damaged too, name the range; else the frame is.
            damage = load(w, f, at, std::min(segment.bytes, at + kRawFrameHeaderBytes), false);
            if (damage)
                damage = damagedAt(path, at,
                    left < kRawFrameHeaderBytes || header ? "the committed part ends inside a frame"
                                                          : "not a frame header");
            break;
        }
        if (overlaps(ranges, frame.h.minMs, frame.h.maxMs)) frames.push_back(frame);
        at += frame.h.frameBytes();
    }
    if (auto st = readFrames(f, frames, ranges, scan, fn, stopped); !st || stopped) return st;
    return damage;
}

Status RawReader::readFrames(SegmentFile& f, const std::vector<FrameAt>& frames,
    const std::vector<TimeRange>& ranges, const RawScan& scan, const Callback& fn, bool& stopped)
{
    std::atomic<bool> halt { false };
    uint64_t bytes = 0;
    for (const FrameAt& frame : frames)
        bytes += frame.h.frameBytes();
    if (!scan.anyOrder || frames.size() < kParallelFrames || bytes < m_parallelBytes)
        return readRange(*m_main, f, frames, 0, frames.size(), ranges, scan, fn, stopped, nullptr, halt);
    if (!m_aux) m_aux = std::make_unique<Worker>();
    Worker& w = *m_aux;
    w.verified.assign(m_main->verified.size(), 0);
    w.win = nullptr;
    w.winFrom = w.winTo = 0;
    const std::size_t mid = frames.size() / 2;
    std::mutex calls; // one callback at a time
    Status second = Status::ok();
    bool stoppedSecond = false;
    {
        std::jthread helper([&] {
            second
                = readRange(w, f, frames, mid, frames.size(), ranges, scan, fn, stoppedSecond, &calls, halt);
        });
        Status first = readRange(*m_main, f, frames, 0, mid, ranges, scan, fn, stopped, &calls, halt);
        helper.join();
        if (!first) return first; // the earlier frames' error first
    }
    stopped = stopped || stoppedSecond;
    return second;
}

Status RawReader::readRange(Worker& w, SegmentFile& f, const std::vector<FrameAt>& frames, std::size_t from,
    std::size_t to, const std::vector<TimeRange>& ranges, const RawScan& scan, const Callback& fn,
    bool& stopped, std::mutex* calls, std::atomic<bool>& halt)
{
    uint64_t runTo = 0; // the end of the run of adjacent frames being read
    for (std::size_t i = from; i < to; ++i) {
        if (halt.load(std::memory_order_relaxed)) return Status::ok(); // the other thread stopped
        if (scan.cancel && scan.cancel->load(std::memory_order_relaxed)) {
            stopped = true;
            halt = true;
            return Status::ok();
        }
        const FrameAt& frame = frames[i];
        // Adjacent frames: read on ahead in big pieces.
        const bool ahead = i > from && frames[i - 1].at + frames[i - 1].h.frameBytes() == frame.at;
        if (frame.at >= runTo) runTo = runEnd(frames, i, to);
        auto st = loadFrame(w, f, frame, ahead, runTo);
        if (st) st = readFrame(w, f, frame, ranges, scan, fn, stopped, calls, halt);
        if (!st || stopped) {
            halt = true;
            return st;
        }
    }
    return Status::ok();
}

Status RawReader::loadFrame(Worker& w, SegmentFile& f, const FrameAt& frame, bool ahead, uint64_t runTo)
{
    const uint64_t from = frame.at, to = from + frame.h.frameBytes();
    if (!frame.h.selfChecked()) return load(w, f, from, to, ahead);
    // Only frames to be read, up to a window's worth of them at once (when it is read anew).
    const bool inWindow = from >= w.winFrom && to <= w.winTo;
    const uint64_t winTo = inWindow ? to : std::max(to, std::min(runTo, from + m_blockBytes));
    if (auto st = window(w, f, from, winTo, false, false); !st) return st;
    if (rawFrameSectionsIntact(frame.h, std::string_view(w.win + (from - w.winFrom), to - from)))
        return Status::ok();
    // Damaged: name the range as the segment's checksum blocks do when they see it, else the frame.
    w.winFrom = w.winTo = 0;
    if (auto st = load(w, f, from, to, false); !st) return st;
    return damagedAt(f.path, from, "frame checksum mismatch");
}

Status RawReader::window(Worker& w, SegmentFile& f, uint64_t from, uint64_t to, bool ahead, bool aligned)
{
    const RawSegment& s = f.segment;
    if (from < w.winFrom || to > w.winTo) {
        uint64_t winFrom = from, winTo = to;
        if (aligned) {
            winFrom = from / kRawBlockBytes * kRawBlockBytes;
            winTo = std::min(((to - 1) / kRawBlockBytes + 1) * kRawBlockBytes, s.bytes);
        }
        if (ahead) winTo = std::max(winTo, std::min(winFrom + m_blockBytes, s.bytes));
        w.block.resize(winTo - winFrom);
        w.winFrom = w.winTo = 0;
        if (auto st = preadAll(f.fd, w.block.data(), winFrom, winTo - winFrom, s, f.path); !st) return st;
        m_bytesRead.fetch_add(winTo - winFrom, std::memory_order_relaxed);
        w.win = w.block.data();
        w.winFrom = winFrom;
        w.winTo = winTo;
        w.winAligned = aligned;
    }
    return Status::ok();
}

Status RawReader::load(Worker& w, SegmentFile& f, uint64_t from, uint64_t to, bool ahead)
{
    const RawSegment& s = f.segment;
    if (!w.winAligned) w.winFrom = w.winTo = 0; // loadFrame's window: read again on whole blocks
    if (auto st = window(w, f, from, to, ahead, true); !st) return st;
    if (!s.checked) return Status::ok(); // schema version 1: no checksums
    // Only the blocks under [from, to): a damaged block no answer needs is not reported.
    for (uint64_t b = from / kRawBlockBytes; b * kRawBlockBytes < to; ++b) {
        if (w.verified[b]) continue;
        const uint64_t bFrom = b * kRawBlockBytes, bTo = std::min(bFrom + kRawBlockBytes, s.bytes);
        const std::string_view data(w.win + (bFrom - w.winFrom), bTo - bFrom);
        if (auto st = checkRawBlock(f.path, s.bytes, s.blocks, b, data); !st) return st;
        w.verified[b] = 1;
    }
    return Status::ok();
}

Status RawReader::readFrame(Worker& w, SegmentFile& f, const FrameAt& frame,
    const std::vector<TimeRange>& ranges, const RawScan& scan, const Callback& fn, bool& stopped,
    std::mutex* calls, std::atomic<bool>& halt)
{
    const RawFrameHeader& h = frame.h;
    const std::string_view bytes(w.win + (frame.at - w.winFrom), h.frameBytes());
    RawFrameDecoder& d = w.decoder;
    m_framesRead.fetch_add(1, std::memory_order_relaxed);
    if (!d.loadAds(h, bytes)) return damagedAt(f.path, frame.at, "unreadable frame");
    RawFrameDecoder::Select select;
    select.countedOnly = scan.countedOnly;
    if (scan.adId) {
        select.ad = d.findAd(*scan.adId);
        if (select.ad < 0) return Status::ok(); // the ad has no event in this frame
    }
    const bool whole = std::any_of(ranges.begin(), ranges.end(),
        [&](const TimeRange& r) { return r.contains(h.minMs) && r.contains(h.maxMs); });
    if (!whole) {
        select.timeOk = &timeInRanges;
        select.ctx = &ranges;
    }
    if (!d.loadColumns(h, bytes, scan.columns, scan.filter))
        return damagedAt(f.path, frame.at, "unreadable frame");
    std::unique_lock<std::mutex> lock;
    if (calls) lock = std::unique_lock<std::mutex>(*calls);
    // Under the lock: once a callback returned false, no other is made.
    if (halt.load(std::memory_order_relaxed)) return Status::ok();
    if (!d.forEach(select, stopped, fn)) return damagedAt(f.path, frame.at, "unreadable frame");
    if (stopped) halt = true;
    return Status::ok();
}

} // namespace adclick::core
