#include "ui/dashboard/thread_priority.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace adclick::ui {

void lowerThreadPriority(int niceness)
{
#ifdef __linux__
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    const int now = ::getpriority(PRIO_PROCESS, tid);
    ::setpriority(PRIO_PROCESS, tid, now + niceness);
#else
    (void)niceness;
#endif
}

} // namespace adclick::ui
