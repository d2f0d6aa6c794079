// The query API of `adclick serve` without HTTP (core/serve/api_router.h), its answers: on a
// hand-counted database they equal the known counts and the bytes of `adclick count`/`popular`/
// `stats`; the Prometheus text (unknown lag NaN, never 0); many threads at once on one router;
// health following the database. Bad requests and limits: tst_serve_requests.
#include "core/serve/api_metrics.h"
#include "core/serve/api_params.h"
#include "core/serve/api_router.h"
#include "core/serve/request_watchdog.h"

#include "serve_router_support.h"
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
using namespace serverouter;

class TestServeRouter : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void countEqualsTruthAndCli_data();
    void countEqualsTruthAndCli();
    void popularEqualsTruthAndCli_data();
    void popularEqualsTruthAndCli();
    void statsAndHealth();
    void metricsText();
    void concurrentRequests();
    void healthFollowsTheDatabase();

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
    m_router = openFixtureRouter(m_dir, m_db);
    QVERIFY(m_router);
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

QTEST_GUILESS_MAIN(TestServeRouter)
#include "tst_serve_router.moc"
