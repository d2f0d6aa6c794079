#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

//! A generated click stream in wall-clock time, published to Kafka (keyed by ad_id) for the
//! demo, the GUI's --demo mode and soak tests: event times are "now" (with some disorder), plus
//! a small share of duplicates, late events and malformed lines, so every counter moves.
struct LiveStreamOptions {
    std::string brokers;
    std::string topic = "clicks";
    std::vector<std::pair<std::string, std::string>> properties; //!< passed to librdkafka as they are
    double rate = 2000; //!< clicks per second of wall time
    uint32_t ads = 200;
    uint32_t users = 20'000;
    uint64_t seed = 1;
    double dupRate = 0.01;
    double lateRate = 0.002;
    double malformedRate = 0.001;
    int64_t disorderMs = 3'000; //!< on-time events arrive up to this much out of order
};

struct LiveStreamStats {
    int64_t produced = 0; //!< messages handed to Kafka
    int64_t delivered = 0; //!< acknowledged by the brokers so far (all of them once stop() has returned)
    int64_t failed = 0; //!< refused while running; after stop() also the unacknowledged ones
    std::string lastError;
};

//! Runs a producer thread until stop() (or destruction).
class LiveClickStream {
public:
    ~LiveClickStream();
    LiveClickStream(const LiveClickStream&) = delete;
    LiveClickStream& operator=(const LiveClickStream&) = delete;

    //! Connects (clear message for unreachable brokers or a missing topic) and starts producing.
    static Result<std::unique_ptr<LiveClickStream>> start(const LiveStreamOptions& options);

    //! Thread-safe.
    LiveStreamStats stats() const;
    //! Stops producing and waits for the outstanding deliveries (bounded); idempotent.
    void stop();

private:
    LiveClickStream() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

struct GenOptions;

//! The generator options of the stream's chunk `index` (0, 1, …): `events` counted JSON lines whose
//! on-time clicks start at `startMs`, a seed derived from options.seed and index, no truth model.
//! The generator's late lines are ≥ 2 min behind their chunk's newest click, so an ingest with the
//! default 60 s lateness that has read the earlier chunks counts them late too.
GenOptions liveChunkOptions(
    const LiveStreamOptions& options, uint64_t index, int64_t startMs, int64_t events);

} // namespace adclick::core
