#include "core/store/raw_blocks.h"

#include "core/base/crc32.h"
#include "core/store/sqlite_util.h"
#include "core/store/store_schema.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace adclick::core {

namespace {

uint32_t crcOf(uint32_t crc, std::string_view data)
{
    return crc32Update(crc, data.data(), data.size()); // zlib's crc32, faster
}

void remember(std::vector<RawBlock>& touched, const RawBlock& b)
{
    if (!touched.empty() && touched.back().index == b.index)
        touched.back() = b;
    else
        touched.push_back(b);
}

//! The blocks of the first `bytes` bytes of `file`.
Result<std::vector<RawBlock>> blocksOfFile(const std::string& file, uint64_t bytes)
{
    using R = Result<std::vector<RawBlock>>;
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return R::error("cannot read raw segment '" + file + "': " + std::strerror(errno));
    std::vector<RawBlock> blocks;
    RawBlock last;
    std::string buf(kRawBlockBytes, '\0');
    for (uint64_t pos = 0; pos < bytes;) {
        const auto want = static_cast<std::size_t>(std::min<uint64_t>(buf.size(), bytes - pos));
        const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(pos));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return R::error("raw segment '" + file + "' is shorter than its committed length ("
                + std::to_string(pos) + " < " + std::to_string(bytes) + " bytes)");
        }
        appendToBlocks(last, std::string_view(buf.data(), static_cast<std::size_t>(n)), blocks);
        pos += static_cast<uint64_t>(n);
    }
    ::close(fd);
    return blocks;
}

} // namespace

void appendToBlocks(RawBlock& last, std::string_view data, std::vector<RawBlock>& touched)
{
    while (!data.empty()) {
        if (last.bytes == kRawBlockBytes) last = RawBlock { last.index + 1, 0, 0 };
        const auto take
            = static_cast<std::size_t>(std::min<uint64_t>(kRawBlockBytes - last.bytes, data.size()));
        last.crc = crcOf(last.crc, data.substr(0, take));
        last.bytes += take;
        data.remove_prefix(take);
        remember(touched, last);
    }
}

RawBlock lastBlockOf(const std::vector<RawBlock>& blocks)
{
    return blocks.empty() ? RawBlock {} : blocks.back();
}

Status writeRawBlocks(const sql::Connection& conn, int64_t segment, const std::vector<RawBlock>& blocks)
{
    sql::Stmt q(conn, "INSERT OR REPLACE INTO raw_blocks(segment, block, bytes, crc) VALUES(?1, ?2, ?3, ?4)");
    for (const RawBlock& b : blocks) {
        q.reset();
        q.bind(1, segment).bind(2, b.index).bind(3, static_cast<int64_t>(b.bytes)).bind(4, int64_t(b.crc));
        if (!q.run())
            return Status::error(
                sql::describe(conn, q.rc(), "cannot store raw segment checksums in '" + conn.path() + "'"));
    }
    return Status::ok();
}

Result<std::vector<RawBlock>> readRawBlocks(const sql::Connection& conn, int64_t segment)
{
    using R = Result<std::vector<RawBlock>>;
    sql::Stmt q(conn, "SELECT block, bytes, crc FROM raw_blocks WHERE segment = ?1 ORDER BY block");
    if (!q.ok()) return R::error(sql::describe(conn, q.rc(), "cannot read the raw segment checksums"));
    q.bind(1, segment);
    std::vector<RawBlock> out;
    while (q.step())
        out.push_back({ q.int64(0), static_cast<uint64_t>(q.int64(1)), static_cast<uint32_t>(q.int64(2)) });
    if (q.rc() != SQLITE_DONE)
        return R::error(sql::describe(conn, q.rc(), "cannot read the raw segment checksums"));
    return out;
}

Status addMissingRawBlocks(const sql::Connection& conn, const std::string& rawDir)
{
    sql::Stmt q(conn,
        "SELECT id, file, bytes FROM segments WHERE bytes > 0 AND id NOT IN (SELECT segment FROM raw_blocks) "
        "ORDER BY id");
    while (q.step()) {
        auto blocks = blocksOfFile(rawDir + "/" + std::string(q.text(1)), static_cast<uint64_t>(q.int64(2)));
        if (!blocks) return blocks.status();
        if (auto st = writeRawBlocks(conn, q.int64(0), *blocks); !st) return st;
    }
    if (q.rc() != SQLITE_DONE)
        return Status::error(sql::describe(conn, q.rc(), "cannot read the raw segment list"));
    const std::string version
        = "UPDATE meta SET value = " + std::to_string(kSchemaVersion) + " WHERE key = 'schema_version'";
    return sql::exec(conn, version.c_str());
}

RawBlockVerifier::RawBlockVerifier(std::string file, uint64_t committed, const std::vector<RawBlock>* blocks)
    : m_file(std::move(file))
    , m_committed(committed)
    , m_blocks(blocks)
{ }

namespace {
Status blockMismatch(const std::string& file, uint64_t index, uint64_t committed, const char* what)
{
    const uint64_t from = index * kRawBlockBytes;
    const uint64_t to = std::min(from + kRawBlockBytes, committed);
    return Status::error("raw segment '" + file + "' is damaged in bytes " + std::to_string(from) + "–"
        + std::to_string(to) + " (" + what + "); answers that need raw events cannot be exact: restore "
        + "the file from a backup");
}
} // namespace

Status checkRawBlock(const std::string& file, uint64_t committed, const std::vector<RawBlock>& blocks,
    uint64_t index, std::string_view data)
{
    if (index >= blocks.size() || blocks[index].index != static_cast<int64_t>(index))
        return blockMismatch(file, index, committed, "no checksum is stored for them");
    if (blocks[index].bytes != data.size())
        return blockMismatch(file, index, committed, "their checksum covers another length");
    if (crcOf(0, data) != blocks[index].crc)
        return blockMismatch(file, index, committed, "checksum mismatch");
    return Status::ok();
}

Status RawBlockVerifier::mismatch(const char* what) const
{
    return blockMismatch(m_file, m_next, m_committed, what);
}

Status RawBlockVerifier::feed(std::string_view data)
{
    if (!m_blocks) return Status::ok();
    while (!data.empty()) {
        if (m_next >= m_blocks->size() || (*m_blocks)[m_next].index != static_cast<int64_t>(m_next))
            return mismatch("no checksum is stored for them");
        const RawBlock& b = (*m_blocks)[m_next];
        const uint64_t blockEnd = std::min<uint64_t>(kRawBlockBytes, m_committed - m_next * kRawBlockBytes);
        if (b.bytes != blockEnd) return mismatch("their checksum covers another length");
        const auto take = static_cast<std::size_t>(std::min<uint64_t>(blockEnd - m_inBlock, data.size()));
        m_crc = crcOf(m_crc, data.substr(0, take));
        m_inBlock += take;
        data.remove_prefix(take);
        if (m_inBlock == blockEnd) {
            if (m_crc != b.crc) return mismatch("checksum mismatch");
            ++m_next;
            m_inBlock = 0;
            m_crc = 0;
        }
    }
    return Status::ok();
}

} // namespace adclick::core
