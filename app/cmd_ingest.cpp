#include "cli_args.h"
#include "commands.h"
#include "json_out.h"

#include "core/base/timestamp.h"
#include "core/ingest/ingest.h"

#include <csignal>
#include <cstdio>
#include <thread>
#include <unistd.h>

namespace adclick::app {

namespace {

const char* kHelp = R"(usage: adclick ingest --db F [options] SOURCE...

Reads click logs into the database, exactly once: a run that is killed and started again
continues where the database left off, with the same final counts as an uninterrupted run.

SOURCE           a file, a .gz file, a directory of rotated logs (read oldest first, see below), - for stdin, or
                 kafka://host:port[,host:port]/topic[?group=NAME]: every partition, one click per message
                 (JSON lines unless --format says otherwise), offsets kept in the database with the results
--db F           the database (created when missing; raw events go to F.raw/)
--format X       auto (default: decided line by line) | book | csv | jsonl
--lateness S     allowed lateness behind the largest event time (default 60 s; fixed per database)
--late X         drop (default: late events are counted, not aggregated) | update (they correct their pane)
--dedup-horizon S  how far behind the watermark duplicates are still recognised (default 300 s)
--max-future S   reject (reason future) clicks dated later than the wall clock + S (default 300 s)
--max-jump S     archives: reject a click more than S ahead of the largest event time so far unless
                 the next click confirms the jump (default 1 day; 0 turns the check off)
--follow         keep following the last SOURCE as it grows until interrupted, through rotation and
                 truncation (copytruncate: the copy beside it is finished first); lost data is counted
                 in lost_bytes / lost_predecessors (docs/semantics.md)
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

std::stop_source g_stop;

void onSignal(int)
{
    g_stop.request_stop();
}

//! The format, the engine settings and the durations; 0, or the exit code of a usage error.
int readEngineOptions(Args& args, core::IngestOptions& o)
{
    if (auto f = args.value("format"); f && !core::parseLineFormat(*f, o.format))
        return fail("--format must be auto, book, csv or jsonl, not '" + *f + "'", 2);
    if (!timeFormatOptions(args, o.timeFormat)) return 2;
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
    std::optional<int64_t> commitEvery, stageBytes, segmentBytes, liveTop;
    if (!integerOption(args, "commit-every", 1, kMaxCommitEvery, commitEvery)
        || !integerOption(args, "stage-raw-bytes", 1, kMaxStageRawBytes, stageBytes)
        || !integerOption(args, "segment-bytes", 1, kMaxSegmentBytes, segmentBytes)
        || !integerOption(args, "live-top", 1, kMaxLiveTopMinutes, liveTop))
        return 2;
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
        p.kafka.empty() ? ""
                        : (", lag " + std::to_string(p.kafka[0].lagMessages()) + " msgs, brokers "
                            + p.kafka[0].brokerState)
                              .c_str());
    std::fflush(stderr);
}

std::string summaryJson(const core::IngestResult& r, int liveTopMinutes)
{
    std::string out = "{" + engineStateJsonFields(r.totals, r.watermarkMs, r.maxEventMs)
        + ",\"run\":{\"lines\":" + std::to_string(r.run.lines) + ",\"bytes\":" + std::to_string(r.bytes)
        + ",\"seconds\":" + std::to_string(r.seconds) + ",\"lines_per_s\":"
        + std::to_string(r.seconds > 0 ? static_cast<long long>(double(r.run.lines) / r.seconds) : 0)
        + ",\"dedup_keys\":" + std::to_string(r.dedupKeys)
        + ",\"dedup_mb\":" + std::to_string(r.dedupBytes >> 20) + "},\"sources\":[";
    for (std::size_t i = 0; i < r.sources.size(); ++i) {
        const auto& s = r.sources[i];
        out += (i ? "," : "") + std::string("{\"path\":") + jsonString(s.path) + ",\"resumed_from\":"
            + std::to_string(s.resumedFrom) + ",\"offset\":" + std::to_string(s.offset) + "}";
    }
    out += "]";
    if (!r.kafka.empty()) out += ",\"kafka\":" + kafkaHealthListJson(r.kafka);
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
    o.sources = args.positionals();
    if (const int rc = rejectUnknown(args, "ingest")) return rc;
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
    std::fputs(summaryJson(*result, o.liveTopMinutes).c_str(), stdout);
    return 0;
}

} // namespace adclick::app
