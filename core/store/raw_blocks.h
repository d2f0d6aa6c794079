#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Checksums of the raw segments. A segment is cut into blocks of kRawBlockBytes; the CRC-32
// (zlib's, as `python3 -c 'import zlib'` computes it) of each block's committed bytes is stored
// in the table raw_blocks in the same transaction as the segment's committed length, so a
// flipped or lost byte in a segment file is reported with its file and byte range when raw
// events are read back (restart, recompute, raw queries), never counted.

namespace adclick::core {

namespace sql {
class Connection;
}

inline constexpr uint64_t kRawBlockBytes = 1u << 20;

//! One block of a segment: its index, its committed length (kRawBlockBytes except the last)
//! and the CRC-32 of those bytes.
struct RawBlock {
    int64_t index = 0;
    uint64_t bytes = 0;
    uint32_t crc = 0;
};

//! Appends `data` to the segment whose last block is `last` (bytes 0: the next block to start)
//! and adds every block it changes, in their new state, to `touched` (replacing an earlier
//! entry of the same block).
void appendToBlocks(RawBlock& last, std::string_view data, std::vector<RawBlock>& touched);

//! The state to continue from when the segment's blocks are `blocks` (index order).
RawBlock lastBlockOf(const std::vector<RawBlock>& blocks);

//! Upserts the rows of `blocks` for segment `segment`.
Status writeRawBlocks(const sql::Connection& conn, int64_t segment, const std::vector<RawBlock>& blocks);

//! The stored blocks of a segment, by index.
Result<std::vector<RawBlock>> readRawBlocks(const sql::Connection& conn, int64_t segment);

//! Databases of schema version 1 have no checksums: computes them from the committed bytes of
//! every segment (which are trusted as they are) and moves the database to the current version.
//! Runs inside the writer's transaction.
Status addMissingRawBlocks(const sql::Connection& conn, const std::string& rawDir);

//! Checks `data`, the committed bytes of block `index` of a segment of `committed` bytes, against
//! its stored checksum in `blocks` (index order); the error names the file and byte range.
Status checkRawBlock(const std::string& file, uint64_t committed, const std::vector<RawBlock>& blocks,
    uint64_t index, std::string_view data);

//! Checks the bytes of one segment against its blocks while they are read in file order.
class RawBlockVerifier {
public:
    //! `blocks` null (a database of version 1, without checksums): every check passes.
    RawBlockVerifier(std::string file, uint64_t committed, const std::vector<RawBlock>* blocks);
    //! Feeds the next bytes of the file (from its start on); an error names the file and the
    //! byte range whose checksum differs.
    Status feed(std::string_view data);

private:
    Status mismatch(const char* what) const;

    std::string m_file;
    uint64_t m_committed;
    const std::vector<RawBlock>* m_blocks;
    std::size_t m_next = 0; //!< index in m_blocks of the block being summed
    uint64_t m_inBlock = 0;
    uint32_t m_crc = 0;
};

} // namespace adclick::core
