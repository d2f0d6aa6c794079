#include "core/base/big_alloc.h"

#include <new>
#include <sys/mman.h>

namespace adclick::core {

void* allocateZeroed(std::size_t bytes)
{
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    if (bytes >= (2u << 20)) ::madvise(p, bytes, MADV_HUGEPAGE); // advisory: fine when unavailable
    return p;
}

void freeZeroed(void* p, std::size_t bytes)
{
    if (p) ::munmap(p, bytes);
}

} // namespace adclick::core
