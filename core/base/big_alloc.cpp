#include "core/base/big_alloc.h"

#include <new>
#include <sys/mman.h>
#include <unistd.h>

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

void freeZeroedPart(void* block, std::size_t bytes, std::size_t from, std::size_t to)
{
    static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    // The page holding `from` was partly given in an earlier part: its bytes before `from` are
    // done with too, so rounding down releases it now; the page holding `to` waits for the next.
    const std::size_t start = from / page * page;
    const std::size_t end = to >= bytes ? (bytes + page - 1) / page * page : to / page * page;
    if (block && end > start) ::munmap(static_cast<char*>(block) + start, end - start);
}

} // namespace adclick::core
