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

} // namespace adclick::core
