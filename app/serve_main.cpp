// `adclick-serve`: `adclick serve` as an executable of its own (`adclick serve` runs it). Only the
// server links libmicrohttpd and GnuTLS, whose start-up (~8 ms of CPU: GnuTLS and p11-kit
// initialise when loaded) every other command would otherwise pay (docs/PERFORMANCE.md).
#include "cli_args.h"
#include "commands.h"

int main(int argc, char** argv)
{
    adclick::app::Args args(argc, argv, 1);
    return adclick::app::cmdServe(args);
}
