#include "sim/live_stream.h"

#include "sim/click_generator.h"
#include "sim/kafka_producer.h"
#include "sim/random_tables.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <system_error>
#include <thread>

namespace adclick::core {

namespace {

using namespace std::chrono_literals;
using clickgen::mix64; // chunk seeds derived like the generator's own

constexpr auto kChunk = 100ms; //!< one generated chunk per tick
constexpr auto kMaxBehind = 1s; //!< after a longer stall the schedule restarts from now (no burst)
constexpr int kConnectTimeoutMs = 10'000;
//! stop() waits at most this long for outstanding deliveries (a dead broker never acknowledges).
constexpr int kFinishTimeoutMs = 3'000;
constexpr double kMaxRate = 1e6;

int64_t wallNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool isBlank(std::string_view line)
{
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

} // namespace

GenOptions liveChunkOptions(const LiveStreamOptions& options, uint64_t index, int64_t startMs, int64_t events)
{
    GenOptions g;
    g.truth = false;
    g.format = LineFormat::Jsonl;
    g.events = events;
    g.seed = mix64(mix64(options.seed) ^ index);
    g.startMs = startMs;
    g.rate = options.rate;
    g.ads = options.ads;
    g.users = options.users;
    g.dupRate = options.dupRate;
    g.lateRate = options.lateRate;
    g.malformedRate = options.malformedRate;
    g.disorderMs = options.disorderMs;
    return g;
}

struct LiveClickStream::Impl {
    LiveStreamOptions options;
    std::unique_ptr<KafkaProducer> producer;
    std::jthread thread;

    std::atomic<int64_t> produced { 0 };
    std::atomic<int64_t> produceErrors { 0 }; //!< lines the producer refused (not handed to Kafka)
    mutable std::mutex statsMutex;
    std::string lastError;
    //! Delivery reports counted so far (the producing thread polls them after each chunk); final
    //! once stop() has flushed the producer.
    int64_t delivered = 0;
    int64_t failed = 0;

    std::mutex stopMutex;
    bool stopped = false;

    void setError(const std::string& message)
    {
        std::lock_guard lock(statsMutex);
        lastError = message;
    }

    //! Serves the delivery reports that arrived and publishes their counts to stats().
    void pollDeliveries()
    {
        const ProduceReport r = producer->poll(0);
        std::lock_guard lock(statsMutex);
        delivered = r.delivered;
        failed = r.failed;
        if (lastError.empty() && !r.firstError.empty()) lastError = r.firstError;
    }

    void run(std::stop_token stop)
    {
        using Clock = std::chrono::steady_clock;
        std::mutex waitMutex;
        std::condition_variable_any wake;
        auto base = Clock::now();
        int64_t tick = 0, scheduled = 0;
        uint64_t chunk = 0;
        std::string text;
        while (!stop.stop_requested()) {
            ++tick;
            const auto due = base + tick * kChunk;
            {
                std::unique_lock lock(waitMutex);
                wake.wait_until(lock, stop, due, [] { return false; });
            }
            if (stop.stop_requested()) break;
            pollDeliveries(); // also when no chunk is due: acknowledgements keep coming
            const auto now = Clock::now();
            if (now - due > kMaxBehind) base = now - tick * kChunk; // skip the stall, don't burst
            // Counted by ticks, so a fractional rate per chunk (rate < 10/s) still adds up.
            const auto target = static_cast<int64_t>(options.rate * static_cast<double>(tick) / 10.0);
            const int64_t events = target - scheduled;
            scheduled = target;
            if (events <= 0) continue;
            text.clear();
            auto gen = generateClicksToString(liveChunkOptions(options, chunk++, wallNowMs(), events), text);
            if (!gen) {
                setError("cannot generate clicks: " + gen.message());
                return; // validated at start, so this is a programming error: stop producing
            }
            std::string_view rest = text;
            while (!rest.empty() && !stop.stop_requested()) {
                const std::size_t nl = rest.find('\n');
                const std::string_view line = rest.substr(0, nl);
                rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
                if (isBlank(line)) continue;
                if (Status s = producer->produceLine(line); !s) {
                    ++produceErrors;
                    setError(s.message());
                } else {
                    ++produced;
                }
            }
        }
    }
};

LiveClickStream::~LiveClickStream()
{
    stop();
}

Result<std::unique_ptr<LiveClickStream>> LiveClickStream::start(const LiveStreamOptions& options)
{
    using R = Result<std::unique_ptr<LiveClickStream>>;
    if (options.brokers.empty()) return R::error("no Kafka brokers given");
    if (options.topic.empty()) return R::error("no Kafka topic given");
    if (!std::isfinite(options.rate) || options.rate <= 0 || options.rate > kMaxRate)
        return R::error("the live stream's rate must be above 0 and at most 1000000 clicks per second");
    const auto perChunk = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(options.rate / 10.0)));
    if (Status s = validateGenOptions(liveChunkOptions(options, 0, wallNowMs(), perChunk)); !s)
        return R(Status::error("bad live stream options: " + s.message()));

    ProduceOptions po;
    po.brokers = options.brokers;
    po.topic = options.topic;
    po.parser.format = LineFormat::Jsonl;
    po.connectTimeoutMs = kConnectTimeoutMs;
    // Live clicks are stale soon: give up on a message after 10 s rather than the producer's 30 s,
    // which also bounds how long a full local queue can block the producing thread.
    po.properties = { { "message.timeout.ms", "10000" } };
    po.properties.insert(po.properties.end(), options.properties.begin(), options.properties.end());
    auto producer = KafkaProducer::open(po);
    if (!producer) return R(producer.status());

    std::unique_ptr<LiveClickStream> s(new LiveClickStream());
    s->m_impl = std::make_unique<Impl>();
    s->m_impl->options = options;
    s->m_impl->producer = std::move(*producer);
    try {
        s->m_impl->thread = std::jthread([impl = s->m_impl.get()](std::stop_token stop) { impl->run(stop); });
    } catch (const std::system_error& e) {
        s->m_impl->stopped = true;
        return R::error(std::string("cannot start the live stream's thread: ") + e.what());
    }
    return R(std::move(s));
}

LiveStreamStats LiveClickStream::stats() const
{
    LiveStreamStats out;
    std::lock_guard lock(m_impl->statsMutex);
    out.produced = m_impl->produced.load();
    out.delivered = m_impl->delivered;
    out.failed = m_impl->failed + m_impl->produceErrors.load();
    out.lastError = m_impl->lastError;
    return out;
}

void LiveClickStream::stop()
{
    if (!m_impl) return;
    std::lock_guard stopLock(m_impl->stopMutex);
    if (m_impl->stopped) return;
    m_impl->stopped = true;
    if (m_impl->thread.joinable()) {
        m_impl->thread.request_stop();
        m_impl->thread.join();
    }
    const ProduceReport report = m_impl->producer->finish(kFinishTimeoutMs);
    std::lock_guard lock(m_impl->statsMutex);
    m_impl->produced = report.messages;
    m_impl->delivered = report.delivered;
    m_impl->failed = report.failed;
    if (m_impl->lastError.empty() && !report.firstError.empty()) m_impl->lastError = report.firstError;
}

} // namespace adclick::core
