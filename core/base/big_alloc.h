#pragma once

#include <cstddef>

namespace adclick::core {

//! Zeroed memory for large hash tables, from mmap with transparent huge pages where the kernel
//! offers them: a table of hundreds of MB then costs hundreds of page faults, not tens of
//! thousands (page faults dominated the dedup table's growth in profiles). Throws bad_alloc.
void* allocateZeroed(std::size_t bytes);
void freeZeroed(void* p, std::size_t bytes);

} // namespace adclick::core
