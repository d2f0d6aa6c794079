#include "core/serve/api_router.h"

#include "core/base/clock.h"
#include "core/base/text_writers.h"
#include "core/pipeline/filter_expr.h"
#include "core/serve/api_metrics.h"
#include "core/serve/api_params.h"
#include "core/serve/result_json.h"
#include "core/store/stats.h"

#include <initializer_list>
#include <map>

namespace adclick::core {

namespace {

//! `popular`'s largest window, as on the command line (~19 years: larger would only overflow).
constexpr int64_t kMaxWindowMinutes = 10'000'000;

//! The decoded query parameters of one endpoint.
class Params {
public:
    //! An error for a badly encoded, repeated or unknown parameter (each one is a 400).
    static Result<Params> read(const ApiRequest& r, std::initializer_list<std::string_view> known)
    {
        Params p;
        for (const auto& [rawKey, rawValue] : r.query) {
            if (rawKey.empty() && rawValue.empty()) continue; // `a=1&&b=2`, a trailing `&`
            const auto key = percentDecode(rawKey, true);
            const auto value = percentDecode(rawValue, true);
            if (!key || !value)
                return Result<Params>::error("parameter '" + rawKey + "' is not correctly percent-encoded");
            bool isKnown = false;
            for (std::string_view k : known)
                isKnown = isKnown || k == *key;
            if (!isKnown) return Result<Params>::error("unknown parameter '" + *key + "'" + knownList(known));
            if (!p.m_values.emplace(*key, *value).second)
                return Result<Params>::error("parameter '" + *key + "' is given twice");
        }
        return p;
    }
    const std::string* get(const std::string& name) const
    {
        const auto it = m_values.find(name);
        return it == m_values.end() ? nullptr : &it->second;
    }

private:
    static std::string knownList(std::initializer_list<std::string_view> known)
    {
        if (known.size() == 0) return " (this path takes none)";
        std::string s = " (known: ";
        for (std::string_view k : known)
            s += (s.size() > 9 ? ", " : "") + std::string(k);
        return s + ")";
    }
    std::map<std::string, std::string> m_values;
};

ApiResponse json(std::string body)
{
    ApiResponse r;
    r.body = std::move(body);
    return r;
}

//! A failed query: 400 for a bad filter, otherwise 500 (the message says what broke).
ApiResponse queryError(const Status& st)
{
    return apiError(st.code() == StatusCode::BadFilter ? 400 : 500, st.message());
}

bool timeParam(
    const Params& p, const std::string& name, bool required, std::optional<int64_t>& out, std::string& error)
{
    const std::string* text = p.get(name);
    if (!text || text->empty()) {
        if (required) error = "parameter '" + name + "' is required";
        return !required;
    }
    int64_t ms = 0;
    if (!parseApiTime(*text, ms)) {
        error = "parameter '" + name + "': cannot read '" + *text
            + "' as a time (an epoch minute below 10^9 as in the design, ISO-8601 like 2021-01-01T00:00:00Z, "
              "or an epoch in seconds such as 1609459200)";
        return false;
    }
    out = ms;
    return true;
}

bool wholeParam(const Params& p, const std::string& name, int64_t max, int64_t& out, std::string& error)
{
    const std::string* text = p.get(name);
    if (!text || text->empty()) {
        error = "parameter '" + name + "' is required";
        return false;
    }
    const auto v = parseApiWhole(*text, 1, max);
    if (!v) {
        error = "parameter '" + name + "' must be a whole number from 1 to " + std::to_string(max) + ", not '"
            + *text + "'";
        return false;
    }
    out = *v;
    return true;
}

//! The `filter` parameter, resolved: an expression as `--filter` takes it (`@name` included), or
//! the design's numeric filter id, which names a saved filter by its id.
Result<Filter> requestFilter(QueryService& q, const std::string* text)
{
    using R = Result<Filter>;
    if (!text || text->empty()) return Filter {};
    std::string expr = *text;
    if (const auto id = parseApiWhole(*text, 0, INT64_MAX)) {
        auto saved = q.savedFilters();
        if (!saved) return R(saved.status());
        expr.clear();
        for (const SavedFilterInfo& s : *saved)
            if (s.id == *id) expr = "@" + s.name;
        if (expr.empty()) return R::error(StatusCode::BadFilter, "no saved filter has the id " + *text);
    }
    auto f = parseFilter(expr);
    if (!f) return R::error(StatusCode::BadFilter, "bad filter '" + *text + "': " + f.message());
    auto resolved = q.resolve(*f);
    if (!resolved && resolved.code() == StatusCode::BadFilter)
        return R::error(StatusCode::BadFilter, "bad filter '" + *text + "': " + resolved.message());
    return resolved;
}

ApiResponse stats(const std::string& db, const ApiRequest& r)
{
    auto p = Params::read(r, { "samples" });
    if (!p) return apiError(400, p.message());
    int64_t samples = 20;
    if (const std::string* s = p->get("samples")) {
        const auto v = parseApiWhole(*s, 0, 10'000);
        if (!v)
            return apiError(
                400, "parameter 'samples' must be a whole number from 0 to 10000, not '" + *s + "'");
        samples = *v;
    }
    auto report = readStats(db, static_cast<int>(samples));
    if (!report) return apiError(503, report.message());
    return json(statsAnswerJson(*report));
}

//! Opens the database anew (not a pooled connection, which would still read a file deleted or
//! replaced since), so a load balancer learns when this server cannot answer.
ApiResponse health(const std::string& db, const ApiRequest& r)
{
    auto p = Params::read(r, {});
    if (!p) return apiError(400, p.message());
    std::string error;
    auto q = QueryService::open(db);
    if (q) {
        auto w = (*q)->watermark();
        if (w) return json("{\"status\":\"ok\",\"watermark\":" + timeJson(w->value_or(kNoTime)) + "}\n");
        error = w.message();
    } else
        error = q.message();
    ApiResponse e = json("{\"status\":\"unavailable\",\"error\":" + jsonString(error) + "}\n");
    e.status = 503;
    return e;
}

//! "10 s", or "250 ms" for a limit that is no whole number of seconds (tests set those).
std::string durationText(std::chrono::milliseconds d)
{
    const int64_t ms = d.count();
    return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

//! The path's segments, percent-decoded; nullopt for a bad escape.
std::optional<std::vector<std::string>> pathSegments(std::string_view path)
{
    std::vector<std::string> out;
    if (path.empty() || path[0] != '/') return out; // routes nowhere: 404
    std::size_t start = 1;
    while (true) {
        const std::size_t slash = path.find('/', start);
        const auto seg = percentDecode(path.substr(start, slash - start), false);
        if (!seg) return std::nullopt;
        out.push_back(*seg);
        if (slash == std::string_view::npos) return out;
        start = slash + 1;
    }
}

//! Equal without an early exit, so the time taken says nothing about the token (its length is
//! no secret).
bool sameSecret(std::string_view given, std::string_view token)
{
    if (given.size() != token.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ token[i]);
    return diff == 0;
}

} // namespace

ApiResponse apiError(int status, std::string_view message)
{
    ApiResponse r;
    r.status = status;
    r.body = "{\"error\":" + jsonString(message) + "}\n";
    return r;
}

ApiRouter::ApiRouter(ApiOptions options)
    : m_options(std::move(options))
    , m_pool(m_options.dbPath)
    , m_watchdog(m_options.requestTimeout)
{
    if (!m_options.wallMs) m_options.wallMs = wallMs;
}

ApiRouter::~ApiRouter() = default;

Result<std::unique_ptr<ApiRouter>> ApiRouter::open(ApiOptions options)
{
    using R = Result<std::unique_ptr<ApiRouter>>;
    std::unique_ptr<ApiRouter> router(new ApiRouter(std::move(options)));
    auto first = router->m_pool.lease(); // opened once now: a bad --db is an error at start
    if (!first) return R(first.status());
    auto w = (*first)->watermark();
    if (!w) return R(w.status());
    return R(std::move(router));
}

template <typename Query, typename Answer>
ApiResponse ApiRouter::runQuery(const std::string* filterText, Query query, Answer answer)
{
    auto q = m_pool.lease();
    if (!q) return apiError(503, q.message());
    auto watch = m_watchdog.watch(**q);
    auto filter = requestFilter(**q, filterText);
    using QueryResult = decltype(query(**q, *filter));
    QueryResult result = filter ? query(**q, *filter) : QueryResult(filter.status());
    if (watch.end()) {
        // Interrupted, or about to be: what it returned may be cut short (an interrupted statement
        // reads as no rows in places), so no answer is given from it, and the service is retired.
        q->discard();
        return timedOut();
    }
    if (!result) {
        // A bad filter is the client's mistake; anything else is the database's: a fresh service next.
        if (result.code() != StatusCode::BadFilter) q->discard();
        return queryError(result.status());
    }
    return json(answer(*result));
}

ApiResponse ApiRouter::timedOut()
{
    m_timeouts.fetch_add(1, std::memory_order_relaxed);
    return apiError(503,
        "the query took longer than this server's limit of " + durationText(m_watchdog.limit())
            + " per request and was stopped; narrow the time range (from/to, window) or the filter, or "
              "start the server with a larger --request-timeout");
}

ApiResponse ApiRouter::aggregatedCount(const std::string& adId, const ApiRequest& r)
{
    auto p = Params::read(r, { "from", "to", "filter" });
    if (!p) return apiError(400, p.message());
    std::optional<int64_t> from, to;
    std::string error;
    if (!timeParam(*p, "from", true, from, error) || !timeParam(*p, "to", true, to, error))
        return apiError(400, error);
    if (*from >= *to) return apiError(400, "'from' must be before 'to' (the range is [from, to))");
    return runQuery(
        p->get("filter"), [&](QueryService& q, const Filter& f) { return q.count(adId, *from, *to, f); },
        [&](int64_t n) { return countAnswerJson(adId, n); });
}

ApiResponse ApiRouter::popularAds(const ApiRequest& r)
{
    auto p = Params::read(r, { "count", "window", "at", "filter" });
    if (!p) return apiError(400, p.message());
    int64_t count = 0, window = 0;
    std::optional<int64_t> at;
    std::string error;
    if (!wholeParam(*p, "count", INT64_MAX, count, error)
        || !wholeParam(*p, "window", kMaxWindowMinutes, window, error)
        || !timeParam(*p, "at", false, at, error))
        return apiError(400, error);
    return runQuery(
        p->get("filter"), [&](QueryService& q, const Filter& f) { return q.popular(count, window, at, f); },
        [&](const PopularResult& top) { return popularAnswerJson(top, window); });
}

ApiResponse ApiRouter::metrics(const ApiRequest& r)
{
    auto p = Params::read(r, {});
    if (!p) return apiError(400, p.message());
    auto report = readStats(m_options.dbPath, 0);
    if (!report) return apiError(503, report.message());
    ApiResponse m;
    m.contentType = "text/plain; version=0.0.4; charset=utf-8";
    ServeCounters served;
    served.timeouts = m_timeouts.load(std::memory_order_relaxed);
    m.body = prometheusMetrics(*report, m_options.wallMs()) + serveMetrics(served);
    return m;
}

bool ApiRouter::authorized(const ApiRequest& request) const
{
    if (m_options.token.empty()) return true;
    if (!request.authorization) return false;
    constexpr std::string_view kScheme = "Bearer ";
    const std::string& h = *request.authorization;
    if (h.size() < kScheme.size()) return false;
    for (std::size_t i = 0; i < kScheme.size(); ++i) // the scheme is case-insensitive (RFC 7235)
        if ((h[i] | 0x20) != (kScheme[i] | 0x20)) return false;
    return sameSecret(std::string_view(h).substr(kScheme.size()), m_options.token);
}

ApiResponse ApiRouter::handle(const ApiRequest& request)
{
    if (!authorized(request)) {
        ApiResponse r = apiError(401, "this server needs 'Authorization: Bearer TOKEN' with its token");
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"adclick\"");
        return r;
    }
    const auto segments = pathSegments(request.path);
    if (!segments) return apiError(400, "the path is not correctly percent-encoded");
    const auto& s = *segments;
    const bool count = s.size() == 4 && s[0] == "v1" && s[1] == "ads" && s[3] == "aggregated_count";
    const bool popular = s.size() == 3 && s[0] == "v1" && s[1] == "ads" && s[2] == "popular_ads";
    const bool stat = s.size() == 2 && s[0] == "v1" && s[1] == "stats";
    const bool healthPath = s.size() == 2 && s[0] == "v1" && s[1] == "health";
    const bool metricsPath = s.size() == 1 && s[0] == "metrics";
    if (!count && !popular && !stat && !healthPath && !metricsPath)
        return apiError(404,
            "no such path; the API: /v1/ads/{ad_id}/aggregated_count, /v1/ads/popular_ads, /v1/stats, "
            "/v1/health, /metrics");
    if (request.method != "GET" && request.method != "HEAD") {
        ApiResponse r = apiError(405, "only GET and HEAD are served (the API is read-only)");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    if (count && s[2].empty()) return apiError(400, "the ad id in the path is empty");
    if (count) return aggregatedCount(s[2], request);
    if (popular) return popularAds(request);
    if (stat) return stats(m_options.dbPath, request);
    if (healthPath) return health(m_options.dbPath, request);
    return metrics(request);
}

} // namespace adclick::core
