#pragma once
// /metrics of `adclick serve`: the database's state in the Prometheus text format (0.0.4), so the
// engine fits the monitoring people run.

#include "core/store/stats.h"

#include <cstdint>
#include <string>

namespace adclick::core {

//! Counters (`adclick_lines_total`, … — the ingest rate is `rate(adclick_lines_total[1m])`, as
//! Prometheus derives rates from counters), rejects by reason, the watermark and its delay behind
//! `nowMs`, and per Kafka partition the lag as of the ingest's last commit: an unknown lag is NaN,
//! never 0. A time the database does not have yet (no event) is left out.
std::string prometheusMetrics(const StatsReport& r, int64_t nowMs);

//! What the server itself counts since it started (the database's figures are in StatsReport).
struct ServeCounters {
    int64_t timeouts = 0; //!< queries stopped at --request-timeout (answered 503)
};

//! `adclick_serve_timeouts_total`, in the same text format, to follow prometheusMetrics.
std::string serveMetrics(const ServeCounters& c);

} // namespace adclick::core
