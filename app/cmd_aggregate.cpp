// `adclick aggregate`: one worker of a cluster (core/cluster/worker.h, docs/SCALING.md).
#include "cli_args.h"
#include "commands.h"

#include "core/cluster/worker.h"

#include <csignal>
#include <cstdio>

namespace adclick::app {

namespace {

const char* kHelp
    = R"(usage: adclick aggregate kafka://HOSTS/TOPIC --to kafka://HOSTS/AGG_TOPIC [--group G] [options]

One worker of a cluster: joins the consumer group G on the click topic, counts each partition it
owns with the engine of `adclick ingest` (dedup, panes, watermark and lateness per partition) and
publishes the counts to the aggregate topic as units that a store reads exactly once:
    adclick ingest kafka://HOSTS/AGG_TOPIC?kind=aggregates --db F
Start as many workers as you like, stop (or kill) them at any time: a partition that moves is
restored from its newest checkpoint (--checkpoints) and read again from there, or without one
read again from its start; its counts continue where they were published. The aggregate topic
(one partition per click partition is best) and the checkpoint topic must exist; see
docs/SCALING.md.

--to URI         the aggregate topic (required)
--group G        the consumer group (default adclick-workers)
--format X       auto | book | csv | jsonl (default jsonl, as ingest reads Kafka)
--lateness S     as ingest (default 60 s); the store must use the same
--late X         drop (default) | update; the store must use the same
--dedup-horizon S  as ingest (default 300 s); the store must use the same
--max-future S   reject clicks dated later than the wall clock + S (default 300 s)
--unit-events N  publish a unit at least every N input messages per partition (default 4096)
--checkpoints T  write each partition's state to topic T on the aggregate topic's brokers, every
                 --checkpoint-interval and when a partition is revoked, and commit its offset to
                 the group: a partition taken over is read again from there, so its log may lose
                 its start to retention (without it a partition must still start at offset 0)
--checkpoint-interval S  per partition (default 60 s)
--kafka-prop K=V librdkafka properties for both clients (repeatable), e.g. session.timeout.ms=6000
)";

std::stop_source g_stop;

void onSignal(int)
{
    g_stop.request_stop();
}

int readOptions(Args& args, core::WorkerOptions& o)
{
    const auto to = args.value("to");
    if (!to) return fail("aggregate needs --to kafka://HOSTS/AGG_TOPIC", 2);
    o.output = *to;
    if (auto g = args.value("group")) o.group = *g;
    o.parser.format = core::LineFormat::Jsonl;
    if (auto f = args.value("format"); f && !core::parseLineFormat(*f, o.parser.format))
        return fail("--format must be auto, book, csv or jsonl, not '" + *f + "'", 2);
    std::optional<int64_t> lateness, horizon, maxFuture, unitEvents, checkpointInterval;
    if (!durationOption(args, "lateness", lateness) || !durationOption(args, "dedup-horizon", horizon)
        || !durationOption(args, "max-future", maxFuture)
        || !durationOption(args, "checkpoint-interval", checkpointInterval)
        || !integerOption(args, "unit-events", 1, 1'000'000, unitEvents))
        return 2;
    if (lateness) o.config.latenessMs = *lateness;
    if (horizon) o.config.dedupHorizonMs = *horizon;
    if (o.config.dedupHorizonMs < core::kMinuteMs)
        return fail("--dedup-horizon must be at least 60 s (it must cover an open pane)", 2);
    if (maxFuture) o.maxFutureMs = *maxFuture;
    if (unitEvents) o.unitEvents = static_cast<std::size_t>(*unitEvents);
    if (auto t = args.value("checkpoints")) {
        if (t->empty() || t->find('/') != std::string::npos)
            return fail(
                "--checkpoints takes a topic name (on the aggregate topic's brokers), not '" + *t + "'", 2);
        o.checkpointTopic = *t;
    }
    if (checkpointInterval) o.checkpointIntervalMs = *checkpointInterval;
    if (auto late = args.value("late")) {
        if (*late != "drop" && *late != "update")
            return fail("--late must be drop or update, not '" + *late + "'", 2);
        o.config.late = *late == "update" ? core::LatePolicy::Update : core::LatePolicy::Drop;
    }
    std::string error;
    auto props = kafkaProperties(args, error);
    if (!props) return fail(error, 2);
    o.kafkaProperties = *props;
    const auto pos = args.positionals(); // after the options: what they did not take
    if (pos.size() != 1) return fail("aggregate needs one kafka:// click topic (see --help)", 2);
    o.input = pos[0];
    return 0;
}

} // namespace

int cmdAggregate(Args& args)
{
    if (printHelp(args, kHelp)) return 0;
    core::WorkerOptions o;
    if (int rc = readOptions(args, o)) return rc;
    if (int rc = rejectUnknown(args, "aggregate")) return rc;
    if (o.checkpointTopic.empty())
        std::fprintf(stderr,
            "aggregate: no --checkpoints: a partition taken over is rebuilt by reading it "
            "from offset 0, which fails once retention has removed its start\n");
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    auto report = core::runWorker(o, g_stop.get_token(),
        [](const std::string& line) { std::fprintf(stderr, "aggregate: %s\n", line.c_str()); });
    if (!report) return fail(report.status().message());
    std::printf(
        "{\"messages\": %lld, \"replayed\": %lld, \"units\": %lld, \"checkpoints\": %lld, "
        "\"restored\": %lld, \"assignments\": %lld, "
        "\"revocations\": %lld, \"protocol\": \"%s\", \"first_assigned_ms\": %lld, \"last_unit_ms\": %lld}\n",
        static_cast<long long>(report->messages), static_cast<long long>(report->replayed),
        static_cast<long long>(report->units), static_cast<long long>(report->checkpoints),
        static_cast<long long>(report->restored), static_cast<long long>(report->assignments),
        static_cast<long long>(report->revocations), report->protocol.c_str(),
        static_cast<long long>(report->firstAssignedMs), static_cast<long long>(report->lastUnitMs));
    return 0;
}

} // namespace adclick::app
