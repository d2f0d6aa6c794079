// adclick serve: the design's query API over HTTP. A thin binding of core/serve/api_router.h (which
// does the routing, parameters and answers) to libmicrohttpd (Debian's libmicrohttpd-dev: a
// hardened, fuzzed HTTP server with a thread pool and connection limits; no HTTP parsing here).
#include "cli_args.h"
#include "commands.h"

#include "core/serve/api_router.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <netinet/in.h>
#include <pthread.h>
#include <sstream>
#include <unistd.h>

namespace adclick::app {

namespace {

const char* kHelp
    = "usage: adclick serve --db F [--listen 127.0.0.1:8080] [--token-file F] [--threads N]\n"
      "                     [--max-connections N] [--request-timeout S] [--port-file F]\n\n"
      "Serves the database's queries over HTTP, read-only, while an ingest may write it:\n"
      "  GET /v1/ads/{ad_id}/aggregated_count?from=T&to=T[&filter=F]  (= adclick count)\n"
      "  GET /v1/ads/popular_ads?count=N&window=M[&at=T][&filter=F]   (= adclick popular)\n"
      "  GET /v1/stats (= adclick stats), /v1/health (200 or 503), /metrics (Prometheus text)\n"
      "T: an epoch minute (below 10^9, the design's unit), ISO-8601 or an epoch in s/ms/us/ns.\n"
      "F: a filter expression as --filter takes it (URL-encoded), @name, or a saved filter's id.\n"
      "Errors are JSON {\"error\":\"...\"} with 400, 401, 404, 405, 500 or 503.\n\n"
      "--listen HOST:PORT   IPv4 or [IPv6] address (default 127.0.0.1:8080; port 0: any free one)\n"
      "--token-file F       require 'Authorization: Bearer TOKEN', TOKEN the file's first line\n"
      "--threads N          requests answered at once (default 4, 1-64)\n"
      "--max-connections N  open connections at most (default 256); more wait to be taken in\n"
      "--request-timeout S  a count or popular query running longer than S seconds is stopped and\n"
      "                     answered 503 (never a partial count), freeing its thread; counted in\n"
      "                     /metrics as adclick_serve_timeouts_total (default 10; 0: no limit)\n"
      "--port-file F        write HOST:PORT to F once listening (for port 0)\n"
      "Prints {\"listen\":\"HOST:PORT\",\"db\":F} once listening; stops on SIGINT or SIGTERM.\n";

struct Listen {
    sockaddr_storage addr {};
    std::string host;
    bool loopback = false;
};

//! HOST:PORT with an IPv4 address or a bracketed IPv6 one; false with `error` set otherwise.
bool parseListen(const std::string& text, Listen& out, std::string& error)
{
    error = "--listen must be HOST:PORT with an IP address (127.0.0.1:8080, [::1]:8080), not '" + text + "'";
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) return false;
    std::string host = text.substr(0, colon);
    const auto port = parseWholeNumber(text.substr(colon + 1), 0, 65535);
    if (!port) return false;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        auto* a6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
        if (inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) != 1) return false;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(static_cast<uint16_t>(*port));
        out.loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
        out.host = "[" + host + "]";
        return true;
    }
    auto* a4 = reinterpret_cast<sockaddr_in*>(&out.addr);
    if (inet_pton(AF_INET, host.c_str(), &a4->sin_addr) != 1) return false;
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(*port));
    out.loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
    out.host = host;
    return true;
}

//! The token: the file's first line without its line break; empty with `error` set otherwise.
std::string readToken(const std::string& path, std::string& error)
{
    std::ifstream f(path);
    std::string line;
    if (!f || !std::getline(f, line)) {
        error = "cannot read the token from '" + path + "'";
        return {};
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.pop_back();
    for (const char c : line)
        if (c <= ' ' || c == 0x7f) {
            error = "the token in '" + path + "' must be one word of printable characters";
            return {};
        }
    if (line.empty()) error = "the token file '" + path + "' is empty";
    return line;
}

//! Leaves %XX and '+' as sent: the router decodes each path segment itself, so an ad id may hold
//! an encoded '/'.
size_t keepEscapes(void*, MHD_Connection*, char* s)
{
    return std::strlen(s);
}

void logMhd(void*, const char* fmt, va_list ap)
{
    std::fputs("adclick serve: ", stderr);
    std::vfprintf(stderr, fmt, ap);
}

MHD_Result addArgument(
    void* cls, MHD_ValueKind, const char* key, size_t keySize, const char* value, size_t valueSize)
{
    auto* query = static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
    query->emplace_back(std::string(key, keySize), value ? std::string(value, valueSize) : std::string());
    return MHD_YES;
}

MHD_Result queue(MHD_Connection* c, const core::ApiResponse& r)
{
    MHD_Response* resp = MHD_create_response_from_buffer(
        r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.contentType.c_str());
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    for (const auto& [name, value] : r.headers)
        MHD_add_response_header(resp, name.c_str(), value.c_str());
    const MHD_Result ret = MHD_queue_response(c, static_cast<unsigned>(r.status), resp);
    MHD_destroy_response(resp);
    return ret;
}

//! libmicrohttpd's handler, on one of its pool threads. It is called once the headers are in
//! (answered at once only for a method the API does not serve: 405, and the connection closes),
//! then for each piece of a body (skipped: a GET with a body is a 400), then with none: the
//! answer, on a connection that stays open for the client's next request.
MHD_Result onRequest(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
    const char*, size_t* uploadSize, void** state)
{
    static int headersSeen, bodySeen; // their addresses mark the request's state
    const bool readOnly
        = !std::strcmp(method, MHD_HTTP_METHOD_GET) || !std::strcmp(method, MHD_HTTP_METHOD_HEAD);
    if (*state == nullptr && readOnly) {
        *state = &headersSeen;
        return MHD_YES;
    }
    if (*uploadSize != 0) {
        *uploadSize = 0;
        *state = &bodySeen;
        return MHD_YES;
    }
    if (*state == &bodySeen) return queue(c, core::apiError(400, "a GET request takes no body"));
    auto* router = static_cast<core::ApiRouter*>(cls);
    core::ApiResponse r;
    try {
        core::ApiRequest req;
        req.method = method;
        req.path = url;
        MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, addArgument, &req.query);
        if (const char* auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))
            req.authorization = auth;
        r = router->handle(req);
    } catch (const std::exception& e) { // out of memory: an answer, never a dead server
        r = core::apiError(500, std::string("internal error: ") + e.what());
    }
    return queue(c, r);
}

struct ServeOptions {
    std::string db;
    Listen listen;
    std::string token;
    int threads = 4;
    int maxConnections = 256;
    std::chrono::seconds requestTimeout { 10 };
    std::optional<std::string> portFile;
};

//! 0, or the exit code of a usage error (printed).
int readServeOptions(Args& args, ServeOptions& o)
{
    const auto db = args.value("db");
    const auto listen = args.value("listen");
    const auto tokenFile = args.value("token-file");
    std::optional<int64_t> threads, connections, timeout;
    if (!integerOption(args, "threads", 1, 64, threads)
        || !integerOption(args, "max-connections", 1, 10'000, connections)
        || !integerOption(args, "request-timeout", 0, 86'400, timeout))
        return 2;
    o.portFile = args.value("port-file");
    if (const int rc = rejectUnknown(args, "serve")) return rc;
    if (!db || db->empty()) return fail("--db FILE is required", 2);
    o.db = *db;
    std::string error;
    if (!parseListen(listen.value_or("127.0.0.1:8080"), o.listen, error)) return fail(error, 2);
    if (tokenFile) {
        o.token = readToken(*tokenFile, error);
        if (o.token.empty()) return fail(error, 2);
    }
    o.threads = static_cast<int>(threads.value_or(4));
    o.maxConnections = static_cast<int>(connections.value_or(256));
    o.requestTimeout = std::chrono::seconds(timeout.value_or(10));
    return 0;
}

MHD_Daemon* startDaemon(const ServeOptions& o, core::ApiRouter& router)
{
    const unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG
        | (o.listen.addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    return MHD_start_daemon(flags, 0, nullptr, nullptr, &onRequest, &router, //
        MHD_OPTION_EXTERNAL_LOGGER, &logMhd, nullptr, // first: it applies to the options after it
        MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr*>(&o.listen.addr), //
        MHD_OPTION_THREAD_POOL_SIZE, static_cast<unsigned>(o.threads > 1 ? o.threads : 0), // 0: one thread
        MHD_OPTION_CONNECTION_LIMIT, static_cast<unsigned>(o.maxConnections), //
        MHD_OPTION_CONNECTION_TIMEOUT, 10u, // idle or slow clients are dropped after 10 s
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(32 * 1024), // URL + headers: 414/431 beyond
        MHD_OPTION_UNESCAPE_CALLBACK, &keepEscapes, nullptr, //
        MHD_OPTION_END);
}

bool writePortFile(const std::string& path, const std::string& text)
{
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp);
        f << text << '\n';
        if (!f) return false;
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

} // namespace

int cmdServe(Args& args)
{
    if (printHelp(args, kHelp)) return 0;
    ServeOptions o;
    if (const int rc = readServeOptions(args, o)) return rc;
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not end the server
    // SIGINT and SIGTERM are blocked before the server's threads start (they inherit the mask),
    // the router's watchdog thread included, so only this thread takes them, in sigwait below:
    // one delivered to a thread that does not block them would end the process at once.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    auto router = core::ApiRouter::open({ o.db, o.token, {}, o.requestTimeout });
    if (!router) return fail(router.message());
    if (!o.listen.loopback && o.token.empty())
        std::fprintf(stderr,
            "adclick serve: warning: listening on %s without --token-file: anyone who reaches it reads "
            "the counts\n",
            o.listen.host.c_str());
    MHD_Daemon* d = startDaemon(o, **router);
    if (!d) return fail("cannot listen on " + o.listen.host + " (in use, or not an address of this machine)");
    const MHD_DaemonInfo* info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    const std::string where = o.listen.host + ":" + std::to_string(info ? info->port : 0);
    if (o.portFile && !writePortFile(*o.portFile, where)) {
        MHD_stop_daemon(d);
        return fail("cannot write '" + *o.portFile + "'");
    }
    std::printf("{\"listen\":%s,\"db\":%s}\n", jsonString(where).c_str(), jsonString(o.db).c_str());
    std::fflush(stdout);
    int signal = 0;
    while (sigwait(&stopSignals, &signal) != 0) { }
    (*router)->stop(); // running queries end at once; MHD then joins its threads
    MHD_stop_daemon(d);
    return 0;
}

} // namespace adclick::app
