#include "cli_args.h"
#include "commands.h"

#include "core/input/input_file.h"
#include "core/input/record_reader.h"
#include "sim/click_generator.h"
#include "sim/kafka_broker.h"
#include "sim/kafka_producer.h"
#include "sim/live_stream.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <unistd.h>
#include <vector>

namespace adclick::app {

namespace {

const char* kBrokerHelp
    = R"(usage: adclick broker [--brokers 3] [--topic clicks] [--partitions 8] [--also-topic T]... [--port-file F]

Starts an embedded Kafka cluster (librdkafka's mock cluster) on 127.0.0.1 in this process, creates
the topic, prints {"bootstrap":"127.0.0.1:…",…} and stays up until SIGINT or SIGTERM.
It is an IN-MEMORY STAND-IN for demos and tests, not a Kafka broker: everything is lost when it
stops, each partition keeps only ~5 MiB (older messages vanish), read_committed hides nothing, and
offsets sent with transactions are not stored. Production means a real Kafka cluster.
--also-topic T  also create topic T with as many partitions (repeatable), e.g. a cluster's
                aggregate topic (adclick aggregate, docs/SCALING.md)
--port-file F   also write the bootstrap list to F (atomically) once the brokers listen
--control       read fault-injection commands from stdin, one per line, answering "ok" or
                "error: …" on stdout (for chaos tests; stdin closing does not stop the brokers):
                  down B | up B        take broker B (1..n) off the network / back
                  rtt B MS             add MS ms of round-trip time to broker B
                  leader P B           move partition P's leadership to broker B
                  errors API N ERROR   fail the next N requests of API (produce, fetch,
                                       list_offsets, metadata, offset_commit, offset_fetch,
                                       find_coordinator) with the Kafka error ERROR, e.g.
                                       NOT_LEADER_FOR_PARTITION
)";

const char* kProduceHelp
    = R"(usage: adclick produce --brokers B --topic T [--rate N] [--kafka-prop K=V]... (FILE | - | --gen-events N | --live)

Publishes click log lines (book, CSV or JSON lines; FILE may be .gz or .zst) to a Kafka topic, one click per
message keyed by ad_id. Parsed clicks are sent as JSON lines; malformed lines are sent as they are,
unkeyed (the consumer counts them as rejects, a line over 64 KiB as line_too_long). A line over
900,000 bytes does not fit a message: it is not sent, counted ("too_long"), and the exit code is 1.
Prints {"messages":N,"delivered":N,"failed":N,"too_long":N,…}.
--rate N            messages per second (default: as fast as possible)
--kafka-prop K=V    any librdkafka property (repeatable), e.g. security.protocol=SASL_SSL;
                    not bootstrap.servers: the brokers are --brokers
--format F          auto (default) | book | csv | jsonl: the format of the input lines
--map F=COLUMN      where field F is in CSV/JSON input (as for ingest; repeatable); clicks are sent
                    as canonical JSON, so the consumer needs no --map
--delimiter C       the CSV field separator of the input (as for ingest): ',' (default) | ';' | '|' | tab
--time-format F     how their click times are written (as for adclick ingest; default auto)
--time-zone Z       the zone of times written without one (UTC, ±hh:mm or Area/City; default UTC)
--gen-events N      publish N generated clicks instead of a file (with --seed S, --truth PREFIX
                    to write the generator's truth files)
--live              publish generated clicks in wall-clock time (event time = now, with some
                    disorder, duplicates, late and malformed lines) at --rate clicks/s (default
                    2000) until SIGINT/SIGTERM, printing the figures every 5 s; --ads N, --seed S
)";

//! The longest line `produce` sends: within librdkafka's default message.max.bytes (1,000,000)
//! with room for the key and the record's framing.
constexpr std::size_t kMaxMessageLineBytes = 900'000;

//! The most clicks `produce --gen-events` generates (they are built in memory first).
constexpr int64_t kMaxGenEvents = 1'000'000'000;

volatile std::sig_atomic_t g_stop = 0;
void onStop(int)
{
    g_stop = 1;
}

} // namespace

int cmdBroker(Args& args)
{
    if (printHelp(args, kBrokerHelp)) return 0;
    std::optional<int64_t> brokersOpt, partitionsOpt;
    if (!integerOption(args, "brokers", 1, 32, brokersOpt)
        || !integerOption(args, "partitions", 1, 1024, partitionsOpt))
        return 2;
    const int brokers = static_cast<int>(brokersOpt.value_or(3));
    const std::string topic = args.value("topic").value_or("clicks");
    const int partitions = static_cast<int>(partitionsOpt.value_or(8));
    const auto portFile = args.value("port-file");
    const bool control = args.flag("control");
    const std::vector<std::string> alsoTopics = args.values("also-topic");
    if (const int rc = rejectUnknown(args, "broker")) return rc;
    if (topic.empty()) return fail("--topic must not be empty", 2);
    auto broker = core::EmbeddedBroker::start(brokers, topic, partitions);
    if (!broker) return fail(broker.message());
    for (const std::string& t : alsoTopics)
        if (auto st = (*broker)->createTopic(t, partitions); !st) return fail(st.message());
    const std::string& boot = (*broker)->bootstraps();
    if (portFile) {
        const std::string tmp = *portFile + ".tmp";
        {
            std::ofstream f(tmp);
            f << boot << '\n';
            if (!f) return fail("cannot write '" + tmp + "'");
        }
        if (std::rename(tmp.c_str(), portFile->c_str()) != 0) return fail("cannot write '" + *portFile + "'");
    }
    std::printf(
        "{\"bootstrap\":%s,\"topic\":%s,\"partitions\":%d,\"brokers\":%d,\"note\":\"in-memory stand-in; "
        "production means a real Kafka cluster\"}\n",
        jsonString(boot).c_str(), jsonString(topic).c_str(), partitions, brokers);
    std::fflush(stdout);
    // No SA_RESTART: a signal must interrupt the blocking read of control commands.
    struct sigaction sa { };
    sa.sa_handler = onStop;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::string pending;
    bool input = control;
    while (!g_stop) {
        if (!input) {
            ::pause();
            continue;
        }
        char buf[4096];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0) {
            input = n < 0 && errno == EINTR; // EOF or a broken stdin: keep serving, without commands
            continue;
        }
        pending.append(buf, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1)) {
            const std::string command = pending.substr(0, nl);
            if (command.find_first_not_of(" \t\r") == std::string::npos) continue;
            const core::Status st = (*broker)->control(command);
            std::printf("%s\n", st ? "ok" : ("error: " + st.message()).c_str());
            std::fflush(stdout);
        }
    }
    return 0;
}

//! `produce --live`: a generated stream in wall-clock time until SIGINT/SIGTERM.
int produceLive(core::LiveStreamOptions o)
{
    auto stream = core::LiveClickStream::start(o);
    if (!stream) return fail(stream.message());
    std::signal(SIGINT, onStop);
    std::signal(SIGTERM, onStop);
    auto print = [&] {
        const core::LiveStreamStats s = (*stream)->stats();
        std::printf("{\"produced\":%lld,\"delivered\":%lld,\"failed\":%lld%s}\n",
            static_cast<long long>(s.produced), static_cast<long long>(s.delivered),
            static_cast<long long>(s.failed),
            s.lastError.empty() ? "" : (",\"error\":" + jsonString(s.lastError)).c_str());
        std::fflush(stdout);
    };
    for (int tick = 1; !g_stop; ++tick) {
        ::usleep(100'000);
        if (tick % 50 == 0) print();
    }
    (*stream)->stop();
    print();
    return 0;
}

namespace {

//! What `produce` was asked to do.
struct ProduceRequest {
    core::ProduceOptions producer;
    std::optional<double> rate;
    std::optional<int64_t> genEvents, seed, ads;
    std::optional<std::string> truth;
    bool live = false;
    std::vector<std::string> files; //!< the input: one file (or -) unless generated
};

//! Reads and checks produce's options: 0, or the exit code of a usage error (reported).
int readProduceRequest(Args& args, ProduceRequest& r)
{
    core::ProduceOptions& o = r.producer;
    const auto brokers = args.value("brokers");
    const auto topic = args.value("topic");
    if (!decimalOption(args, "rate", 0.001, 1e7, r.rate)
        || !integerOption(args, "gen-events", 0, kMaxGenEvents, r.genEvents)
        || !integerOption(args, "seed", 0, INT64_MAX, r.seed)
        || !integerOption(args, "ads", 1, 10'000'000, r.ads))
        return 2;
    r.truth = args.value("truth");
    r.live = args.flag("live");
    if (const int rc = parserOptions(args, o.parser)) return rc;
    std::string propError;
    auto props = kafkaProperties(args, propError);
    if (!props) return fail(propError, 2);
    o.properties = std::move(*props);
    r.files = args.positionals();
    if (auto rest = args.finish(); !rest.empty()) return fail(rest + " (see adclick produce --help)", 2);
    if (!brokers || !topic) return fail("produce needs --brokers B and --topic T", 2);
    if (r.files.size() + (r.genEvents ? 1 : 0) + (r.live ? 1 : 0) != 1)
        return fail("produce needs one FILE, -, --gen-events N or --live", 2);
    o.brokers = *brokers;
    o.topic = *topic;
    if (r.rate) o.ratePerSecond = *r.rate;
    return 0;
}

//! `produce --live` with the request's options.
int produceLiveRequest(const ProduceRequest& r)
{
    core::LiveStreamOptions l;
    l.brokers = r.producer.brokers;
    l.topic = r.producer.topic;
    l.properties = r.producer.properties;
    if (r.rate) l.rate = r.producer.ratePerSecond;
    if (r.seed) l.seed = static_cast<uint64_t>(*r.seed);
    if (r.ads) l.ads = static_cast<uint32_t>(*r.ads);
    return produceLive(l);
}

//! Waits for the deliveries, prints the figures and turns them into the exit code (`st`: the
//! producer's first refusal, if any; `tooLong`: lines over the line limit, not sent).
int finishProduce(core::KafkaProducer& producer, const core::Status& st, int64_t tooLong = 0)
{
    const core::ProduceReport r = producer.finish();
    std::printf(
        "{\"messages\":%lld,\"delivered\":%lld,\"failed\":%lld,\"skipped\":%lld,\"too_long\":%lld%s}\n",
        static_cast<long long>(r.messages), static_cast<long long>(r.delivered),
        static_cast<long long>(r.failed), static_cast<long long>(r.skipped), static_cast<long long>(tooLong),
        r.firstError.empty() ? "" : (",\"error\":" + jsonString(r.firstError)).c_str());
    if (!st) return fail(st.message());
    if (r.failed > 0) return fail(std::to_string(r.failed) + " messages were not delivered: " + r.firstError);
    if (tooLong > 0)
        return fail(std::to_string(tooLong) + " lines were longer than "
            + std::to_string(kMaxMessageLineBytes)
            + " bytes (more than a Kafka message takes) and were not sent");
    return 0;
}

//! `produce --gen-events N`: a generated JSON-lines log (and its truth files with --truth).
int produceGenerated(core::KafkaProducer& producer, const ProduceRequest& req)
{
    core::GenOptions g;
    g.events = *req.genEvents;
    g.seed = req.seed ? static_cast<uint64_t>(*req.seed) : 1;
    g.format = core::LineFormat::Jsonl;
    g.truth = req.truth.has_value();
    if (req.truth) g.truthPrefix = *req.truth;
    std::string text;
    auto report = core::generateClicksToString(g, text);
    if (!report) return fail(report.message());
    if (req.truth)
        if (auto w = core::writeTruthFiles(report->truth, *req.truth); !w) return fail(w.message());
    core::Status st;
    std::size_t start = 0;
    for (std::size_t nl; st && (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        st = producer.produceLine(std::string_view(text).substr(start, nl - start));
    return finishProduce(producer, st);
}

//! `produce FILE`: the lines of a log file (or stdin), plain or gzip.
int produceFile(core::KafkaProducer& producer, const std::string& path)
{
    auto file = core::InputFile::open(path);
    if (!file) return fail(file.message());
    core::Status st;
    // Lines are sent whole, also those over the ingest's line limit (the consumer then rejects
    // them as line_too_long, as an ingest of the file does). The splitter keeps only the start
    // of a line too long for a message: that start is never sent as if it were the line; such
    // lines are counted and make the exit code nonzero.
    // Records, not lines: a quoted CSV field may hold line breaks (RFC 4180), and such a record
    // is one message, as it is one verdict in a file ingest.
    core::RecordReader splitter(kMaxMessageLineBytes);
    int64_t tooLong = 0;
    auto send = [&](const core::Line& line) {
        if (line.tooLong)
            ++tooLong;
        else
            st = producer.produceRecord(line.text, line.multiLine);
    };
    std::string buf(1 << 20, '\0');
    for (;;) {
        auto n = (*file)->read(std::span<char>(buf.data(), buf.size()));
        if (!n) return fail(n.message());
        if (*n == 0) break;
        splitter.feed(std::string_view(buf.data(), *n));
        core::Line line;
        while (st && splitter.next(line, producer.parser()))
            send(line);
        if (!st) break;
    }
    core::Line last;
    while (st && splitter.finish(last, producer.parser()))
        send(last);
    return finishProduce(producer, st, tooLong);
}

} // namespace

int cmdProduce(Args& args)
{
    if (args.flag("help")) {
        std::fputs(kProduceHelp, stdout);
        return 0;
    }
    ProduceRequest req;
    if (const int rc = readProduceRequest(args, req); rc != 0) return rc;
    if (req.live) return produceLiveRequest(req);
    auto producer = core::KafkaProducer::open(req.producer);
    if (!producer) return fail(producer.message());
    return req.genEvents ? produceGenerated(**producer, req) : produceFile(**producer, req.files[0]);
}

} // namespace adclick::app
