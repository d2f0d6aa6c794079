#include "core/store/raw_reader.h"

#include "core/pipeline/filter_expr.h"
#include "core/store/sqlite_util.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace adclick::core {

namespace {

//! Closes a file descriptor on every path out.
class Fd {
public:
    explicit Fd(int fd)
        : m_fd(fd)
    { }
    ~Fd()
    {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

bool inRanges(const std::vector<TimeRange>& ranges, int64_t t)
{
    for (const TimeRange& r : ranges)
        if (r.contains(t)) return true;
    return false;
}

bool selected(const RawScan& scan, const RawEvent& e)
{
    return (!scan.countedOnly || isCounted(e.status)) && (!scan.adId || e.adId == *scan.adId)
        && (!scan.filter || scan.filter->matches(e.country, e.userId, e.ip));
}

bool overlaps(const std::vector<TimeRange>& ranges, int64_t minMs, int64_t maxMs)
{
    return std::any_of(ranges.begin(), ranges.end(),
        [&](const TimeRange& r) { return r.fromMs < r.toMs && minMs < r.toMs && maxMs >= r.fromMs; });
}

bool timeInRanges(const void* ctx, int64_t t)
{
    return inRanges(*static_cast<const std::vector<TimeRange>*>(ctx), t);
}

bool isTextSegment(const std::string& file)
{
    return file.size() > 4 && file.compare(file.size() - 4, 4, ".tsv") == 0;
}

Status cannotOpen(const std::string& path, const RawSegment& segment)
{
    return Status::error("cannot read raw segment '" + path + "': " + std::strerror(errno)
        + " (the database says it holds " + std::to_string(segment.bytes) + " committed bytes)");
}

//! Version 1 databases have no raw_blocks rows (the next ingest adds them).
bool hasRawChecksums(const sql::Connection& conn)
{
    sql::Stmt v(conn, "SELECT value FROM meta WHERE key = 'schema_version'");
    return v.step() && v.int64(0) >= 2;
}

} // namespace

Result<std::vector<RawSegment>> committedSegments(
    const sql::Connection& conn, const std::vector<TimeRange>& ranges)
{
    using R = Result<std::vector<RawSegment>>;
    std::vector<RawSegment> out;
    // The table is small (one row per 64 MiB of raw events), so it is filtered here.
    sql::Stmt q(conn,
        "SELECT id, file, bytes, min_ms, max_ms FROM segments "
        "WHERE bytes > 0 AND min_ms IS NOT NULL AND max_ms IS NOT NULL ORDER BY id");
    if (!q.ok()) return R::error(sql::describe(conn, q.rc(), "cannot read the raw segment list"));
    while (q.step()) {
        RawSegment s { q.int64(0), std::string(q.text(1)), static_cast<uint64_t>(q.int64(2)), q.int64(3),
            q.int64(4), false, {} };
        const bool overlaps = std::any_of(ranges.begin(), ranges.end(), [&s](const TimeRange& r) {
            return r.fromMs < r.toMs && s.minMs < r.toMs && s.maxMs >= r.fromMs;
        });
        if (overlaps) out.push_back(std::move(s));
    }
    if (q.rc() != SQLITE_DONE)
        return R::error(sql::describe(conn, q.rc(), "cannot read the raw segment list"));
    if (!hasRawChecksums(conn)) return out;
    for (RawSegment& s : out) {
        auto blocks = readRawBlocks(conn, s.id);
        if (!blocks) return R(blocks.status());
        s.blocks = std::move(*blocks);
        s.checked = true;
    }
    return out;
}

RawReader::RawReader(std::string rawDir, std::size_t blockBytes)
    : m_rawDir(std::move(rawDir))
    , m_blockBytes(std::max<std::size_t>(blockBytes, 4096))
    , m_decoder(std::make_unique<RawFrameDecoder>())
{ }

RawReader::~RawReader() = default;

Status RawReader::read(
    const std::vector<RawSegment>& segments, const std::vector<TimeRange>& ranges, const Callback& fn)
{
    return read(segments, ranges, RawScan {}, fn);
}

Status RawReader::read(const std::vector<RawSegment>& segments, const std::vector<TimeRange>& ranges,
    const RawScan& scan, const Callback& fn)
{
    bool stopped = false;
    for (const RawSegment& s : segments) {
        if (s.file.empty() || s.file.find('/') != std::string::npos)
            return Status::error(
                "raw segment " + std::to_string(s.id) + " has a bad file name '" + s.file + "'");
        auto st = isTextSegment(s.file) ? readTextSegment(s, ranges, scan, fn, stopped)
                                        : readFrameSegment(s, ranges, scan, fn, stopped);
        if (!st || stopped) return st;
    }
    return Status::ok();
}

Status RawReader::readTextSegment(const RawSegment& segment, const std::vector<TimeRange>& ranges,
    const RawScan& scan, const Callback& fn, bool& stopped)
{
    const std::string path = m_rawDir + "/" + segment.file;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return cannotOpen(path, segment);
#ifdef POSIX_FADV_SEQUENTIAL
    (void)::posix_fadvise(fd.get(), 0, static_cast<off_t>(segment.bytes), POSIX_FADV_SEQUENTIAL);
#endif
    auto damaged = [&](uint64_t at, const char* what) {
        return Status::error("raw segment '" + path + "' is damaged at byte " + std::to_string(at) + " ("
            + what + "); answers that need raw events cannot be exact");
    };
    RawBlockVerifier verifier(path, segment.bytes, segment.checked ? &segment.blocks : nullptr);
    m_block.resize(m_blockBytes);
    m_carry.clear();
    uint64_t pos = 0;
    uint64_t lineStart = 0; // file offset of the line being assembled, for messages
    RawEvent e;
    while (pos < segment.bytes) {
        const std::size_t want
            = static_cast<std::size_t>(std::min<uint64_t>(m_block.size(), segment.bytes - pos));
        const ssize_t n = ::pread(fd.get(), m_block.data(), want, static_cast<off_t>(pos));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Status::error("cannot read raw segment '" + path + "': " + std::strerror(errno));
        if (n == 0)
            return Status::error("raw segment '" + path + "' is shorter than its committed length ("
                + std::to_string(pos) + " < " + std::to_string(segment.bytes) + " bytes)");
        const std::string_view chunk(m_block.data(), static_cast<std::size_t>(n));
        // Before its lines are used: a block that ends in this chunk is checked first.
        if (auto st = verifier.feed(chunk); !st) return st;
        const uint64_t chunkPos = pos;
        pos += static_cast<uint64_t>(n);
        std::size_t start = 0;
        for (std::size_t nl; (nl = chunk.find('\n', start)) != std::string_view::npos; start = nl + 1) {
            std::string_view line = chunk.substr(start, nl - start);
            if (!m_carry.empty()) {
                m_carry.append(line);
                line = m_carry;
            } else {
                lineStart = chunkPos + start;
            }
            if (!parseRawLine(line, e)) return damaged(lineStart, "unreadable event line");
            if (inRanges(ranges, e.timeMs) && selected(scan, e) && !fn(e)) {
                stopped = true;
                return Status::ok();
            }
            m_carry.clear();
        }
        if (start < chunk.size()) {
            if (m_carry.empty()) lineStart = chunkPos + start;
            m_carry.append(chunk.substr(start));
        }
    }
    if (!m_carry.empty()) return damaged(lineStart, "the committed part ends inside a line");
    return Status::ok();
}

// ---- binary segments (raw_frame.h) ------------------------------------------------------------

struct RawReader::SegmentFile {
    const RawSegment& segment;
    std::string path;
    int fd = -1;
    std::vector<char> verified; //!< per checksum block: checked already
    const char* map = nullptr; //!< the committed bytes mapped (null: read with pread)
};

namespace {

//! Maps the committed bytes of a segment read-only: the frames and their checksums are then read
//! from the page cache without a copy. Writers only ever cut a segment file down to its committed
//! length, which never shrinks, so the mapping stays backed while it is read. Null when the file
//! cannot be mapped (the reader then reads it with pread, which reports a short file).
class Mapping {
public:
    Mapping(int fd, uint64_t bytes)
    {
        struct stat st { };
        if (bytes == 0 || ::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) < bytes) return;
        void* p = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) return;
        m_data = static_cast<const char*>(p);
        m_bytes = bytes;
    }
    ~Mapping()
    {
        if (m_data) ::munmap(const_cast<char*>(m_data), m_bytes);
    }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    const char* data() const { return m_data; }

private:
    const char* m_data = nullptr;
    uint64_t m_bytes = 0;
};

} // namespace

namespace {

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
    const Mapping mapping(fd.get(), segment.bytes);
    SegmentFile f { segment, path, fd.get(),
        std::vector<char>((segment.bytes + kRawBlockBytes - 1) / kRawBlockBytes), mapping.data() };
    m_winFrom = m_winTo = 0;
    m_win = f.map;
    if (f.map) m_winTo = segment.bytes; // all of it, in place
    bool ahead = false; // the previous frame was read: read on ahead in big pieces
    for (uint64_t at = 0; at < segment.bytes;) {
        char buf[kRawFrameHeaderBytes];
        const char* p = buf;
        const uint64_t left = segment.bytes - at;
        if (left >= kRawFrameHeaderBytes && at >= m_winFrom && at + kRawFrameHeaderBytes <= m_winTo)
            p = m_win + (at - m_winFrom);
        else if (left >= kRawFrameHeaderBytes)
            if (auto st = preadAll(f.fd, buf, at, kRawFrameHeaderBytes, segment, path); !st) return st;
        RawFrameHeader h;
        const bool header = left >= kRawFrameHeaderBytes && parseRawFrameHeader(p, h);
        if (!header || h.frameBytes() > left) {
            // The checksums, when they are damaged too, name the range; else the frame is.
            if (auto st = load(f, at, std::min(segment.bytes, at + kRawFrameHeaderBytes), false); !st)
                return st;
            return damagedAt(path, at,
                left < kRawFrameHeaderBytes || header ? "the committed part ends inside a frame"
                                                      : "not a frame header");
        }
        if (overlaps(ranges, h.minMs, h.maxMs)) {
            if (auto st = load(f, at, at + h.frameBytes(), ahead); !st) return st;
            if (auto st = readFrame(f, at, h, ranges, scan, fn, stopped); !st || stopped) return st;
            ahead = true;
        } else {
            ahead = false;
        }
        at += h.frameBytes();
    }
    return Status::ok();
}

Status RawReader::load(SegmentFile& f, uint64_t from, uint64_t to, bool ahead)
{
    const RawSegment& s = f.segment;
    if (from < m_winFrom || to > m_winTo) {
        const uint64_t winFrom = from / kRawBlockBytes * kRawBlockBytes;
        uint64_t winTo = std::min(((to - 1) / kRawBlockBytes + 1) * kRawBlockBytes, s.bytes);
        if (ahead) winTo = std::max(winTo, std::min(winFrom + m_blockBytes, s.bytes));
        if (m_block.size() < winTo - winFrom) m_block.resize(winTo - winFrom);
        m_winFrom = m_winTo = 0;
        if (auto st = preadAll(f.fd, m_block.data(), winFrom, winTo - winFrom, s, f.path); !st) return st;
        m_win = m_block.data();
        m_winFrom = winFrom;
        m_winTo = winTo;
    }
    if (!s.checked) return Status::ok(); // schema version 1: no checksums
    // Only the blocks under [from, to): a damaged block no answer needs is not reported.
    for (uint64_t b = from / kRawBlockBytes; b * kRawBlockBytes < to; ++b) {
        if (f.verified[b]) continue;
        const uint64_t bFrom = b * kRawBlockBytes, bTo = std::min(bFrom + kRawBlockBytes, s.bytes);
        const std::string_view data(m_win + (bFrom - m_winFrom), bTo - bFrom);
#ifdef MADV_POPULATE_READ
        // One call maps the block's pages in (from the page cache) instead of a fault per 64 KiB.
        if (f.map) (void)::madvise(const_cast<char*>(f.map + bFrom), bTo - bFrom, MADV_POPULATE_READ);
#endif
        if (auto st = checkRawBlock(f.path, s.bytes, s.blocks, b, data); !st) return st;
        f.verified[b] = 1;
    }
    return Status::ok();
}

Status RawReader::readFrame(SegmentFile& f, uint64_t at, const RawFrameHeader& h,
    const std::vector<TimeRange>& ranges, const RawScan& scan, const Callback& fn, bool& stopped)
{
    const std::string_view frame(m_win + (at - m_winFrom), h.frameBytes());
    RawFrameDecoder& d = *m_decoder;
    if (!d.loadAds(h, frame)) return damagedAt(f.path, at, "unreadable frame");
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
    if (!d.loadColumns(h, frame, scan.columns, scan.filter) || !d.forEach(select, stopped, fn))
        return damagedAt(f.path, at, "unreadable frame");
    return Status::ok();
}

} // namespace adclick::core
