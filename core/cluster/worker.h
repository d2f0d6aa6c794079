#pragma once
// `adclick aggregate`: a cluster worker (docs/SCALING.md). It joins a consumer group on the click
// topic, runs one engine per partition it owns and publishes each partition's counts as units
// (core/ingest/cluster_unit.h) to the aggregate topic.

#include "core/base/status.h"
#include "core/input/parser_options.h"
#include "core/pipeline/batch.h"

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

struct WorkerOptions {
    std::string input; //!< kafka://HOSTS/clicks
    std::string output; //!< kafka://HOSTS/ad_minute_counts
    std::string group = "adclick-workers";
    EngineConfig config;
    ParserOptions parser;
    std::vector<std::pair<std::string, std::string>> kafkaProperties;
    int64_t maxFutureMs = 300'000;
    std::size_t unitEvents = 4096; //!< a unit holds at most this many input messages ...
    int64_t unitIntervalMs = 500; //!< ... and is published at least this often while input comes
    //! The state topic (on the aggregate topic's brokers) checkpoints are written to; empty: none,
    //! a partition taken over is then rebuilt by reading it from offset 0 (docs/SCALING.md).
    std::string checkpointTopic;
    int64_t checkpointIntervalMs = 60'000; //!< per partition, and whenever a partition is revoked
};

struct WorkerReport {
    int64_t messages = 0; //!< input messages counted (not those replayed to rebuild state)
    int64_t replayed = 0; //!< input messages read again to rebuild a partition taken over
    int64_t units = 0; //!< units published
    int64_t checkpoints = 0; //!< checkpoints written and committed
    int64_t restored = 0; //!< partitions taken over from a checkpoint (not rebuilt from offset 0)
    int64_t assignments = 0, revocations = 0;
    std::string protocol; //!< the group's rebalance protocol: COOPERATIVE or EAGER
    //! Wall clock (ms) of the first assignment and of the last unit published (0: none): the
    //! benchmark's span (scripts/bench-cluster.sh), without the group's join delay.
    int64_t firstAssignedMs = 0, lastUnitMs = 0;
};

//! Runs until `stop` (then publishes what it counted, flushes and leaves the group) or a fatal
//! error: lost input or output (a data gap), a unit that could not be delivered, bad settings.
//! `onNote` gets a line for every assignment and revocation.
Result<WorkerReport> runWorker(const WorkerOptions& options, std::stop_token stop,
    const std::function<void(const std::string&)>& onNote = {});

} // namespace adclick::core
