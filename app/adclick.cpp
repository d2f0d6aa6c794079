#include "cli_args.h"
#include "commands.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

const char* kUsage = R"(adclick — exact ad click aggregation (the engine of AdClick Monitor)

usage: adclick COMMAND [options]

commands:
  ingest     --db F [--format auto|book|csv|jsonl] [--map FIELD=COLUMN]... [--delimiter C]
             [--time-format F] [--time-zone Z] [--order time|any] [--lateness S] [--late drop|update]
             [--dedup-horizon S] [--max-future S] [--max-jump S] [--idle S] [--follow] [--durable] SOURCE...
             SOURCE: a file, a .gz or .zst file, a directory of rotated logs (name order), - for stdin,
             or kafka://HOST:PORT[,..]/TOPIC[?group=G].
             Resumes where the database left off. Prints a JSON summary of the counters.
  count      --db F --ad ID --from T --to T [--filter EXPR]        -> {"ad_id":..,"count":N}
  popular    --db F --count N --window M [--at T] [--filter EXPR]  -> {"ad_ids":[..],"counts":[..]}
  sniff      [--format X] [--map FIELD=COLUMN]... [--delimiter C] [--time-format F] [--time-zone Z]
             [--lateness S] [--lines N] FILE -> how ingest would read it: format, header,
             column mapping, time format and range, out-of-order figures, first lines with verdicts
  stats      --db F                                               -> counters, watermark, sources
  serve      --db F [--listen 127.0.0.1:8080] [--token-file F]     the queries over HTTP (read-only):
             /v1/ads/{ad_id}/aggregated_count, /v1/ads/popular_ads, /v1/stats, /v1/health, /metrics
  export     --db F --out FILE.csv (--minutes --from T --to T [--ad ID] | --top --count N --window M [--at T])
             [--filter EXPR]
  filter     save --db F --name NAME --expr EXPR | list --db F | drop --db F --name NAME
  recompute  --db F --from T --to T                                -> corrections made from raw events
  broker     [--brokers 3] [--topic clicks] [--partitions 8] [--port-file F]
             an embedded, in-memory Kafka stand-in (librdkafka's mock cluster) for demos and tests
  produce    --brokers B --topic T [--rate N] [--kafka-prop K=V]... (FILE | - | --gen-events N | --live)
  aggregate  kafka://HOSTS/T --to kafka://HOSTS/AGG [--group G]   -> a cluster worker (docs/SCALING.md)
  gen        --out FILE [--events N] [--format book|csv|jsonl] [--seed N] ... (see adclick gen --help)

T is ISO-8601 (2021-01-01T00:00:00Z, 2021-01-01 00:00:00; no zone = UTC) or an epoch (s, ms, µs or ns by magnitude).
FIELD: ad_id, click_timestamp, user_id, ip, country, click_id (COLUMN: a header name or JSON key path;
FIELD= means the log has none). Only ad_id and click_timestamp are required.
EXPR: country=US, country in (US,KR), ip=10.1.0.0/16, user_id=u42, != for each, joined by 'and'.
Run 'adclick COMMAND --help' for the options of one command.
)";

//! `adclick serve …` runs `adclick-serve …` from adclick's own folder (app/serve_main.cpp says why).
int execServe(int argc, char** argv)
{
    std::string self(4096, '\0');
    const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
    if (n <= 0)
        return adclick::app::fail(
            std::string("adclick serve: cannot find adclick's own path: ") + std::strerror(errno));
    self.resize(static_cast<std::size_t>(n));
    const std::string server = self.substr(0, self.rfind('/') + 1) + "adclick-serve";
    std::vector<char*> args { const_cast<char*>(server.c_str()) };
    for (int i = 2; i < argc; ++i)
        args.push_back(argv[i]);
    args.push_back(nullptr);
    execv(server.c_str(), args.data());
    return adclick::app::fail(
        "adclick serve needs " + server + " (installed beside adclick): " + std::strerror(errno));
}

} // namespace

int main(int argc, char** argv)
{
    using namespace adclick::app;
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")
        || !std::strcmp(argv[1], "help")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string command = argv[1];
    Args args(argc, argv, 2);
    if (command == "ingest") return cmdIngest(args);
    if (command == "stats") return cmdStats(args);
    if (command == "count") return cmdCount(args);
    if (command == "popular") return cmdPopular(args);
    if (command == "export") return cmdExport(args);
    if (command == "filter") return cmdFilter(args);
    if (command == "recompute") return cmdRecompute(args);
    if (command == "gen") return cmdGen(args);
    if (command == "broker") return cmdBroker(args);
    if (command == "produce") return cmdProduce(args);
    if (command == "sniff") return cmdSniff(args);
    if (command == "serve") return execServe(argc, argv);
    if (command == "aggregate") return cmdAggregate(args);
    return fail("unknown command '" + command + "' (try adclick --help)", 2);
}
