#pragma once

// Internal to RawReader (raw_reader.cpp: text segments and the segment list;
// raw_reader_frames.cpp: binary segments): helpers and the state of one reading thread.

#include "core/base/big_alloc.h"
#include "core/store/raw_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace adclick::core::rawread {

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

inline bool inRanges(const std::vector<TimeRange>& ranges, int64_t t)
{
    for (const TimeRange& r : ranges)
        if (r.contains(t)) return true;
    return false;
}

inline bool overlaps(const std::vector<TimeRange>& ranges, int64_t minMs, int64_t maxMs)
{
    return std::any_of(ranges.begin(), ranges.end(),
        [&](const TimeRange& r) { return r.fromMs < r.toMs && minMs < r.toMs && maxMs >= r.fromMs; });
}

inline Status cannotOpen(const std::string& path, const RawSegment& segment)
{
    return Status::error("cannot read raw segment '" + path + "': " + std::strerror(errno)
        + " (the database says it holds " + std::to_string(segment.bytes) + " committed bytes)");
}

using Buffer = HugeBuffer; //!< a segment window (big_alloc.h)

} // namespace adclick::core::rawread

namespace adclick::core {

//! What one thread reads frames with: its decoder, its window on the segment and which
//! checksum blocks it has checked (each thread checks the blocks under its own frames).
struct RawReader::Worker {
    RawFrameDecoder decoder;
    rawread::Buffer block;
    uint64_t winFrom = 0, winTo = 0; //!< file bytes at `win`
    bool winAligned = false; //!< the window is whole checksum blocks (RawReader::window)
    const char* win = nullptr; //!< block.data() once a window was read
    std::vector<char> verified; //!< per checksum block of the segment: checked already
};

} // namespace adclick::core
