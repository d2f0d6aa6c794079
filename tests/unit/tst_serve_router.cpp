// The query API of `adclick serve` without HTTP (core/serve/api_router.h): on a hand-counted
// database its answers equal the known counts and the bytes of `adclick count`/`popular`/`stats`;
// a corpus of bad requests gets the right 4xx with a JSON error and never a crash; the token; the
// Prometheus text (unknown lag NaN, never 0); many threads at once on one router; the per-request
// time limit (a slow query is stopped and answered 503, the next one is answered).
#include "core/serve/api_metrics.h"
#include "core/serve/api_params.h"
#include "core/serve/api_router.h"
#include "core/serve/request_watchdog.h"

#include "test_support.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace adclick::core;
using testsupport::runCli;

namespace {

constexpr int64_t kJan1Minute = 26'824'320; // 2021-01-01T00:00:00Z in epoch minutes

// Every click once (no duplicates, none late): ad001 has 4 clicks in [00:00, 00:03), 3 of them
// from US; ad002 3 in [00:00, 00:02); "ad/3" 1 at 00:01; ad004's click at 00:05 moves the
// watermark to 00:04, so the default `at` of popular is 00:04.
const char* kLog = "[AdClickEvent] ad001, 2021-01-01 00:00:10, u1, 10.1.0.1, US\n"
                   "[AdClickEvent] ad001, 2021-01-01 00:00:20, u2, 10.1.0.2, KR\n"
                   "[AdClickEvent] ad002, 2021-01-01 00:00:30, u3, 10.2.0.1, KR\n"
                   "[AdClickEvent] ad/3, 2021-01-01 00:01:00, u4, 10.2.0.2, US\n"
                   "[AdClickEvent] ad001, 2021-01-01 00:01:05, u1, 10.1.0.1, US\n"
                   "[AdClickEvent] ad002, 2021-01-01 00:01:10, u5, 10.2.0.3, KR\n"
                   "[AdClickEvent] ad002, 2021-01-01 00:01:50, u6, 10.2.0.4, JP\n"
                   "[AdClickEvent] ad001, 2021-01-01 00:02:30, u7, 10.1.0.7, US\n"
                   "[AdClickEvent] ad004, 2021-01-01 00:05:00, u8, 10.3.0.1, US\n"
                   "a line that is no click\n";

QByteArray qb(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

ApiRequest get(std::string path, std::vector<std::pair<std::string, std::string>> query = {})
{
    ApiRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.query = std::move(query);
    return r;
}

//! The error text of a 4xx/5xx body; empty (and a failed check) when the body is not {"error":…}.
QString errorOf(const ApiResponse& r)
{
    const QJsonDocument doc = QJsonDocument::fromJson(qb(r.body));
    if (!doc.isObject() || !doc.object().value("error").isString()) return {};
    return doc.object().value("error").toString();
}

} // namespace

class TestServeRouter : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void countEqualsTruthAndCli_data();
    void countEqualsTruthAndCli();
    void popularEqualsTruthAndCli_data();
    void popularEqualsTruthAndCli();
    void statsAndHealth();
    void badRequests_data();
    void badRequests();
    void randomRequestsNeverBreak();
    void token();
    void metricsText();
    void percentDecoding();
    void concurrentRequests();
    void healthFollowsTheDatabase();
    void stopRefusesNewRequests();
    void requestTimeoutStopsSlowQueries();
    void requestTimeoutStopsRawScans();

private:
    QByteArray cli(const QStringList& args);
    QTemporaryDir m_dir;
    std::string m_db;
    std::unique_ptr<ApiRouter> m_router;
};

QByteArray TestServeRouter::cli(const QStringList& args)
{
    const auto run = runCli(args);
    if (run.exitCode != 0) qWarning("adclick %s: %s", qPrintable(args.join(' ')), run.err.constData());
    return run.out;
}

void TestServeRouter::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString log = m_dir.filePath("clicks.log");
    QVERIFY(testsupport::writeFile(log, kLog));
    m_db = m_dir.filePath("clicks.db").toStdString();
    const QString db = QString::fromStdString(m_db);
    QCOMPARE(runCli({ "ingest", "--db", db, log }).exitCode, 0);
    QCOMPARE(runCli({ "filter", "save", "--db", db, "--name", "us", "--expr", "country=US" }).exitCode, 0);
    auto router = ApiRouter::open({ m_db, "", [] { return int64_t(1'609'459'500'000); } });
    QVERIFY2(router.isOk(), router.message().c_str());
    m_router = std::move(*router);
    QVERIFY(!ApiRouter::open({ m_dir.filePath("missing.db").toStdString(), "", {} }).isOk());
}

void TestServeRouter::countEqualsTruthAndCli_data()
{
    QTest::addColumn<QString>("ad");
    QTest::addColumn<QString>("from"); // as the API gets it
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("cliFrom"); // the same instant for the CLI
    QTest::addColumn<QString>("cliTo");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("truth");
    const QString m0 = QString::number(kJan1Minute), m3 = QString::number(kJan1Minute + 3);
    const QString iso0 = "2021-01-01T00:00:00Z", iso3 = "2021-01-01T00:03:00Z";
    QTest::newRow("iso") << "ad001" << iso0 << iso3 << iso0 << iso3 << "" << 4;
    QTest::newRow("epoch minute, the design's unit") << "ad001" << m0 << m3 << iso0 << iso3 << "" << 4;
    QTest::newRow("epoch seconds") << "ad001"
                                   << "1609459200"
                                   << "1609459380" << iso0 << iso3 << "" << 4;
    QTest::newRow("partial minutes") << "ad001"
                                     << "2021-01-01T00:00:15Z"
                                     << "2021-01-01T00:01:06Z"
                                     << "2021-01-01T00:00:15Z"
                                     << "2021-01-01T00:01:06Z"
                                     << "" << 2;
    QTest::newRow("country filter") << "ad001" << iso0 << iso3 << iso0 << iso3 << "country=US" << 3;
    QTest::newRow("ip filter") << "ad001" << iso0 << iso3 << iso0 << iso3 << "ip=10.1.0.1" << 2;
    QTest::newRow("saved filter by name") << "ad001" << iso0 << iso3 << iso0 << iso3 << "@us" << 3;
    QTest::newRow("ad id with a slash") << "ad/3" << iso0 << iso3 << iso0 << iso3 << "" << 1;
    QTest::newRow("unknown ad") << "nope" << iso0 << iso3 << iso0 << iso3 << "" << 0;
}

void TestServeRouter::countEqualsTruthAndCli()
{
    QFETCH(QString, ad);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, cliFrom);
    QFETCH(QString, cliTo);
    QFETCH(QString, filter);
    QFETCH(int, truth);
    const std::string encodedAd = QUrl::toPercentEncoding(ad).toStdString();
    // An empty piece (`a=1&&b=2`, a trailing `&`) is no parameter.
    std::vector<std::pair<std::string, std::string>> query { { "from", from.toStdString() }, { "", "" },
        { "to", to.toStdString() } };
    if (!filter.isEmpty()) query.emplace_back("filter", QUrl::toPercentEncoding(filter).toStdString());
    const ApiResponse r = m_router->handle(get("/v1/ads/" + encodedAd + "/aggregated_count", query));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.contentType, std::string("application/json"));
    const QJsonObject o = QJsonDocument::fromJson(qb(r.body)).object();
    QCOMPARE(o.value("ad_id").toString(), ad);
    QCOMPARE(o.value("count").toInt(-1), truth);
    QStringList args { "count", "--db", QString::fromStdString(m_db), "--ad", ad, "--from", cliFrom, "--to",
        cliTo };
    if (!filter.isEmpty()) args << "--filter" << filter;
    QCOMPARE(qb(r.body), cli(args));
}

void TestServeRouter::popularEqualsTruthAndCli_data()
{
    QTest::addColumn<QString>("count");
    QTest::addColumn<QString>("window");
    QTest::addColumn<QString>("at"); // empty: the default
    QTest::addColumn<QString>("filter"); // as the API gets it
    QTest::addColumn<QString>("cliFilter");
    QTest::addColumn<QString>("ids");
    QTest::addColumn<QString>("counts");
    QTest::newRow("default at") << "5"
                                << "4"
                                << ""
                                << ""
                                << ""
                                << "ad001,ad002,ad/3"
                                << "4,3,1";
    QTest::newRow("top 2 at 00:03") << "2"
                                    << "3"
                                    << "2021-01-01T00:03:00Z"
                                    << ""
                                    << ""
                                    << "ad001,ad002"
                                    << "4,3";
    QTest::newRow("at as an epoch minute") << "2"
                                           << "3" << QString::number(kJan1Minute + 3) << ""
                                           << ""
                                           << "ad001,ad002"
                                           << "4,3";
    QTest::newRow("one minute") << "5"
                                << "1"
                                << "2021-01-01T00:02:00Z"
                                << ""
                                << ""
                                << "ad002,ad/3,ad001"
                                << "2,1,1";
    QTest::newRow("country filter") << "5"
                                    << "4"
                                    << ""
                                    << "country=US"
                                    << "country=US"
                                    << "ad001,ad/3"
                                    << "3,1";
    QTest::newRow("saved filter id, the design's filter") << "5"
                                                          << "4"
                                                          << ""
                                                          << "1"
                                                          << "@us"
                                                          << "ad001,ad/3"
                                                          << "3,1";
    QTest::newRow("nothing before the data") << "5"
                                             << "10"
                                             << "2020-12-31T00:00:00Z"
                                             << ""
                                             << ""
                                             << ""
                                             << "";
}

void TestServeRouter::popularEqualsTruthAndCli()
{
    QFETCH(QString, count);
    QFETCH(QString, window);
    QFETCH(QString, at);
    QFETCH(QString, filter);
    QFETCH(QString, cliFilter);
    QFETCH(QString, ids);
    QFETCH(QString, counts);
    std::vector<std::pair<std::string, std::string>> query { { "count", count.toStdString() },
        { "window", window.toStdString() } };
    QStringList args { "popular", "--db", QString::fromStdString(m_db), "--count", count, "--window",
        window };
    if (!at.isEmpty()) {
        query.emplace_back("at", at.toStdString());
        const bool minute = !at.contains('-');
        args << "--at" << (minute ? QString::number(at.toLongLong() * 60) : at);
    }
    if (!filter.isEmpty()) query.emplace_back("filter", QUrl::toPercentEncoding(filter).toStdString());
    if (!cliFilter.isEmpty()) args << "--filter" << cliFilter;
    const ApiResponse r = m_router->handle(get("/v1/ads/popular_ads", query));
    QCOMPARE(r.status, 200);
    const QJsonObject o = QJsonDocument::fromJson(qb(r.body)).object();
    QStringList gotIds, gotCounts;
    for (const auto v : o.value("ad_ids").toArray())
        gotIds << v.toString();
    for (const auto v : o.value("counts").toArray())
        gotCounts << QString::number(v.toInt());
    QCOMPARE(gotIds.join(','), ids);
    QCOMPARE(gotCounts.join(','), counts);
    QCOMPARE(qb(r.body), cli(args));
}

void TestServeRouter::statsAndHealth()
{
    const ApiResponse s = m_router->handle(get("/v1/stats"));
    QCOMPARE(s.status, 200);
    QCOMPARE(qb(s.body), cli({ "stats", "--db", QString::fromStdString(m_db) }));
    QCOMPARE(QJsonDocument::fromJson(qb(s.body)).object().value("accepted").toInt(), 9);
    const ApiResponse s1 = m_router->handle(get("/v1/stats", { { "samples", "0" } }));
    QCOMPARE(qb(s1.body), cli({ "stats", "--db", QString::fromStdString(m_db), "--samples", "0" }));
    const ApiResponse h = m_router->handle(get("/v1/health"));
    QCOMPARE(h.status, 200);
    QCOMPARE(qb(h.body), QByteArray("{\"status\":\"ok\",\"watermark\":\"2021-01-01T00:04:00.000Z\"}\n"));
    ApiRequest head = get("/v1/health");
    head.method = "HEAD";
    QCOMPARE(m_router->handle(head).status, 200);
}

void TestServeRouter::badRequests_data()
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

void TestServeRouter::badRequests()
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

void TestServeRouter::randomRequestsNeverBreak()
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

void TestServeRouter::token()
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

void TestServeRouter::metricsText()
{
    const ApiResponse m = m_router->handle(get("/metrics"));
    QCOMPARE(m.status, 200);
    QVERIFY(QByteArray::fromStdString(m.contentType).startsWith("text/plain; version=0.0.4"));
    const QByteArray body = qb(m.body);
    QVERIFY2(body.contains("\nadclick_lines_total 10\n"), body.constData());
    QVERIFY(body.contains("\nadclick_accepted_total 9\n"));
    QVERIFY(body.contains("\nadclick_rejected_total{reason=\"missing_field\"} 1\n"));
    QVERIFY(body.contains("\nadclick_watermark_timestamp_seconds 1609459440\n"));
    // The router's clock says 00:05:00; the watermark is 00:04:00.
    QVERIFY(body.contains("\nadclick_watermark_delay_seconds 60\n"));
    QVERIFY(!body.contains("adclick_kafka_lag_messages{")); // no Kafka source

    StatsReport r;
    KafkaHealth h;
    h.source = "kafka://b:9092/clicks";
    h.topic = "clicks";
    h.brokerState = "down: all 3 brokers are down";
    h.updatedMs = 1'000'000;
    h.partitions.push_back({ 0, 100, 150, 50, 2000 });
    h.partitions.push_back({ 1, 7, -1, -1, 0 }); // its high watermark was not read: lag unknown
    r.kafka.push_back(h);
    const QByteArray text = qb(prometheusMetrics(r, 1'010'000));
    QVERIFY2(text.contains("\nadclick_kafka_lag_messages{source=\"kafka://b:9092/clicks\",topic=\"clicks\","
                           "partition=\"0\"} 50\n"),
        text.constData());
    QVERIFY(text.contains("\nadclick_kafka_lag_messages{source=\"kafka://b:9092/clicks\",topic=\"clicks\","
                          "partition=\"1\"} NaN\n"));
    QVERIFY(text.contains("adclick_kafka_lag_seconds{source=\"kafka://b:9092/clicks\",topic=\"clicks\","
                          "partition=\"0\"} 2\n"));
    QVERIFY(
        text.contains("\nadclick_kafka_broker_up{source=\"kafka://b:9092/clicks\",topic=\"clicks\"} 0\n"));
    QVERIFY(text.contains(
        "\nadclick_kafka_health_age_seconds{source=\"kafka://b:9092/clicks\",topic=\"clicks\"} 10\n"));
    QVERIFY(!text.contains("\nadclick_watermark_delay_seconds ")); // no watermark yet: absent, not 0
    // Every sample line is `name{labels} value` after its family's HELP and TYPE.
    for (const QByteArray& line : text.split('\n'))
        QVERIFY2(line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                || QRegularExpression("^adclick_[a-z_]+(\\{[^}]*\\})? [-0-9.eNa]+$")
                       .match(QString(line))
                       .hasMatch(),
            line.constData());
    StatsReport quoted;
    KafkaHealth q;
    q.source = "kafka://x/\"a\\b\nc";
    q.partitions.push_back({});
    quoted.kafka.push_back(q);
    QVERIFY(qb(prometheusMetrics(quoted, 0)).contains("source=\"kafka://x/\\\"a\\\\b\\nc\""));
}

void TestServeRouter::percentDecoding()
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

void TestServeRouter::concurrentRequests()
{
    // Eight threads ask at once; each answer must be the single-threaded one (each request leases
    // its own QueryService), and the pool opens no more services than requests ran at once.
    const ApiRequest count
        = get("/v1/ads/ad001/aggregated_count", { { "from", "26824320" }, { "to", "26824323" } });
    const ApiRequest top
        = get("/v1/ads/popular_ads", { { "count", "3" }, { "window", "4" }, { "filter", "1" } });
    const std::string countBody = m_router->handle(count).body;
    const std::string topBody = m_router->handle(top).body;
    QCOMPARE(qb(countBody), QByteArray("{\"ad_id\":\"ad001\",\"count\":4}\n"));
    std::atomic<int> wrong { 0 };
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 150; ++i) {
                const bool c = (i + t) % 2 == 0;
                const ApiResponse a = m_router->handle(c ? count : top);
                if (a.status != 200 || a.body != (c ? countBody : topBody)) ++wrong;
            }
        });
    for (auto& t : threads)
        t.join();
    QCOMPARE(wrong.load(), 0);
    QVERIFY(m_router->pool().openCount() >= 1);
    QVERIFY(m_router->pool().openCount() <= 8);
}

void TestServeRouter::healthFollowsTheDatabase()
{
    // A database of its own, moved away and back while the router runs.
    QVERIFY(QDir().mkpath(m_dir.filePath("h")));
    const QString db = m_dir.filePath("h/clicks.db");
    QCOMPARE(runCli({ "ingest", "--db", db, m_dir.filePath("clicks.log") }).exitCode, 0);
    auto router = ApiRouter::open({ db.toStdString(), "", {} });
    QVERIFY(router.isOk());
    QCOMPARE((*router)->handle(get("/v1/health")).status, 200);
    QVERIFY(QFile::rename(db, db + ".away"));
    const ApiResponse gone = (*router)->handle(get("/v1/health"));
    QCOMPARE(gone.status, 503);
    QVERIFY2(errorOf(gone).contains("does not exist"), gone.body.c_str());
    QCOMPARE(
        QJsonDocument::fromJson(qb(gone.body)).object().value("status").toString(), QString("unavailable"));
    QCOMPARE((*router)->handle(get("/v1/stats")).status, 503);
    QVERIFY(QFile::rename(db + ".away", db));
    QCOMPARE((*router)->handle(get("/v1/health")).status, 200);
}

void TestServeRouter::stopRefusesNewRequests()
{
    auto router = ApiRouter::open({ m_db, "", {} });
    QVERIFY(router.isOk());
    (*router)->stop();
    const ApiResponse c
        = (*router)->handle(get("/v1/ads/ad001/aggregated_count", { { "from", "1" }, { "to", "2" } }));
    QCOMPARE(c.status, 503);
    QVERIFY2(errorOf(c).contains("stopping"), c.body.c_str());
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

void TestServeRouter::requestTimeoutStopsSlowQueries()
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

void TestServeRouter::requestTimeoutStopsRawScans()
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

QTEST_GUILESS_MAIN(TestServeRouter)
#include "tst_serve_router.moc"
