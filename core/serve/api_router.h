#pragma once
// The query API of `adclick serve` as a pure function of a request: routing, authorization,
// parameters and answers, without any HTTP library (app/cmd_serve.cpp binds it to libmicrohttpd),
// so it is unit-tested and fuzzed on its own.
//
//   GET /v1/ads/{ad_id}/aggregated_count?from=T&to=T[&filter=F]  -> adclick count's answer
//   GET /v1/ads/popular_ads?count=N&window=M[&at=T][&filter=F]  -> adclick popular's answer
//   GET /v1/stats[?samples=N]  -> adclick stats's answer
//   GET /v1/health             -> 200 {"status":"ok",…} when the database opens and reads, else 503
//   GET /metrics               -> Prometheus text (counters, watermark delay, Kafka lag, rejects)
// Errors are {"error":"…"}: 400 bad parameters, 401 no or wrong token, 404 unknown path,
// 405 another method than GET or HEAD, 500 a query that failed, 503 a database that cannot be read
// or a query that ran longer than ApiOptions::requestTimeout (interrupted: never a partial count).

#include "core/base/status.h"
#include "core/serve/request_watchdog.h"
#include "core/serve/service_pool.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace adclick::core {

struct ApiRequest {
    std::string method; //!< "GET", "HEAD", …
    std::string path; //!< as received: percent-encoded, without the query string
    //! The query string's parameters as received (percent-encoded; `+` may stand for a space).
    std::vector<std::pair<std::string, std::string>> query;
    std::optional<std::string> authorization; //!< the Authorization header, when sent
};

struct ApiResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; //!< extra ones (Allow, WWW-Authenticate)
};

struct ApiOptions {
    std::string dbPath;
    std::string token; //!< required as `Authorization: Bearer TOKEN` when not empty
    std::function<int64_t()> wallMs; //!< the clock of /metrics' delays; the system's when empty
    //! A count or popular query running longer is interrupted and answered 503; 0: no limit.
    std::chrono::milliseconds requestTimeout { 10'000 };
};

//! Answers requests on any number of threads at once: each request leases its own QueryService
//! from the pool (a QueryService is single-thread), and every answer reads one transaction, so it
//! describes one committed state of the database while an ingest writes it.
class ApiRouter {
public:
    //! Opens the database once to check it is an AdClick database (the error otherwise).
    static Result<std::unique_ptr<ApiRouter>> open(ApiOptions options);
    ~ApiRouter();

    ApiResponse handle(const ApiRequest& request);

    //! Interrupts the queries running now and refuses new ones (503): for a quick shutdown.
    void stop() { m_pool.stop(); }
    ServicePool& pool() { return m_pool; }

private:
    explicit ApiRouter(ApiOptions options);
    bool authorized(const ApiRequest& request) const;
    ApiResponse aggregatedCount(const std::string& adId, const ApiRequest& r);
    ApiResponse popularAds(const ApiRequest& r);
    ApiResponse metrics(const ApiRequest& r);
    //! The steps both query endpoints share: lease a service, resolve the `filter` parameter, run
    //! `query` on them under the time limit, and answer `answer(result)` — or the error: 400 for a
    //! bad filter, 503 for a timeout, 500 for a failed query (whose service is then retired).
    template <typename Query, typename Answer>
    ApiResponse runQuery(const std::string* filterText, Query query, Answer answer);
    ApiResponse timedOut();

    ApiOptions m_options;
    ServicePool m_pool;
    std::atomic<int64_t> m_timeouts { 0 };
    //! Last: destroyed first, so its thread never outlives the services it may interrupt.
    RequestWatchdog m_watchdog;
};

//! `{"error":"message"}` with a line break, and `status`.
ApiResponse apiError(int status, std::string_view message);

} // namespace adclick::core
