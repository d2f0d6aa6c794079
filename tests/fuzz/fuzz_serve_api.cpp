// libFuzzer target: the query API of `adclick serve` (core/serve/api_router.h), the part of the
// server that reads what a client sends after libmicrohttpd parsed the HTTP: method, path,
// query parameters and the Authorization header, answered from a small real database.
//
// Input: byte 0 picks the method; the rest is split at '\n': the path, then `name=value`
// parameters (as sent: percent-encoded), a line starting with "A:" is the Authorization header.
// Checked besides "no crash, no UB, no leak": every answer has a status the API documents, a
// 4xx/5xx body is {"error":…}, a 200 with JSON is one object ending in a line break.
#include "core/ingest/ingest.h"
#include "core/serve/api_router.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <unistd.h>

using namespace adclick::core;

namespace {

std::unique_ptr<ApiRouter> g_open, g_token;

void check(bool ok)
{
    if (!ok) std::abort();
}

//! A database of a few clicks (one saved-filter-free ingest), made once per process.
std::string makeDatabase()
{
    // One folder per user, made anew by each run (libFuzzer ends without exit handlers): runs
    // leave at most this one behind.
    const auto dir
        = std::filesystem::temp_directory_path() / ("fuzz_serve_api." + std::to_string(::getuid()));
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir);
    const std::string log = (dir / "clicks.log").string(), db = (dir / "clicks.db").string();
    std::ofstream(log) << "[AdClickEvent] ad001, 2021-01-01 00:00:10, u1, 10.1.0.1, US\n"
                          "[AdClickEvent] ad/2, 2021-01-01 00:01:10, u2, 10.1.0.2, KR\n"
                          "[AdClickEvent] ad001, 2021-01-01 00:03:00, u3, 2001:db8::1, JP\n";
    IngestOptions o;
    o.sources = { log };
    auto ingest = Ingestor::open(db, o);
    check(ingest.isOk());
    check((*ingest)->run().isOk());
    return db;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    const std::string db = makeDatabase();
    auto open = ApiRouter::open({ db, "", [] { return int64_t(1'609'459'500'000); } });
    auto token = ApiRouter::open({ db, "tok", [] { return int64_t(0); } });
    check(open.isOk() && token.isOk());
    g_open = std::move(*open);
    g_token = std::move(*token);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0) return 0;
    static const char* kMethods[] = { "GET", "HEAD", "POST", "OPTIONS", "" };
    ApiRequest r;
    r.method = kMethods[data[0] % 5];
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::size_t start = 0;
    for (int line = 0; start <= text.size(); ++line) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view part = text.substr(start, end - start);
        if (line == 0)
            r.path = part;
        else if (part.substr(0, 2) == "A:")
            r.authorization = std::string(part.substr(2));
        else {
            const std::size_t eq = part.find('=');
            r.query.emplace_back(std::string(part.substr(0, eq)),
                eq == std::string_view::npos ? std::string() : std::string(part.substr(eq + 1)));
        }
        start = end + 1;
    }
    for (ApiRouter* router : { g_open.get(), g_token.get() }) {
        const ApiResponse a = router->handle(r);
        check(a.status == 200 || a.status == 400 || a.status == 401 || a.status == 404 || a.status == 405);
        check(!a.body.empty() && a.body.back() == '\n');
        if (a.status != 200)
            check(a.body.rfind("{\"error\":\"", 0) == 0);
        else if (a.contentType == "application/json")
            check(a.body.front() == '{');
    }
    return 0;
}
