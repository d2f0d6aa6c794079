#include "core/base/failpoint.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace adclick::core {

#ifdef ADCLICK_FAILPOINTS
namespace {
struct Armed {
    std::string site;
    long hit = 0;
    bool partial = false;
    bool error = false; //!< ":error": failpointFails, not a kill
    long seen = 0;
};

Armed& armed()
{
    static Armed a = [] {
        Armed r;
        const char* spec = std::getenv("ADCLICK_FAILPOINT");
        if (!spec || !*spec) return r;
        std::string s = spec;
        const auto colon = s.find(':');
        r.site = s.substr(0, colon);
        if (colon != std::string::npos) {
            r.hit = std::atol(s.c_str() + colon + 1);
            r.partial = s.find(":partial", colon + 1) != std::string::npos;
            r.error = s.find(":error", colon + 1) != std::string::npos;
        }
        if (r.hit <= 0) r.hit = 1;
        return r;
    }();
    return a;
}
} // namespace

void failpoint(const char* site)
{
    Armed& a = armed();
    if (a.error || a.site.empty() || a.site != site) return;
    if (++a.seen == a.hit) {
        // SIGKILL: no destructors, no atexit, no flushing — exactly like a crash or kill -9.
        ::kill(::getpid(), SIGKILL);
        ::_exit(137);
    }
}

bool failpointFails(const char* site)
{
    Armed& a = armed();
    return a.error && a.site == site && ++a.seen == a.hit;
}

bool failpointWantsPartial(const char* site)
{
    const Armed& a = armed();
    return a.partial && a.site == site && a.seen + 1 == a.hit;
}

Fault activeFault()
{
    static const Fault kFault = [] {
        const char* spec = std::getenv("ADCLICK_FAULT");
        if (!spec) return Fault::None;
        if (!std::strcmp(spec, "offset-separate-txn")) return Fault::OffsetSeparateTxn;
        if (!std::strcmp(spec, "no-dedup-restore")) return Fault::NoDedupRestore;
        return Fault::None;
    }();
    return kFault;
}
#else
void failpoint(const char*)
{ }
bool failpointWantsPartial(const char*)
{
    return false;
}
Fault activeFault()
{
    return Fault::None;
}
#endif

} // namespace adclick::core
