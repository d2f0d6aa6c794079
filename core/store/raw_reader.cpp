#include "core/store/raw_reader.h"

#include "core/pipeline/filter_expr.h"
#include "core/store/raw_reader_parts.h"
#include "core/store/sqlite_util.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace adclick::core {

using namespace rawread;

namespace {

bool selected(const RawScan& scan, const RawEvent& e)
{
    return (!scan.countedOnly || isCounted(e.status)) && (!scan.adId || e.adId == *scan.adId)
        && (!scan.filter || scan.filter->matches(e.country, e.userId, e.ip));
}

bool isTextSegment(const std::string& file)
{
    return file.size() > 4 && file.compare(file.size() - 4, 4, ".tsv") == 0;
}

//! Version 1 databases have no raw_blocks rows (the next ingest adds them).
bool hasRawChecksums(const sql::Connection& conn)
{
    sql::Stmt v(conn, "SELECT value FROM meta WHERE key = 'schema_version'");
    return v.step() && v.int64(0) >= 2;
}

} // namespace

Status refuseRawOnClusterStore(const sql::Connection& conn)
{
    sql::Stmt q(conn, "SELECT 1 FROM sources WHERE uri LIKE 'cluster:%' LIMIT 1");
    return q.ok() && q.step() ? Status::error(kClusterStoreNoRaw) : Status::ok();
}

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

RawReader::RawReader(std::string rawDir, std::size_t blockBytes, uint64_t parallelBytes)
    : m_rawDir(std::move(rawDir))
    , m_blockBytes(std::max<std::size_t>(blockBytes, 4096))
    , m_parallelBytes(parallelBytes)
    , m_main(std::make_unique<Worker>())
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
    rawread::Buffer& block = m_main->block;
    block.resize(m_blockBytes);
    m_carry.clear();
    uint64_t pos = 0;
    uint64_t lineStart = 0; // file offset of the line being assembled, for messages
    RawEvent e;
    while (pos < segment.bytes) {
        if (scan.cancel && scan.cancel->load(std::memory_order_relaxed)) {
            stopped = true;
            return Status::ok();
        }
        const std::size_t want
            = static_cast<std::size_t>(std::min<uint64_t>(block.size(), segment.bytes - pos));
        const ssize_t n = ::pread(fd.get(), block.data(), want, static_cast<off_t>(pos));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Status::error("cannot read raw segment '" + path + "': " + std::strerror(errno));
        if (n == 0)
            return Status::error("raw segment '" + path + "' is shorter than its committed length ("
                + std::to_string(pos) + " < " + std::to_string(segment.bytes) + " bytes)");
        const std::string_view chunk(block.data(), static_cast<std::size_t>(n));
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

} // namespace adclick::core
