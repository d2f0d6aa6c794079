// The query API of `adclick serve` without HTTP (core/serve/api_router.h), what it refuses: a
// corpus of bad requests gets the right 4xx with a JSON error and never a crash, random requests
// never break it; the token; percent-decoding; a stopping router refuses new requests; the
// per-request time limit (a slow query is stopped and answered 503, the next one is answered).
// Its answers: tst_serve_router.
#include "core/serve/api_metrics.h"
#include "core/serve/api_params.h"
#include "core/serve/api_router.h"
#include "core/serve/request_watchdog.h"

#include "serve_router_support.h"
#include "test_support.h"

#include <QtTest>

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace adclick::core;
using namespace serverouter;
using testsupport::runCli;

class TestServeRequests : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void badRequests_data();
    void badRequests();
    void randomRequestsNeverBreak();
    void token();
    void percentDecoding();
    void stopRefusesNewRequests();
    void requestTimeoutStopsSlowQueries();
    void requestTimeoutStopsRawScans();

private:
    QTemporaryDir m_dir;
    std::string m_db;
    std::unique_ptr<ApiRouter> m_router;
};

void TestServeRequests::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_router = openFixtureRouter(m_dir, m_db);
    QVERIFY(m_router);
}

namespace {

//! How long `handle` takes, in ms.
int64_t timedHandle(ApiRouter& router, const ApiRequest& r, ApiResponse& out)
{
    QElapsedTimer t;
    t.start();
    out = router.handle(r);
    return t.elapsed();
}

} // namespace

void TestServeRequests::badRequests_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query"); // name=value&… as sent (split here, not decoded)
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error"); // a part of the message
    const QString count = "/v1/ads/ad001/aggregated_count";
    const QString range = "from=2021-01-01T00:00:00Z&to=2021-01-01T00:03:00Z";
    QTest::newRow("unknown path") << "GET"
                                  << "/v1/nothing"
                                  << "" << 404 << "no such path";
    QTest::newRow("root") << "GET"
                          << "/"
                          << "" << 404 << "no such path";
    QTest::newRow("no leading slash") << "GET"
                                      << "v1/stats"
                                      << "" << 404 << "no such path";
    QTest::newRow("empty path") << "GET"
                                << ""
                                << "" << 404 << "no such path";
    QTest::newRow("trailing slash") << "GET"
                                    << "/v1/stats/"
                                    << "" << 404 << "no such path";
    QTest::newRow("double slash") << "GET"
                                  << "/v1//stats"
                                  << "" << 404 << "no such path";
    QTest::newRow("extra segment") << "GET" << count + "/x" << range << 404 << "no such path";
    QTest::newRow("POST") << "POST" << count << range << 405 << "only GET and HEAD";
    QTest::newRow("DELETE") << "DELETE"
                            << "/v1/stats"
                            << "" << 405 << "only GET and HEAD";
    QTest::newRow("lower-case get") << "get"
                                    << "/v1/stats"
                                    << "" << 405 << "only GET and HEAD";
    QTest::newRow("no from") << "GET" << count << "to=2021-01-01T00:03:00Z" << 400 << "'from' is required";
    QTest::newRow("empty to") << "GET" << count << "from=2021-01-01T00:00:00Z&to=" << 400
                              << "'to' is required";
    QTest::newRow("bad time") << "GET" << count << "from=yesterday&to=2021-01-01T00:03:00Z" << 400
                              << "cannot read 'yesterday'";
    QTest::newRow("bad date") << "GET" << count << "from=2021-13-45T00:00:00Z&to=2021-01-01T00:03:00Z" << 400
                              << "as a time";
    QTest::newRow("from = to") << "GET" << count << "from=1609459200&to=1609459200" << 400 << "before 'to'";
    QTest::newRow("from > to") << "GET" << count << "from=26824330&to=26824320" << 400 << "before 'to'";
    QTest::newRow("negative minute") << "GET" << count << "from=-5&to=26824320" << 400 << "as a time";
    QTest::newRow("twice") << "GET" << count << range + "&from=1609459200" << 400 << "given twice";
    QTest::newRow("empty name") << "GET" << count << range + "&=5" << 400 << "unknown parameter ''";
    QTest::newRow("unknown parameter")
        << "GET" << count << range + "&ad=ad002" << 400 << "unknown parameter 'ad'";
    QTest::newRow("bad escape in a value")
        << "GET" << count << range + "&filter=%zz" << 400 << "percent-encoded";
    QTest::newRow("half escape") << "GET" << count << range + "&filter=%4" << 400 << "percent-encoded";
    QTest::newRow("NUL byte") << "GET" << count << range + "&filter=a%00b" << 400 << "percent-encoded";
    QTest::newRow("bad escape in the path")
        << "GET"
        << "/v1/ads/ad%g1/aggregated_count" << range << 400 << "percent-encoded";
    QTest::newRow("empty ad") << "GET"
                              << "/v1/ads//aggregated_count" << range << 400 << "ad id";
    QTest::newRow("bad filter") << "GET" << count << range + "&filter=country%3D%3D" << 400 << "bad filter";
    QTest::newRow("unknown saved filter") << "GET" << count << range + "&filter=%40nope" << 400 << "nope";
    QTest::newRow("unknown filter id") << "GET" << count << range + "&filter=42" << 400 << "id 42";
    QTest::newRow("count 0") << "GET"
                             << "/v1/ads/popular_ads"
                             << "count=0&window=5" << 400 << "'count'";
    QTest::newRow("count -1") << "GET"
                              << "/v1/ads/popular_ads"
                              << "count=-1&window=5" << 400 << "'count'";
    QTest::newRow("count 1e3") << "GET"
                               << "/v1/ads/popular_ads"
                               << "count=1e3&window=5" << 400 << "'count'";
    QTest::newRow("count overflows") << "GET"
                                     << "/v1/ads/popular_ads"
                                     << "count=99999999999999999999&window=5" << 400 << "'count'";
    QTest::newRow("count with space") << "GET"
                                      << "/v1/ads/popular_ads"
                                      << "count=%205&window=5" << 400 << "'count'";
    QTest::newRow("no window") << "GET"
                               << "/v1/ads/popular_ads"
                               << "count=5" << 400 << "'window' is required";
    QTest::newRow("window too long") << "GET"
                                     << "/v1/ads/popular_ads"
                                     << "count=5&window=10000001" << 400 << "'window'";
    QTest::newRow("bad at") << "GET"
                            << "/v1/ads/popular_ads"
                            << "count=5&window=5&at=soon" << 400 << "'at'";
    QTest::newRow("health takes nothing") << "GET"
                                          << "/v1/health"
                                          << "x=1" << 400 << "takes none";
    QTest::newRow("bad samples") << "GET"
                                 << "/v1/stats"
                                 << "samples=10001" << 400 << "'samples'";
}

void TestServeRequests::badRequests()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, query);
    QFETCH(int, status);
    QFETCH(QString, error);
    ApiRequest r;
    r.method = method.toStdString();
    r.path = path.toStdString();
    for (const QString& pair : query.split('&', Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf('=');
        r.query.emplace_back(
            pair.left(eq).toStdString(), eq < 0 ? std::string() : pair.mid(eq + 1).toStdString());
    }
    const ApiResponse a = m_router->handle(r);
    QCOMPARE(a.status, status);
    QCOMPARE(a.contentType, std::string("application/json"));
    QVERIFY2(errorOf(a).contains(error), a.body.c_str());
    if (status == 405) QCOMPARE(a.headers, (decltype(a.headers) { { "Allow", "GET, HEAD" } }));
}

void TestServeRequests::randomRequestsNeverBreak()
{
    // Paths and parameters built from pieces of real requests and junk bytes: every answer is a
    // status the API documents with a JSON body (an error object for 4xx/5xx).
    const std::vector<std::string> pieces { "/", "v1", "ads", "popular_ads", "aggregated_count", "stats",
        "health", "metrics", "%", "%2F", "%00", "%zz", "ad001", "..", "\xff\xfe", "?", "&", "=", "+", "" };
    const std::vector<std::string> names { "from", "to", "filter", "count", "window", "at", "samples", "x",
        "" };
    const std::vector<std::string> values { "26824320", "26824323", "1609459200", "2021-01-01T00:00:00Z", "0",
        "-1", "99999999999999999999", "country%3DUS", "%40us", "1", "ip%3D10.0.0.0%2F8", "%", "\x01", "" };
    std::mt19937 rng(13);
    const auto pick = [&rng](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    for (int i = 0; i < 3000; ++i) {
        ApiRequest r;
        r.method = (rng() % 8) ? "GET" : pick({ "POST", "HEAD", "PUT", "" });
        const int segments = int(rng() % 6);
        for (int s = 0; s < segments; ++s)
            r.path += (rng() % 4 ? "/" : "") + pick(pieces);
        for (int p = int(rng() % 4); p > 0; --p)
            r.query.emplace_back(pick(names), pick(values));
        const ApiResponse a = m_router->handle(r);
        QVERIFY2(a.status == 200 || a.status == 400 || a.status == 404 || a.status == 405, r.path.c_str());
        if (a.status != 200)
            QVERIFY2(!errorOf(a).isEmpty(), a.body.c_str());
        else if (a.contentType == "application/json")
            QVERIFY2(QJsonDocument::fromJson(qb(a.body)).isObject(), a.body.c_str());
    }
}

void TestServeRequests::token()
{
    auto router = ApiRouter::open({ m_db, "s3cret-token", {} });
    QVERIFY(router.isOk());
    ApiRequest r = get("/v1/health");
    ApiResponse a = (*router)->handle(r);
    QCOMPARE(a.status, 401);
    QVERIFY(!errorOf(a).isEmpty());
    QCOMPARE(a.headers.size(), std::size_t(1));
    QCOMPARE(a.headers[0].first, std::string("WWW-Authenticate"));
    for (const char* wrong :
        { "Bearer s3cret", "Bearer s3cret-token2", "Bearer s3cret-tokeN", "Basic s3cret-token",
            "s3cret-token", "Bearer  s3cret-token", "Bearer s3cret-token ", "", "Bearer" }) {
        r.authorization = wrong;
        QVERIFY2((*router)->handle(r).status == 401, wrong);
    }
    // Unknown paths and other methods say nothing before the token is right.
    r.authorization.reset();
    r.path = "/nothing";
    QCOMPARE((*router)->handle(r).status, 401);
    r.authorization = "Bearer s3cret-token";
    QCOMPARE((*router)->handle(r).status, 404);
    r.path = "/v1/health";
    QCOMPARE((*router)->handle(r).status, 200);
    r.authorization = "bearer s3cret-token"; // the scheme is case-insensitive
    QCOMPARE((*router)->handle(r).status, 200);
}

void TestServeRequests::percentDecoding()
{
    QCOMPARE(percentDecode("a%2Fb%20c+d", true).value_or("?"), std::string("a/b c d"));
    QCOMPARE(percentDecode("a+b", false).value_or("?"), std::string("a+b"));
    QCOMPARE(percentDecode("%e6%9d%b1", false).value_or("?"), std::string("\xe6\x9d\xb1"));
    for (const char* bad : { "%", "%4", "%4g", "%g4", "a%00", "%%" })
        QVERIFY2(!percentDecode(bad, true), bad);
    QVERIFY(!percentDecode(std::string_view("a\0b", 3), true));
    int64_t ms = 0;
    QVERIFY(parseApiTime("26824320", ms));
    QCOMPARE(ms, int64_t(1'609'459'200'000));
    QVERIFY(parseApiTime("999999999", ms));
    QCOMPARE(ms, int64_t(999'999'999) * 60'000);
    QVERIFY(parseApiTime("1609459200", ms)); // 10^9 and above: seconds, as on the command line
    QCOMPARE(ms, int64_t(1'609'459'200'000));
    QVERIFY(parseApiTime("1609459200000", ms));
    QCOMPARE(ms, int64_t(1'609'459'200'000));
    QVERIFY(!parseApiTime("", ms));
    QVERIFY(!parseApiTime("12m", ms));
}

void TestServeRequests::stopRefusesNewRequests()
{
    auto router = ApiRouter::open({ m_db, "", {} });
    QVERIFY(router.isOk());
    (*router)->stop();
    const ApiResponse c
        = (*router)->handle(get("/v1/ads/ad001/aggregated_count", { { "from", "1" }, { "to", "2" } }));
    QCOMPARE(c.status, 503);
    QVERIFY2(errorOf(c).contains("stopping"), c.body.c_str());
}

void TestServeRequests::requestTimeoutStopsSlowQueries()
{
    // Two clicks of ad001 twenty years apart: a count over all of it seeks the aggregates once per
    // minute, ~10^7 times, seconds of SQLite work on a tiny database.
    const QString db = testsupport::farApartClicksDb(m_dir.filePath("slow"), 2001);
    QVERIFY(!db.isEmpty());
    const ApiRequest slow = get("/v1/ads/ad001/aggregated_count",
        { { "from", "2000-01-01T00:00:00Z" }, { "to", "2022-01-01T00:00:00Z" } });
    const ApiRequest quick = get("/v1/ads/ad001/aggregated_count",
        { { "from", "2021-01-01T00:00:00Z" }, { "to", "2021-01-01T00:01:00Z" } });

    ApiOptions unlimited { db.toStdString(), "", {}, std::chrono::milliseconds(0) };
    auto free = ApiRouter::open(unlimited);
    QVERIFY(free.isOk());
    ApiResponse full;
    const int64_t fullMs = timedHandle(**free, slow, full);
    QCOMPARE(full.status, 200); // 0: no limit, the whole answer
    QCOMPARE(qb(full.body), QByteArray("{\"ad_id\":\"ad001\",\"count\":2}\n"));
    QVERIFY2(fullMs >= 1000, qPrintable(QString("the slow query took only %1 ms").arg(fullMs)));

    ApiOptions limited = unlimited;
    limited.requestTimeout = std::chrono::milliseconds(200);
    auto router = ApiRouter::open(limited);
    QVERIFY(router.isOk());
    for (int round = 1; round <= 2; ++round) {
        ApiResponse stopped;
        const int64_t ms = timedHandle(**router, slow, stopped);
        QCOMPARE(stopped.status, 503);
        QCOMPARE(stopped.contentType, std::string("application/json"));
        const QString error = errorOf(stopped);
        QVERIFY2(error.contains("took longer than this server's limit of 200 ms"), stopped.body.c_str());
        QVERIFY2(error.contains("narrow the time range") && error.contains("--request-timeout"),
            stopped.body.c_str());
        // Stopped, not merely answered late: the thread is free long before the query would end.
        QVERIFY2(
            ms < fullMs / 2, qPrintable(QString("%1 ms with the limit, %2 without").arg(ms).arg(fullMs)));
        // The next request on the same router is answered in full.
        const ApiResponse after = (*router)->handle(quick);
        QCOMPARE(after.status, 200);
        QCOMPARE(qb(after.body), QByteArray("{\"ad_id\":\"ad001\",\"count\":1}\n"));
        const QByteArray metrics = qb((*router)->handle(get("/metrics")).body);
        QVERIFY2(metrics.contains("\nadclick_serve_timeouts_total " + QByteArray::number(round) + "\n"),
            metrics.constData());
    }
    QVERIFY((*router)->pool().openCount() <= 2);
    QVERIFY(qb((*free)->handle(get("/metrics")).body).contains("\nadclick_serve_timeouts_total 0\n"));
}

void TestServeRequests::requestTimeoutStopsRawScans()
{
    // An ip condition over everything scans every raw event (on the raw reader's two threads):
    // past the limit the scan must stop, and the interrupted service must answer the next query.
    QVERIFY(QDir().mkpath(m_dir.filePath("raw")));
    const QString log = m_dir.filePath("raw/gen.csv"), db = m_dir.filePath("raw/clicks.db");
    QCOMPARE(
        runCli({ "gen", "--out", log, "--events", "400000", "--rate", "1000", "--ads", "40", "--seed", "5" })
            .exitCode,
        0);
    QCOMPARE(runCli({ "ingest", "--db", db, log }).exitCode, 0);
    auto service = QueryService::open(db.toStdString());
    QVERIFY(service.isOk());
    QueryService& q = **service;
    const auto filter = parseFilter("ip!=10.0.0.1");
    QVERIFY(filter.isOk());
    const int64_t at = 1'609'462'800'000; // 2021-01-01T01:00:00Z, after the last click
    auto truth = q.popular(5, 120, at, *filter);
    QVERIFY(truth.isOk());
    QCOMPARE(truth->top.size(), std::size_t(5));

    RequestWatchdog dog(std::chrono::milliseconds(1));
    auto watch = dog.watch(q);
    auto stopped = q.popular(5, 120, at, *filter);
    QVERIFY(watch.end());
    QVERIFY(!stopped.isOk());
    QVERIFY2(stopped.message().find("interrupted") != std::string::npos, stopped.message().c_str());
    // The same service (its connection and raw reader) answers in full afterwards.
    auto again = q.popular(5, 120, at, *filter);
    QVERIFY2(again.isOk(), again.message().c_str());
    QCOMPARE(again->top, truth->top);

    ApiOptions o { db.toStdString(), "", {}, std::chrono::milliseconds(1) };
    auto router = ApiRouter::open(o);
    QVERIFY(router.isOk());
    const ApiResponse a = (*router)->handle(get("/v1/ads/popular_ads",
        { { "count", "5" }, { "window", "120" }, { "at", "2021-01-01T01:00:00Z" },
            { "filter", "ip%21%3D10.0.0.1" } }));
    QCOMPARE(a.status, 503);
    QVERIFY2(errorOf(a).contains("took longer than this server's limit of 1 ms"), a.body.c_str());
}

QTEST_GUILESS_MAIN(TestServeRequests)
#include "tst_serve_requests.moc"
