#pragma once

#include <cstddef>

namespace adclick::core {

//! Zeroed memory for large hash tables, from mmap with transparent huge pages where the kernel
//! offers them: a table of hundreds of MB then costs hundreds of page faults, not tens of
//! thousands (page faults dominated the dedup table's growth in profiles). Throws bad_alloc.
void* allocateZeroed(std::size_t bytes);
void freeZeroed(void* p, std::size_t bytes);
//! Gives back the part [from, to) of a block of `bytes` from allocateZeroed (the pages that lie
//! wholly inside it; `to` ≥ bytes: through the block's end). A table being copied into a new one
//! returns its memory piece by piece, so the two never take their full size together. Calls on
//! consecutive parts release every page once; the block's address stays the one to pass.
void freeZeroedPart(void* block, std::size_t bytes, std::size_t from, std::size_t to);

//! A growable buffer of whole huge pages from allocateZeroed, its content not kept when it grows
//! (callers refill it). For the buffers every query fills anew (a raw segment window, a frame's
//! decompressed columns: ~0.5–2 MiB): from malloc they would fault in page by page, and in a
//! virtual machine ~600 page faults cost more than the reads (half of a count's CPU time).
class HugeBuffer {
public:
    static constexpr std::size_t kHugePage = 2u << 20;
    HugeBuffer() = default;
    HugeBuffer(const HugeBuffer&) = delete;
    HugeBuffer& operator=(const HugeBuffer&) = delete;
    ~HugeBuffer() { freeZeroed(m_bytes, m_size); }
    char* data() { return m_bytes; }
    const char* data() const { return m_bytes; }
    std::size_t size() const { return m_size; }
    //! At least `k` bytes (rounded up to whole huge pages).
    void resize(std::size_t k)
    {
        if (k <= m_size) return;
        freeZeroed(m_bytes, m_size);
        m_bytes = nullptr;
        m_size = 0;
        k = (k + kHugePage - 1) / kHugePage * kHugePage;
        m_bytes = static_cast<char*>(allocateZeroed(k));
        m_size = k;
    }

private:
    char* m_bytes = nullptr;
    std::size_t m_size = 0;
};

} // namespace adclick::core
