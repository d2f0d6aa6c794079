// `adclick serve` as a process over real HTTP: while `adclick ingest --follow` writes the database
// (its log growing), concurrent clients get valid answers whose counts never go down; once the
// ingest ended, every answer equals `adclick count` / `popular` / `stats` byte for byte (and the
// generator's truth), again under concurrent clients; malformed requests get 4xx and leave the
// server serving; the token; a slow query stopped at --request-timeout (503, its thread freed); a
// clean stop on SIGTERM; bad options.
#include "http_client.h"
#include "test_support.h"

#include <QtTest>

#include <atomic>
#include <csignal>
#include <map>
#include <thread>

using testsupport::runCli;

namespace {

QByteArray qb(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

//! `adclick serve` as a child process; stopped (SIGTERM) when it goes out of scope.
struct Server {
    QProcess process;
    QString host;
    int port = 0;

    bool start(const QStringList& args, const QString& portFile)
    {
        process.start(QStringLiteral(ADCLICK_CLI),
            QStringList { "serve" } + args + QStringList { "--port-file", portFile });
        if (!process.waitForStarted(10'000)) return false;
        QElapsedTimer t;
        t.start();
        while (!QFile::exists(portFile) && t.elapsed() < 20'000 && process.state() == QProcess::Running)
            QThread::msleep(20);
        QFile f(portFile);
        if (!f.open(QIODevice::ReadOnly)) return false;
        const QString where = QString::fromUtf8(f.readAll()).trimmed();
        host = where.section(':', 0, 0);
        port = where.section(':', 1).toInt();
        return port > 0;
    }
    //! SIGTERM; the exit code (-1: crashed or still running after 20 s).
    int stop()
    {
        if (process.state() == QProcess::NotRunning) return process.exitCode();
        ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
        if (!process.waitForFinished(20'000)) {
            process.kill();
            process.waitForFinished();
            return -1;
        }
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    ~Server() { stop(); }
};

int64_t jsonInt(const std::string& body, const char* key)
{
    return QJsonDocument::fromJson(qb(body)).object().value(key).toInteger(-1);
}

//! A connection that sent `bytes` (part of a request) and waits; its descriptor (-1: failed).
int openPartial(const std::string& host, int port, const std::string& bytes)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
        || ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) != ssize_t(bytes.size())) {
        ::close(fd);
        return -1;
    }
    return fd;
}

struct Query {
    std::string target; //!< the HTTP request target
    QStringList cli; //!< the same question to the CLI (without --db)
};

} // namespace

class TestServe : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void servesWhileAnIngestWrites();
    void answersEqualTheCliUnderLoad();
    void malformedRequestsOverTheWire();
    void tokenOverTheWire();
    void connectionLimit();
    void requestTimeoutOverTheWire();
    void badOptions();

private:
    std::vector<Query> queries() const;
    QTemporaryDir m_dir;
    QString m_log, m_db;
    QByteArray m_logBytes;
    std::unique_ptr<Server> m_server;
};

void TestServe::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // 10 minutes of event time (100 clicks/s), 40 ads, with duplicates, late and malformed lines.
    m_log = m_dir.filePath("gen.csv");
    const auto gen = runCli(
        { "gen", "--out", m_log, "--events", "60000", "--rate", "100", "--ads", "40", "--seed", "13" });
    QCOMPARE(gen.exitCode, 0);
    QFile f(m_log);
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_logBytes = f.readAll();
    m_db = m_dir.filePath("clicks.db");
}

std::vector<Query> TestServe::queries() const
{
    std::vector<Query> q;
    const char* ranges[][2] = { { "2021-01-01T00:00:00Z", "2021-01-01T00:10:00Z" },
        { "2021-01-01T00:01:30Z", "2021-01-01T00:04:10.500Z" }, { "1609459260", "1609459500" } };
    const char* filters[] = { "", "country=US", "country in (KR,JP)", "ip!=10.0.0.0/8" };
    for (const char* ad : { "ad000000", "ad000001", "ad000007", "ad000039", "nope" })
        for (const auto& r : ranges)
            for (const char* filter : filters) {
                std::string target
                    = "/v1/ads/" + std::string(ad) + "/aggregated_count?from=" + r[0] + "&to=" + r[1];
                QStringList cli { "count", "--ad", ad, "--from", r[0], "--to", r[1] };
                if (*filter) {
                    target += "&filter=" + QUrl::toPercentEncoding(filter).toStdString();
                    cli << "--filter" << filter;
                }
                q.push_back({ target, cli });
            }
    for (const char* window : { "1", "5", "60" })
        for (const char* at : { "", "2021-01-01T00:06:00Z" })
            for (const char* filter : filters) {
                std::string target = std::string("/v1/ads/popular_ads?count=10&window=") + window;
                QStringList cli { "popular", "--count", "10", "--window", window };
                if (*at) {
                    target += std::string("&at=") + at;
                    cli << "--at" << at;
                }
                if (*filter) {
                    target += "&filter=" + QUrl::toPercentEncoding(filter).toStdString();
                    cli << "--filter" << filter;
                }
                q.push_back({ target, cli });
            }
    return q;
}

void TestServe::servesWhileAnIngestWrites()
{
    // The log grows in 6 pieces while `ingest --follow` reads it (--idle long enough that the
    // watermark never moves with the wall clock: the 2021 clicks stay on time).
    const QString live = m_dir.filePath("live.csv");
    const qsizetype piece = m_logBytes.size() / 6;
    const qsizetype firstCut = m_logBytes.indexOf('\n', piece) + 1;
    QVERIFY(testsupport::writeFile(live, m_logBytes.left(firstCut)));
    QCOMPARE(runCli({ "ingest", "--db", m_db, live }).exitCode, 0); // the database exists before serve
    QProcess ingest;
    ingest.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", m_db, "--follow", "--idle", "3600", live });
    QVERIFY(ingest.waitForStarted(10'000));
    m_server = std::make_unique<Server>();
    QVERIFY(m_server->start(
        { "--db", m_db, "--listen", "127.0.0.1:0", "--threads", "4" }, m_dir.filePath("port")));

    std::atomic<bool> done { false };
    std::atomic<int> bad { 0 }, answers { 0 };
    std::vector<std::string> problems(4);
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
        clients.emplace_back([&, t] {
            testhttp::Client c(m_server->host.toStdString(), m_server->port);
            int64_t lastCount = 0, lastLines = 0;
            while (!done) {
                const auto n = c.get("/v1/ads/ad000001/aggregated_count?from=26824320&to=26824340");
                const auto s = c.get("/v1/stats?samples=0");
                const auto p = c.get("/v1/ads/popular_ads?count=5&window=10&at=26824330");
                const int64_t count = jsonInt(n.body, "count"), lines = jsonInt(s.body, "lines");
                const bool ok = n.status == 200 && s.status == 200 && p.status == 200 && count >= lastCount
                    && lines >= lastLines && QJsonDocument::fromJson(qb(p.body)).object().contains("ad_ids");
                if (!ok && problems[t].empty())
                    problems[t]
                        = n.error + s.error + p.error + " " + n.body + " " + std::to_string(lastCount);
                bad += !ok;
                ++answers;
                lastCount = count;
                lastLines = lines;
            }
        });
    qsizetype at = firstCut;
    while (at < m_logBytes.size()) {
        const qsizetype next = std::min(m_logBytes.size(), m_logBytes.indexOf('\n', at + piece) + 1);
        QFile f(live);
        QVERIFY(f.open(QIODevice::Append));
        f.write(m_logBytes.mid(at, (next > at ? next : m_logBytes.size()) - at));
        f.close();
        at = next > at ? next : m_logBytes.size();
        QThread::msleep(300);
    }
    // Until the ingest has counted every line (asked over HTTP too).
    const int64_t total = testsupport::truthCounters(m_log).value("lines").toInteger();
    testhttp::Client c(m_server->host.toStdString(), m_server->port);
    QElapsedTimer waited;
    waited.start();
    while (jsonInt(c.get("/v1/stats?samples=0").body, "lines") != total && waited.elapsed() < 120'000)
        QThread::msleep(100);
    done = true;
    for (auto& t : clients)
        t.join();
    ::kill(static_cast<pid_t>(ingest.processId()), SIGINT);
    QVERIFY(ingest.waitForFinished(30'000));
    QCOMPARE(ingest.exitCode(), 0);
    for (const auto& p : problems)
        QVERIFY2(p.empty(), p.c_str());
    QCOMPARE(bad.load(), 0);
    QVERIFY(answers.load() > 0);
    QCOMPARE(jsonInt(c.get("/v1/stats?samples=0").body, "lines"), total);
}

void TestServe::answersEqualTheCliUnderLoad()
{
    QVERIFY(m_server);
    const std::vector<Query> qs = queries();
    std::vector<std::string> expected;
    for (const Query& q : qs) {
        const auto run = runCli(q.cli + QStringList { "--db", m_db });
        QCOMPARE(run.exitCode, 0);
        expected.push_back(run.out.toStdString());
    }
    expected.push_back(runCli({ "stats", "--db", m_db }).out.toStdString());
    // One ad's whole-range count against the generator's truth (an independent model).
    int64_t truth = 0;
    for (const QString& row : testsupport::truthAggText(m_log).split('\n', Qt::SkipEmptyParts))
        if (row.section(',', 1, 1) == "ad000001" && row.section(',', 0, 0).toLongLong() >= 26'824'320
            && row.section(',', 0, 0).toLongLong() < 26'824'330)
            truth += row.section(',', 3, 3).toLongLong();
    QCOMPARE(jsonInt(expected[12], "count"), truth); // queries()[12]: ad000001 over 00:00-00:10, no filter
    QVERIFY(truth > 0);
    // Four clients ask every question (and stats), each in its own order, at once.
    std::vector<std::string> problems(4);
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t)
        clients.emplace_back([&, t] {
            testhttp::Client c(m_server->host.toStdString(), m_server->port);
            for (std::size_t i = 0; i <= qs.size() && problems[t].empty(); ++i) {
                const std::size_t k = (i * 7 + std::size_t(t) * 13) % (qs.size() + 1);
                const auto r = c.get(k < qs.size() ? qs[k].target : "/v1/stats");
                if (r.status != 200 || r.body != expected[k])
                    problems[t] = (k < qs.size() ? qs[k].target : "/v1/stats") + " -> "
                        + std::to_string(r.status) + " " + r.error + r.body + " != " + expected[k];
            }
        });
    for (auto& t : clients)
        t.join();
    for (const auto& p : problems)
        QVERIFY2(p.empty(), p.c_str());
}

void TestServe::malformedRequestsOverTheWire()
{
    QVERIFY(m_server);
    const std::string h = m_server->host.toStdString();
    const int port = m_server->port;
    const auto send = [&](const std::string& raw) {
        testhttp::Client c(h, port);
        return c.raw(raw);
    };
    QCOMPARE(send("POST /v1/stats HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").status, 405);
    QCOMPARE(send("GET /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").status, 400);
    QCOMPARE(send("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n").status, 404);
    const auto long1
        = send("GET /v1/ads/" + std::string(100'000, 'a') + "/aggregated_count HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY2(long1.status == 414 || long1.status == 431 || long1.status == 400, long1.error.c_str());
    const auto hugeHeader
        = send("GET /v1/health HTTP/1.1\r\nHost: x\r\nX: " + std::string(100'000, 'b') + "\r\n\r\n");
    QVERIFY2(hugeHeader.status == 431 || hugeHeader.status == 413 || hugeHeader.status == 400,
        hugeHeader.error.c_str());
    const auto garbage = send("\x01\x02 nonsense\r\n\r\n");
    QVERIFY(garbage.status == 400 || garbage.status == 0); // an answer or a closed connection, never a hang
    QCOMPARE(send("GET /v1/ads/popular_ads?count=%zz&window=1 HTTP/1.1\r\nHost: x\r\n\r\n").status, 400);
    // Clients that send half a request and stall hold no thread: others are answered meanwhile.
    std::vector<int> stalled;
    const std::string request = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
    for (std::size_t i = 0; i < 12; ++i)
        stalled.push_back(openPartial(h, port, request.substr(0, i * 3 + 1)));
    testhttp::Client after(h, port);
    QCOMPARE(after.get("/v1/health").status, 200);
    for (const int fd : stalled)
        QVERIFY(fd >= 0 && ::close(fd) == 0);
    QCOMPARE(after.get("/v1/health").status, 200);
}

void TestServe::tokenOverTheWire()
{
    const QString tokenFile = m_dir.filePath("token");
    QVERIFY(testsupport::writeFile(tokenFile, "tok-123\n"));
    Server s;
    QVERIFY(s.start(
        { "--db", m_db, "--listen", "127.0.0.1:0", "--token-file", tokenFile }, m_dir.filePath("port2")));
    testhttp::Client c(s.host.toStdString(), s.port);
    const auto no = c.get("/v1/ads/popular_ads?count=1&window=5");
    QCOMPARE(no.status, 401);
    QVERIFY(QJsonDocument::fromJson(qb(no.body)).object().contains("error"));
    QCOMPARE(c.get("/v1/health", "Authorization: Bearer tok-12\r\n").status, 401);
    QCOMPARE(c.get("/v1/health", "Authorization: Bearer tok-123\r\n").status, 200);
    QCOMPARE(c.get("/metrics", "Authorization: Bearer tok-123\r\n").status, 200);
    c.close();
    QCOMPARE(s.stop(), 0); // SIGTERM: a clean exit
}

void TestServe::connectionLimit()
{
    // One thread, two connections at most, both taken by clients that stall mid-request: a third
    // waits (in the listen queue, never answered wrongly) until the server drops the stalled ones
    // (10 s without progress), then it is served: a full server recovers by itself, no hang.
    Server s;
    QVERIFY(s.start({ "--db", m_db, "--listen", "127.0.0.1:0", "--threads", "1", "--max-connections", "2" },
        m_dir.filePath("port3")));
    const std::string h = s.host.toStdString();
    std::vector<int> stalled { openPartial(h, s.port, "GET /v1/he"), openPartial(h, s.port, "GET /v1/he") };
    QVERIFY(stalled[0] >= 0 && stalled[1] >= 0);
    testhttp::Client third(h, s.port);
    QCOMPARE(third.get("/v1/health").status, 200);
    for (const int fd : stalled) {
        char byte;
        // Already closed by the server, without an answer, before the third was taken in (without
        // the limit the third is answered at once and these are still open: EAGAIN).
        QCOMPARE(::recv(fd, &byte, 1, MSG_DONTWAIT), ssize_t(0));
        ::close(fd);
    }
    QCOMPARE(s.stop(), 0);
}

void TestServe::requestTimeoutOverTheWire()
{
    // Two clicks fifty years apart: a count over all of it is ~2.6·10^7 seeks of the aggregates,
    // many seconds. One server thread and a 1 s limit: the query is stopped, answered 503, and the
    // thread answers the next request.
    const QString db = testsupport::farApartClicksDb(m_dir.filePath("slow"), 1971);
    QVERIFY(!db.isEmpty());
    Server s;
    QVERIFY(s.start({ "--db", db, "--listen", "127.0.0.1:0", "--threads", "1", "--request-timeout", "1" },
        m_dir.filePath("port4")));
    testhttp::Client c(s.host.toStdString(), s.port);
    QElapsedTimer t;
    t.start();
    const auto slow
        = c.get("/v1/ads/ad001/aggregated_count?from=1970-06-01T00:00:00Z&to=2022-01-01T00:00:00Z");
    const qint64 ms = t.elapsed();
    QCOMPARE(slow.status, 503);
    const QString error = QJsonDocument::fromJson(qb(slow.body)).object().value("error").toString();
    QVERIFY2(error.contains("limit of 1 s") && error.contains("--request-timeout"), slow.body.c_str());
    QVERIFY2(ms >= 1000 && ms < 4000, qPrintable(QString("answered after %1 ms").arg(ms)));
    const auto quick
        = c.get("/v1/ads/ad001/aggregated_count?from=2021-01-01T00:00:00Z&to=2021-01-01T00:01:00Z");
    QCOMPARE(quick.status, 200);
    QCOMPARE(jsonInt(quick.body, "count"), int64_t(1));
    QVERIFY(qb(c.get("/metrics").body).contains("\nadclick_serve_timeouts_total 1\n"));
    c.close();
    QCOMPARE(s.stop(), 0);
}

void TestServe::badOptions()
{
    QCOMPARE(runCli({ "serve" }).exitCode, 2);
    QCOMPARE(runCli({ "serve", "--db", m_db, "--listen", "localhost:80" }).exitCode, 2);
    QCOMPARE(runCli({ "serve", "--db", m_db, "--listen", "127.0.0.1:99999" }).exitCode, 2);
    QCOMPARE(runCli({ "serve", "--db", m_db, "--threads", "0" }).exitCode, 2);
    QCOMPARE(runCli({ "serve", "--db", m_db, "--request-timeout", "-1" }).exitCode, 2);
    QCOMPARE(runCli({ "serve", "--db", m_db, "--request-timeout", "1.5" }).exitCode, 2);
    QCOMPARE(runCli({ "serve", "--db", m_db, "--bogus" }).exitCode, 2);
    const QString empty = m_dir.filePath("empty-token");
    QVERIFY(testsupport::writeFile(empty, "\n"));
    QCOMPARE(runCli({ "serve", "--db", m_db, "--token-file", empty }).exitCode, 2);
    const auto missing = runCli({ "serve", "--db", m_dir.filePath("missing.db") });
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("does not exist"), missing.err.constData());
    QVERIFY(m_server);
    // The port the first server holds: a clear error, exit 1.
    const QString taken = m_server->host + ":" + QString::number(m_server->port);
    QCOMPARE(runCli({ "serve", "--db", m_db, "--listen", taken }).exitCode, 1);
    QCOMPARE(m_server->stop(), 0);
}

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
