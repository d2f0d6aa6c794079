#pragma once
// Helpers shared by the tests: run the CLI, read a database independently of the core (plain
// SQL), read the generator's truth files and other inputs, and watch heap allocations.

#include <QByteArray>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTextStream>
#include <QThread>

#include "core/store/raw_reader.h"

#include <sqlite3.h>
#include <zlib.h>

#include <cstdlib>
#include <new>

namespace testsupport {

struct Run {
    int exitCode = -1; //!< -1 unless the CLI exited by itself: a crash never passes for an exit code
    bool crashed = false;
    QByteArray out, err;
};

inline Run runCli(const QStringList& args,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 300'000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ADCLICK_CLI), args);
    Run r;
    if (!p.waitForStarted(10'000)) return r;
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = r.crashed ? -1 : p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

//! The bootstrap list `adclick broker --port-file F` writes once its brokers listen (empty after
//! 10 s without it).
inline QString waitForBootstrap(const QString& portFile)
{
    QElapsedTimer t;
    t.start();
    while (!QFile::exists(portFile) && t.elapsed() < 10'000)
        QThread::msleep(20);
    QFile f(portFile);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll()).trimmed();
}

//! Starts `adclick broker` for `topic` (its port file in `dir`), owned by `owner` and added to
//! `started` (the caller stops them); the bootstrap list, empty when it did not come up.
inline QString startBrokerProcess(
    QObject* owner, const QString& dir, const QString& topic, int partitions, QList<QProcess*>& started)
{
    const QString portFile = QDir(dir).filePath(topic + ".port");
    auto* p = new QProcess(owner);
    p->start(QStringLiteral(ADCLICK_CLI),
        { "broker", "--topic", topic, "--partitions", QString::number(partitions), "--port-file", portFile });
    if (!p->waitForStarted()) return {};
    started.append(p);
    return waitForBootstrap(portFile);
}

//! `adclick broker --control` as a child process: its stdin takes fault-injection commands
//! ("down 1", "up 1", latency, …). Stopped when it goes out of scope.
class ControlledBroker {
public:
    ~ControlledBroker()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(10'000)) m_process.kill();
    }

    //! Starts `brokers` brokers holding `topic` (port file in `dir`) and the `alsoTopics`, with as
    //! many partitions; the bootstrap list, empty when they did not come up.
    QString start(const QString& dir, const QString& topic, int partitions, int brokers = 3,
        const QStringList& alsoTopics = {})
    {
        const QString portFile = QDir(dir).filePath(topic + ".port");
        QStringList args { "broker", "--control", "--topic", topic, "--partitions",
            QString::number(partitions), "--brokers", QString::number(brokers), "--port-file", portFile };
        for (const QString& t : alsoTopics)
            args << "--also-topic" << t;
        m_process.start(QStringLiteral(ADCLICK_CLI), args);
        if (!m_process.waitForStarted()) return {};
        const QString bootstrap = waitForBootstrap(portFile);
        readLine(); // the start-up line {"bootstrap":…}, written after the port file
        return bootstrap;
    }

    //! One control command; returns the broker's answer ("ok" or "error: …").
    QString command(const QString& line)
    {
        m_process.write((line + "\n").toUtf8());
        return readLine();
    }

private:
    QString readLine()
    {
        QElapsedTimer t;
        t.start();
        while (!m_process.canReadLine() && t.elapsed() < 10'000)
            m_process.waitForReadyRead(100);
        return QString::fromUtf8(m_process.readLine()).trimmed();
    }

    QProcess m_process;
};

//! Writes `bytes` to `path` (replacing it), gzip-compressed when `gzip`; false when that fails.
inline bool writeFile(const QString& path, const QByteArray& bytes, bool gzip = false)
{
    if (gzip) {
        gzFile f = gzopen(path.toUtf8().constData(), "wb");
        if (!f) return false;
        const bool ok = gzwrite(f, bytes.constData(), unsigned(bytes.size())) == int(bytes.size());
        return gzclose(f) == Z_OK && ok;
    }
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

//! A database of two clicks of ad001, the first in `firstYear`, the second in 2021: a count over
//! the whole span seeks the aggregates once per minute, seconds of SQLite work on a tiny
//! database (the serve tests' slow query). Returns the database's path, empty on failure.
inline QString farApartClicksDb(const QString& dir, int firstYear)
{
    const QString log = dir + "/clicks.log", db = dir + "/clicks.db";
    const QByteArray lines = "[AdClickEvent] ad001, " + QByteArray::number(firstYear)
        + "-01-01 00:00:10, u1, 10.1.0.1, US\n[AdClickEvent] ad001, 2021-01-01 00:00:20, u2, 10.1.0.2, KR\n";
    if (!QDir().mkpath(dir) || !writeFile(log, lines)) return {};
    return runCli({ "ingest", "--db", db, log }).exitCode == 0 ? db : QString();
}

//! The non-zero reject reasons of an ingest summary, as " reason=N" each (empty when none).
inline QString nonZeroRejects(const QJsonObject& summary)
{
    QString out;
    const QJsonObject reasons = summary["rejected_by_reason"].toObject();
    for (auto it = reasons.begin(); it != reasons.end(); ++it)
        if (it.value().toInteger() != 0)
            out += QStringLiteral(" %1=%2").arg(it.key()).arg(it.value().toInteger());
    return out;
}

//! The whole of an input file of a test; empty when it cannot be read, and then `error` says so.
inline QByteArray readInput(const QString& path, QString& error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot open ") + path;
        return {};
    }
    return f.readAll();
}

inline QJsonObject json(const QByteArray& text)
{
    return QJsonDocument::fromJson(text).object();
}

//! Rows of one query joined as text lines (columns separated by ',').
inline QString queryText(const QString& dbPath, const char* sqlText)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(dbPath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return QStringLiteral("<cannot open>");
    }
    sqlite3_stmt* st = nullptr;
    QString out;
    if (sqlite3_prepare_v2(db, sqlText, -1, &st, nullptr) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                if (c) out += ',';
                out += QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(st, c)));
            }
            out += '\n';
        }
    } else {
        out = QStringLiteral("<error: %1>").arg(sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

//! The unfiltered aggregates as `minute,ad_id,country,clicks,late` lines in truth-file order.
inline QString aggText(const QString& db)
{
    return queryText(db,
        "SELECT a.minute, ads.name, a.country, a.clicks, a.late FROM agg a JOIN ads ON ads.id = a.ad "
        "WHERE a.filter_id = 0 ORDER BY a.minute, ads.name, a.country");
}

inline QString countersText(const QString& db)
{
    return queryText(db, "SELECT name, value FROM counters WHERE value != 0 ORDER BY name");
}

inline QString integrity(const QString& db)
{
    return queryText(db, "PRAGMA integrity_check").trimmed();
}

//! The committed raw events of a database in file order, one text line each (the `.tsv` line
//! format of raw_format.h, whatever format their segments are in); "<unreadable: …>" when a
//! segment cannot be read.
inline QStringList rawEventLines(const QString& db)
{
    std::vector<adclick::core::RawSegment> segments;
    const QStringList rows
        = queryText(db, "SELECT id, file, bytes FROM segments ORDER BY id").split('\n', Qt::SkipEmptyParts);
    for (const QString& row : rows) {
        const auto parts = row.split(',');
        adclick::core::RawSegment s;
        s.id = parts[0].toLongLong();
        s.file = parts[1].toStdString();
        s.bytes = parts[2].toULongLong();
        segments.push_back(std::move(s));
    }
    QStringList lines;
    std::string line;
    adclick::core::RawReader reader((db + ".raw").toStdString());
    const auto st
        = reader.read(segments, { { INT64_MIN, INT64_MAX } }, [&](const adclick::core::RawEvent& e) {
              line.clear();
              adclick::core::appendRawLine(
                  line, e.status, e.timeMs, e.adId, e.country, e.userId, e.ip, e.clickId);
              line.pop_back(); // '\n'
              lines.push_back(QString::fromStdString(line));
              return true;
          });
    if (!st) return { "<unreadable: " + QString::fromStdString(st.message()) + ">" };
    return lines;
}

//! SHA-1 of the committed raw events (all segments, each cut at its committed length, as sorted
//! event lines: the frames a run writes, and so the order of its events, depend on where its
//! batches ended). `beyondHorizonAsLate`: status H (schema version 5 on) read as L, what older
//! versions stored.
inline QByteArray rawDigest(const QString& db, bool beyondHorizonAsLate = false)
{
    QCryptographicHash h(QCryptographicHash::Sha1);
    // Sorted: the writer stores stragglers in frames of their own, so where a restart or a crash
    // cut the batches moves them; the events themselves stay.
    QStringList lines = rawEventLines(db);
    if (beyondHorizonAsLate)
        for (QString& line : lines)
            if (line.startsWith(QLatin1String("H\t"))) line[0] = QLatin1Char('L');
    lines.sort();
    for (const QString& line : lines) {
        h.addData(line.toUtf8());
        h.addData(QByteArrayView("\n"));
    }
    return h.result().toHex();
}

//! The rollups (agg_rollup) as text, and what they must be: agg summed over countries into
//! buckets of 1, 10 and 60 minutes (event minutes are positive here: '/' is the floor).
inline QString rollupText(const QString& db)
{
    return queryText(db, "SELECT filter_id, width, bucket, ad, clicks FROM agg_rollup ORDER BY 1, 2, 3, 4");
}
inline QString rollupTruthText(const QString& db)
{
    return queryText(db,
        "WITH w(w) AS (VALUES (1), (10), (60)) SELECT a.filter_id, w.w, a.minute / w.w, a.ad, sum(a.clicks) "
        "FROM agg a, w GROUP BY 1, 2, 3, 4 HAVING sum(a.clicks) <> 0 ORDER BY 1, 2, 3, 4");
}
//! "rollups = agg" or what differs: the rollups must always equal a GROUP BY over agg.
inline QString rollupCheck(const QString& db)
{
    const QString have = rollupText(db), want = rollupTruthText(db);
    // Since schema version 5: the hour rows' rank is clicks >> 4, the others' 0 (rollups.h).
    const bool ranked
        = queryText(db, "SELECT count(*) FROM pragma_table_info('agg_rollup') WHERE name = 'rank'")
        == QStringLiteral("1\n");
    const QString badRanks = ranked
        ? queryText(db,
            "SELECT count(*) FROM agg_rollup WHERE rank <> CASE width WHEN 60 THEN clicks >> 4 "
            "ELSE 0 END")
        : QStringLiteral("0\n");
    if (badRanks != QStringLiteral("0\n")) return QStringLiteral("rollups with a wrong rank: ") + badRanks;
    // Since schema version 7: each bucket's total over every ad.
    if (queryText(db, "SELECT value >= 7 FROM meta WHERE key = 'schema_version'") == QStringLiteral("1\n")) {
        const QString totals = queryText(db,
            "SELECT filter_id, width, bucket, clicks FROM agg_rollup_total WHERE clicks <> 0 ORDER BY 1, 2, "
            "3");
        const QString wantTotals = queryText(db,
            "WITH w(w) AS (VALUES (1), (10), (60)) SELECT a.filter_id, w.w, a.minute / w.w, sum(a.clicks) "
            "FROM agg a, w GROUP BY 1, 2, 3 HAVING sum(a.clicks) <> 0 ORDER BY 1, 2, 3");
        if (totals != wantTotals)
            return QStringLiteral("rollup totals differ from agg:\n%1--- want:\n%2")
                .arg(totals.left(2000), wantTotals.left(2000));
    }
    if (have == want) return QStringLiteral("rollups = agg");
    return QStringLiteral("rollups differ from agg:\n%1--- want:\n%2").arg(have.left(2000), want.left(2000));
}

//! Everything that must be equal between an interrupted and an uninterrupted run.
inline QString fullState(const QString& db)
{
    return aggText(db) + "--\n" + countersText(db) + "--\n"
        + queryText(db, "SELECT * FROM minute_stats ORDER BY minute") + "--\n"
        + queryText(db, "SELECT key, value FROM meta ORDER BY key") + "--\n"
        + queryText(db, "SELECT uri, offset FROM sources ORDER BY id") + "--\n"
        + queryText(db, "SELECT source, offset, reason FROM rejects ORDER BY id") + "--\n" + rollupCheck(db)
        + "--\n" + rawDigest(db);
}

//! The generator's per-pane truth without its header, in the same form as aggText().
inline QString truthAggText(const QString& prefix)
{
    QFile f(prefix + ".truth.csv");
    if (!f.open(QIODevice::ReadOnly)) return QStringLiteral("<no truth file>");
    QString text = QString::fromUtf8(f.readAll());
    const auto nl = text.indexOf('\n');
    return nl < 0 ? QString() : text.mid(nl + 1);
}

inline QJsonObject truthCounters(const QString& prefix)
{
    QFile f(prefix + ".truth.json");
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

//! Counters of a database in the truth file's terms, as "name=value" lines.
inline QString countersAsTruth(const QJsonObject& o)
{
    QString s;
    for (const char* k : { "lines", "accepted", "duplicates", "late", "late_applied", "rejected" })
        s += QStringLiteral("%1=%2\n").arg(k).arg(o.value(k).toInteger());
    const QJsonObject by = o.value("rejected_by_reason").toObject();
    for (auto it = by.begin(); it != by.end(); ++it)
        if (it.value().toInteger() != 0)
            s += QStringLiteral("rejected.%1=%2\n").arg(it.key()).arg(it.value().toInteger());
    return s;
}

} // namespace testsupport

#ifdef ADCLICK_TEST_WATCH_ALLOCATIONS
// For a test that watches heap allocations: its source defines ADCLICK_TEST_WATCH_ALLOCATIONS
// before it includes this header, and defines watchAllocation(), which the global operator new
// below calls with the size of every allocation before it makes it. (Replacement operators are
// defined once per program: only the one source file of a test binary may do this.)
void watchAllocation(std::size_t size) noexcept;

void* operator new(std::size_t n)
{
    watchAllocation(n);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}
#endif
