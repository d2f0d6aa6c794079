// Temporary weak stand-ins so the CLI links while subcommands are being written in parallel.
#include "cli_args.h"
#include "commands.h"

namespace adclick::app {
#define ADCLICK_STUB(fn) \
    __attribute__((weak)) int fn(Args&) { return fail(#fn ": not implemented yet"); }
ADCLICK_STUB(cmdIngest)
ADCLICK_STUB(cmdStats)
ADCLICK_STUB(cmdCount)
ADCLICK_STUB(cmdPopular)
ADCLICK_STUB(cmdExport)
ADCLICK_STUB(cmdFilter)
ADCLICK_STUB(cmdRecompute)
ADCLICK_STUB(cmdGen)
} // namespace adclick::app
