#include "cli_args.h"
#include "commands.h"
#include "ingest_verdict.h"
#include "json_out.h"

#include "core/base/timestamp.h"
#include "core/ingest/ingest.h"

#include <cctype>
#include <csignal>
#include <cstdio>
#include <thread>
#include <unistd.h>

namespace adclick::app {

namespace {

const char* kHelp = R"(usage: adclick ingest --db F [options] SOURCE...

Reads click logs into the database, exactly once: a run that is killed and started again
continues where the database left off, with the same final counts as an uninterrupted run.

SOURCE           a file, a .gz or .zst file, a directory of rotated logs (read oldest first, see below), - for
                 stdin, or kafka://host:port[,host:port]/topic[?group=NAME]: every partition, one click per message
                 (JSON lines unless --format says otherwise), offsets kept in the database with the results;
                 kafka://…/AGG?kind=aggregates: a cluster's aggregate topic (adclick aggregate, docs/SCALING.md)
--db F           the database (created when missing; raw events go to F.raw/)
--format X       auto (default: decided line by line) | book | csv | jsonl
--map F=COLUMN   CSV/JSON: read field F (ad_id, click_timestamp, user_id, ip, country, click_id) from
                 the column or JSON key COLUMN (a.b: key b of the object under a); F= : the log has no
                 F (repeatable). Unmapped fields are found by name or synonym; kept per source
--delimiter C    CSV fields separated by C: ',' (default) | ';' | '|' | tab; another than ',' reads
                 the lines as CSV (the header is found as usual); kept per source
--lateness S     allowed lateness behind the largest event time (default 60 s; fixed per database)
--late X         drop (default: late events are counted, not aggregated) | update (they correct their pane)
--dedup-horizon S  how far behind the watermark duplicates are still recognised (default 300 s)
--max-future S   reject (reason future) clicks dated later than the wall clock + S (default 300 s)
--max-jump S     archives: reject a click more than S ahead of the largest event time so far unless
                 the next click confirms the jump (default 1 day; 0 turns the check off)
--follow         keep following the last SOURCE as it grows until interrupted, through rotation and
                 truncation (copytruncate: the copy beside it is finished first); lost data is counted
                 in lost_bytes / lost_predecessors (docs/semantics.md); not a .gz or .zst file (it never grows)
--follow-symlinks  directories: also read symbolic links that lead out of the directory (default:
                 skipped with a warning; links to files inside it are read)
--idle S         follow mode: after S seconds without input the watermark advances with wall time (default 30)
--kafka-prop K=V any librdkafka property for Kafka sources (repeatable), e.g. security.protocol=SASL_SSL;
                 not bootstrap.servers: the brokers are those of the kafka:// address
--until-end      Kafka: stop once every partition has been read to its current end (default: follow)
--skip-gap       Kafka: when retention removed messages not yet read (a data gap), record the alarm
                 with the number of lost messages and continue from the oldest message still there
                 (default: stop with an error; the alarm shows in adclick stats either way)
--durable        fsync every batch (survives power loss, not only crashes; slower)
--commit-every N commit at least every N lines (default 1000000)
--live-top M     keep the top ads over the last M final minutes incrementally; the summary gets "live_top"
--stage-raw-bytes N  write a batch's raw events ahead in pieces of N bytes (default 8 MiB)
--segment-bytes N  tests and tuning: start a new raw segment file once one holds N bytes (between
                 batches; default 64 MiB)
--order X        time (default: lines are counted in the order they come) | any: finite sources
                 (files, folders, .gz, -) are read whole and their clicks counted in event-time order:
                 nothing is late, copies are found over the whole input, and the run is stored whole
                 at the end (docs/semantics.md, "Archives in any order"); not with --follow or Kafka
--sort-memory N  --order any: memory for sorting (default 256M, at least 16K; K, M, G suffixes);
                 beyond it sorted runs go to disk (about the input's size)
--tmp DIR        --order any: where the sorted runs go (default: the database's folder)
--threads N      N >= 2: archived files (not --follow, not stdin) are read and parsed on a thread of
                 their own, and files and Kafka topics are committed to the store on another, while
                 the main thread counts; the result is exactly that of one thread (default 1; more
                 than 2 adds nothing yet: the counting stays on one thread)
--lock-wait S    how long to retry while another connection locks the database (default 60)
--time-format F  how click times are written: auto (default: ISO 8601, or epoch s/ms/µs/ns told apart
                 by magnitude) | iso | epoch-s | epoch-ms | epoch-us | epoch-ns | a strftime pattern such
                 as '%d/%m/%Y %H:%M:%S' (%Y %y %m %d %e %H %I %p %M %S %f %b %B %a %z %Z %s %T %F %D %R)
--time-zone Z    the zone of times written without one: UTC (default), ±hh:mm or Area/City
                 (e.g. Europe/Berlin); a local time in a DST gap is rejected (bad_timestamp), one in
                 an overlap is the earlier instant
Durations take an optional unit: 90, 90s, 5m, 1h, 3d.

A directory is read oldest first, and the order used is printed: in a rotated set (app.log,
app.log.1, app.log.2.gz …) numbered files by descending number, date-stamped ones (app.log-20261201,
app-2026-12-01.log) by ascending date, then the live file; files whose names say nothing, and the
sets among each other, by the time of their first click. Files named one by one are read in the
order given.
)";

// The ranges of the numeric options (a larger value is a typo, never a wish).
constexpr int64_t kMaxCommitEvery = 1'000'000'000;
constexpr int64_t kMaxStageRawBytes = int64_t(1) << 30; // 1 GiB
constexpr int64_t kMaxSegmentBytes = int64_t(1) << 40; // 1 TiB
constexpr int64_t kMaxLiveTopMinutes = 366 * 24 * 60; // a year
constexpr int64_t kMinSortMemory = int64_t(16) << 10; // 16 KiB: tests force many runs with it
constexpr int64_t kMaxSortMemory = int64_t(1) << 40; // 1 TiB
constexpr int64_t kMaxThreads = 256;

//! "256M", "64K", "2G" or plain bytes → bytes (binary units); nullopt for anything else.
std::optional<int64_t> parseSize(std::string text)
{
    static constexpr std::string_view kUnits = "KMG";
    int shift = 0;
    if (const auto u = text.empty() ? std::string_view::npos : kUnits.find(char(std::toupper(text.back())));
        u != std::string_view::npos) {
        shift = 10 * int(u + 1);
        text.pop_back();
    }
    auto v = parseWholeNumber(text, 0, kMaxSortMemory >> shift);
    if (!v) return std::nullopt;
    return *v << shift;
}

//! --order, --sort-memory, --tmp; 0, or the exit code of a usage error.
int readOrderOptions(Args& args, core::IngestOptions& o)
{
    const auto order = args.value("order");
    if (order && *order != "time" && *order != "any")
        return fail("--order must be time or any, not '" + *order + "'", 2);
    o.orderAny = order == "any";
    const auto memory = args.value("sort-memory");
    const auto tmp = args.value("tmp");
    if ((memory || tmp) && !o.orderAny) return fail("--sort-memory and --tmp go with --order any", 2);
    if (memory) {
        const auto bytes = parseSize(*memory);
        if (!bytes || *bytes < kMinSortMemory)
            return fail(
                "--sort-memory must be a size from 16K to 1024G (e.g. 256M), not '" + *memory + "'", 2);
        o.sortMemoryBytes = static_cast<std::size_t>(*bytes);
    }
    if (tmp) o.sortDir = *tmp;
    if (o.orderAny && o.follow)
        return fail("--order any reads finite sources whole before it counts: not with --follow", 2);
    return 0;
}

//! --order any takes no Kafka source (after the positionals are read).
int checkOrderSources(const core::IngestOptions& o)
{
    for (const std::string& s : o.sources)
        if (o.orderAny && s.rfind("kafka://", 0) == 0)
            return fail(
                "--order any is for finite sources (files, folders, .gz, -), not Kafka ('" + s + "')", 2);
    return 0;
}

std::stop_source g_stop;

void onSignal(int)
{
    g_stop.request_stop();
}

//! The format, the engine settings and the durations; 0, or the exit code of a usage error.
int readEngineOptions(Args& args, core::IngestOptions& o)
{
    if (const int rc = parserOptions(args, o.parser)) return rc;
    std::optional<int64_t> idle, lockWait, maxFuture, maxJump;
    if (!durationOption(args, "lateness", o.latenessMs)
        || !durationOption(args, "dedup-horizon", o.dedupHorizonMs) || !durationOption(args, "idle", idle)
        || !durationOption(args, "lock-wait", lockWait) || !durationOption(args, "max-future", maxFuture)
        || !durationOption(args, "max-jump", maxJump))
        return 2;
    if (maxFuture) o.maxFutureMs = *maxFuture;
    if (maxJump) o.maxJumpMs = *maxJump;
    if (o.dedupHorizonMs && *o.dedupHorizonMs < core::kMinuteMs)
        return fail("--dedup-horizon must be at least 60 s (it must cover an open pane)", 2);
    if (idle) o.idleMs = *idle;
    if (lockWait) o.store.lockRetryMs = static_cast<int>(*lockWait);
    if (auto late = args.value("late")) {
        if (*late == "drop")
            o.late = core::LatePolicy::Drop;
        else if (*late == "update")
            o.late = core::LatePolicy::Update;
        else
            return fail("--late must be drop or update, not '" + *late + "'", 2);
    }
    return 0;
}

//! Batch sizes, the live top-N, Kafka and the flags; 0, or the exit code of a usage error.
int readRunOptions(Args& args, core::IngestOptions& o)
{
    std::optional<int64_t> commitEvery, stageBytes, segmentBytes, liveTop, threads;
    if (!integerOption(args, "threads", 1, kMaxThreads, threads)
        || !integerOption(args, "commit-every", 1, kMaxCommitEvery, commitEvery)
        || !integerOption(args, "stage-raw-bytes", 1, kMaxStageRawBytes, stageBytes)
        || !integerOption(args, "segment-bytes", 1, kMaxSegmentBytes, segmentBytes)
        || !integerOption(args, "live-top", 1, kMaxLiveTopMinutes, liveTop))
        return 2;
    if (threads) o.threads = static_cast<int>(*threads);
    if (commitEvery) o.commitEvents = *commitEvery;
    if (stageBytes) o.stageRawBytes = static_cast<std::size_t>(*stageBytes);
    if (segmentBytes) o.store.segmentMaxBytes = static_cast<uint64_t>(*segmentBytes);
    if (liveTop) o.liveTopMinutes = static_cast<int>(*liveTop);
    std::string propError;
    auto props = kafkaProperties(args, propError);
    if (!props) return fail(propError, 2);
    o.kafkaProperties = std::move(*props);
    o.untilEnd = args.flag("until-end");
    o.skipGap = args.flag("skip-gap");
    o.follow = args.flag("follow");
    o.followSymlinks = args.flag("follow-symlinks");
    o.store.durable = args.flag("durable");
    return 0;
}

//! One status line on a terminal, rewritten in place.
void printProgress(const core::IngestProgress& p)
{
    std::fprintf(stderr,
        "\r%lld lines, %.0f lines/s, %lld accepted, %lld dup, %lld late, %lld rejected, watermark "
        "%s%s  ",
        static_cast<long long>(p.totals.lines), p.seconds > 0 ? double(p.runLines) / p.seconds : 0.0,
        static_cast<long long>(p.totals.accepted), static_cast<long long>(p.totals.duplicates),
        static_cast<long long>(p.totals.late), static_cast<long long>(p.totals.rejected),
        p.watermarkMs == core::kNoTime ? "-" : core::formatIsoUtc(p.watermarkMs).c_str(),
        p.kafka.empty()
            ? ""
            : (", lag "
                + (p.kafka[0].lagMessages() < 0 ? std::string("unknown")
                                                : std::to_string(p.kafka[0].lagMessages()) + " msgs")
                + ", brokers " + p.kafka[0].brokerState)
                  .c_str());
    std::fflush(stderr);
}

std::string summaryJson(const core::IngestResult& r, int liveTopMinutes, bool orderAny)
{
    std::string out = "{" + engineStateJsonFields(r.totals, r.watermarkMs, r.maxEventMs)
        + ",\"run\":{\"lines\":" + std::to_string(r.run.lines) + ",\"bytes\":" + std::to_string(r.bytes)
        + ",\"seconds\":" + std::to_string(r.seconds) + ",\"lines_per_s\":"
        + std::to_string(r.seconds > 0 ? static_cast<long long>(double(r.run.lines) / r.seconds) : 0)
        + ",\"dedup_keys\":" + std::to_string(r.dedupKeys)
        + ",\"dedup_mb\":" + std::to_string(r.dedupBytes >> 20) + "},\"sources\":[";
    for (std::size_t i = 0; i < r.sources.size(); ++i) {
        const auto& s = r.sources[i];
        out += (i ? "," : "") + std::string("{\"path\":") + jsonString(s.path)
            + ",\"resumed_from\":" + std::to_string(s.resumedFrom) + ",\"offset\":" + std::to_string(s.offset)
            + ",\"columns\":" + jsonString(s.columns) + "}";
    }
    out += "]";
    if (!r.kafka.empty()) out += ",\"kafka\":" + kafkaHealthListJson(r.kafka);
    if (orderAny)
        out += ",\"sort\":{\"runs\":" + std::to_string(r.sortRuns)
            + ",\"spilled_bytes\":" + std::to_string(r.sortSpilledBytes) + "}";
    if (liveTopMinutes > 0)
        out += ",\"live_top\":{\"window_minutes\":" + std::to_string(liveTopMinutes) + ","
            + adIdsAndCountsJson(r.liveTop) + "}";
    return out + "}\n";
}

} // namespace

int cmdIngest(Args& args)
{
    if (printHelp(args, kHelp)) return 0;
    core::IngestOptions o;
    const auto db = args.value("db");
    if (const int rc = readEngineOptions(args, o)) return rc;
    if (const int rc = readRunOptions(args, o)) return rc;
    if (const int rc = readOrderOptions(args, o)) return rc;
    o.sources = args.positionals();
    if (const int rc = rejectUnknown(args, "ingest")) return rc;
    if (const int rc = checkOrderSources(o)) return rc;
    if (!db) return fail("ingest needs --db FILE (see adclick ingest --help)", 2);
    if (o.sources.empty())
        return fail("ingest needs at least one SOURCE (a file, a .gz, a directory or -)", 2);

    auto ingestor = core::Ingestor::open(*db, o);
    if (!ingestor) return fail(ingestor.message());
    (*ingestor)->onWarning
        = [](const std::string& w) { std::fprintf(stderr, "adclick: warning: %s\n", w.c_str()); };
    (*ingestor)->onNote = [](const std::string& n) { std::fprintf(stderr, "adclick: %s\n", n.c_str()); };
    if (::isatty(STDERR_FILENO)) (*ingestor)->onProgress = printProgress;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    auto result = (*ingestor)->run(g_stop.get_token());
    if ((*ingestor)->onProgress) std::fputc('\n', stderr);
    if (!result) return fail(result.message());
    if (g_stop.stop_requested())
        std::fputs("adclick: interrupted: everything read so far is committed (\"sources\" gives the offsets "
                   "reached)\n",
            stderr);
    std::fputs(summaryJson(*result, o.liveTopMinutes, o.orderAny).c_str(), stdout);
    return reportVerdict(*result, o, g_stop.stop_requested());
}

} // namespace adclick::app
