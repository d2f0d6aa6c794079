#pragma once
// The fixture shared by the query API's router tests (tst_serve_router: answers; tst_serve_requests:
// bad requests, the token, decoding, stopping and the per-request time limit): a hand-counted log,
// the router opened on it, and small helpers for requests and error bodies.
#include "core/serve/api_router.h"

#include "test_support.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace serverouter {

using namespace adclick::core;

inline constexpr int64_t kJan1Minute = 26'824'320; // 2021-01-01T00:00:00Z in epoch minutes

// Every click once (no duplicates, none late): ad001 has 4 clicks in [00:00, 00:03), 3 of them
// from US; ad002 3 in [00:00, 00:02); "ad/3" 1 at 00:01; ad004's click at 00:05 moves the
// watermark to 00:04, so the default `at` of popular is 00:04.
inline const char* const kLog = "[AdClickEvent] ad001, 2021-01-01 00:00:10, u1, 10.1.0.1, US\n"
                                "[AdClickEvent] ad001, 2021-01-01 00:00:20, u2, 10.1.0.2, KR\n"
                                "[AdClickEvent] ad002, 2021-01-01 00:00:30, u3, 10.2.0.1, KR\n"
                                "[AdClickEvent] ad/3, 2021-01-01 00:01:00, u4, 10.2.0.2, US\n"
                                "[AdClickEvent] ad001, 2021-01-01 00:01:05, u1, 10.1.0.1, US\n"
                                "[AdClickEvent] ad002, 2021-01-01 00:01:10, u5, 10.2.0.3, KR\n"
                                "[AdClickEvent] ad002, 2021-01-01 00:01:50, u6, 10.2.0.4, JP\n"
                                "[AdClickEvent] ad001, 2021-01-01 00:02:30, u7, 10.1.0.7, US\n"
                                "[AdClickEvent] ad004, 2021-01-01 00:05:00, u8, 10.3.0.1, US\n"
                                "a line that is no click\n";

inline QByteArray qb(const std::string& s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

inline ApiRequest get(std::string path, std::vector<std::pair<std::string, std::string>> query = {})
{
    ApiRequest r;
    r.method = "GET";
    r.path = std::move(path);
    r.query = std::move(query);
    return r;
}

//! The error text of a 4xx/5xx body; empty (and a failed check) when the body is not {"error":…}.
inline QString errorOf(const ApiResponse& r)
{
    const QJsonDocument doc = QJsonDocument::fromJson(qb(r.body));
    if (!doc.isObject() || !doc.object().value("error").isString()) return {};
    return doc.object().value("error").toString();
}

//! Ingests kLog into `dir`/clicks.db (path in `db`), saves the filter "us" (country=US) and opens
//! a router on it whose clock reads 2021-01-01T00:05:00Z. Null (with a warning) on any failure.
inline std::unique_ptr<ApiRouter> openFixtureRouter(const QTemporaryDir& dir, std::string& db)
{
    using testsupport::runCli;
    const QString log = dir.filePath("clicks.log");
    db = dir.filePath("clicks.db").toStdString();
    const QString qdb = QString::fromStdString(db);
    if (!testsupport::writeFile(log, kLog) || runCli({ "ingest", "--db", qdb, log }).exitCode != 0
        || runCli({ "filter", "save", "--db", qdb, "--name", "us", "--expr", "country=US" }).exitCode != 0) {
        qWarning("the fixture database could not be made");
        return nullptr;
    }
    auto router = ApiRouter::open({ db, "", [] { return int64_t(1'609'459'500'000); } });
    if (!router) {
        qWarning("%s", router.message().c_str());
        return nullptr;
    }
    return std::move(*router);
}

} // namespace serverouter
