// Issue 10 item 4: `ingest --order any` (docs/semantics.md, "Archives in any order"). A shuffled
// multi-hour archive — with click ids and copies of clicks hours apart — ingested with --order any
// must equal, cell for cell, the same archive sorted by time and ingested with a lateness and a
// dedup horizon that cover it; also when the sort spills many runs to disk, after a kill, and
// (continuing a database that holds data) equal to the sorted rest appended by an ordinary ingest.
#include "test_support.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <random>

using namespace testsupport;

namespace {

//! Event time of a generated JSON line as the engine reads it; nullopt when it has none we know.
std::optional<qint64> eventTimeOf(const QByteArray& line)
{
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    QJsonValue v = o.value("click_timestamp");
    if (v.isUndefined()) v = o.value("timestamp");
    if (v.isDouble()) return static_cast<qint64>(v.toDouble());
    if (!v.isString()) return std::nullopt;
    QString s = v.toString();
    bool digits = false;
    const qint64 ms = s.toLongLong(&digits);
    if (digits) return ms;
    s.replace(' ', 'T');
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid()) return std::nullopt;
    if (!s.endsWith('Z') && !s.contains('+')) t.setTimeSpec(Qt::UTC);
    return t.toMSecsSinceEpoch();
}

QByteArrayList readLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QByteArrayList lines = f.readAll().split('\n');
    if (!lines.isEmpty() && lines.back().isEmpty()) lines.pop_back();
    return lines;
}

bool writeLines(const QString& path, const QByteArrayList& lines)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    for (const QByteArray& line : lines)
        f.write(line + '\n');
    return true;
}

//! A copy of the click of `line` (which has a click_id) `shiftMs` later, seen by another user.
QByteArray farCopy(const QByteArray& line, qint64 timeMs, qint64 shiftMs)
{
    QJsonObject o = QJsonDocument::fromJson(line).object();
    o.remove("timestamp");
    o["click_timestamp"] = QString::number(timeMs + shiftMs);
    o["user_id"] = QStringLiteral("copy-user");
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

//! The lines stably sorted by event time; lines without a time we can read go last.
QByteArrayList sortedByTime(const QByteArrayList& lines)
{
    std::vector<std::pair<qint64, int>> order;
    QByteArrayList tail;
    for (int i = 0; i < lines.size(); ++i) {
        if (auto t = eventTimeOf(lines[i]))
            order.emplace_back(*t, i);
        else
            tail.push_back(lines[i]);
    }
    std::stable_sort(order.begin(), order.end(), [](auto& x, auto& y) { return x.first < y.first; });
    QByteArrayList out;
    for (const auto& [t, i] : order)
        out.push_back(lines[i]);
    return out + tail;
}

//! What --order any must equal: aggregates, counters, minute statistics and raw events.
QString cells(const QString& db)
{
    return aggText(db) + "--\n" + countersText(db) + "--\n"
        + queryText(db, "SELECT * FROM minute_stats ORDER BY minute") + "--\n" + rawDigest(db);
}

QString metaValue(const QString& db, const char* key)
{
    return queryText(db, QStringLiteral("SELECT value FROM meta WHERE key = '%1'").arg(key).toUtf8())
        .trimmed();
}

} // namespace

class TestOrderAny : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_dbs = 0;
    QString m_shuffled, m_sorted, m_reference;

    QString freshDb() { return m_dir.filePath(QStringLiteral("o%1.db").arg(++m_dbs)); }

private slots:
    void initTestCase();
    void shuffledArchiveEqualsSortedOne();
    void runsLargerThanTheMemoryBudget();
    void refusedWithFollowAndKafka();
    void killDuringTheOrderedIngest();
    void continuesADatabaseThatHoldsData();
    void aLoneClickYearsAheadIsRejected();
};

void TestOrderAny::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // ~3 hours of clicks (2 a second), 80% with a click id, the generator's duplicates, late lines
    // and rejects; then copies of 1 in 40 clicks with a click id, 2 hours later or earlier.
    const QString gen = m_dir.filePath("gen.jsonl");
    const Run g = runCli({ "gen", "--out", gen, "--events", "20000", "--seed", "11", "--format", "jsonl",
        "--rate", "2", "--click-ids", "0.8", "--no-truth" });
    QVERIFY2(g.exitCode == 0, g.err.constData());
    QByteArrayList lines = readLines(gen);
    QVERIFY(lines.size() >= 20000);
    int copies = 0;
    for (int i = 0; i < 20000; i += 40) {
        const auto t = eventTimeOf(lines[i]);
        if (!t || !lines[i].contains("click_id")) continue;
        lines.push_back(farCopy(lines[i], *t, (copies++ % 2) ? 7'200'000 : -7'200'000));
    }
    QVERIFY(copies > 300);
    std::mt19937 rng(20261203);
    std::shuffle(lines.begin(), lines.end(), rng);
    m_shuffled = m_dir.filePath("shuffled.jsonl");
    m_sorted = m_dir.filePath("sorted.jsonl");
    QVERIFY(writeLines(m_shuffled, lines));
    QVERIFY(writeLines(m_sorted, sortedByTime(lines)));
    m_reference = freshDb();
    const Run r
        = runCli({ "ingest", "--db", m_reference, "--lateness", "12h", "--dedup-horizon", "12h", m_sorted });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject s = json(r.out);
    QCOMPARE(s.value("late").toInteger(), 0);
    QVERIFY(s.value("duplicates").toInteger() > copies); // the far copies and the generator's own
}

void TestOrderAny::shuffledArchiveEqualsSortedOne()
{
    // Today's default order counts most of the shuffled archive as late.
    const QString plain = freshDb();
    const Run p = runCli({ "ingest", "--db", plain, m_shuffled });
    QCOMPARE(p.exitCode, 0);
    QVERIFY(json(p.out).value("late").toInteger() > 10000);

    const QString db = freshDb();
    const Run r = runCli({ "ingest", "--db", db, "--order", "any", m_shuffled });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject s = json(r.out);
    QCOMPARE(s.value("late").toInteger(), 0);
    QCOMPARE(cells(db), cells(m_reference));
    // The watermark is the newest event time, so the default "at" of the top-N has data.
    QCOMPARE(metaValue(db, "watermark_ms"), metaValue(db, "max_event_ms"));
    // (The last 2 hours hold only the far copies, which are duplicates: a window of 10 hours.)
    const Run top = runCli({ "popular", "--db", db, "--count", "5", "--window", "600" });
    QVERIFY2(top.exitCode == 0, top.err.constData());
    QCOMPARE(json(top.out).value("ad_ids").toArray().size(), 5);
    const Run refTop = runCli({ "popular", "--db", m_reference, "--count", "5", "--window", "600", "--at",
        QString::number(metaValue(db, "watermark_ms").toLongLong() / 60000 * 60000) });
    QCOMPARE(json(top.out), json(refTop.out));
    // Ingesting the same file again adds nothing: it is known by its fingerprint, read to its end.
    const Run again = runCli({ "ingest", "--db", db, "--order", "any", m_shuffled });
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(cells(db), cells(m_reference));
}

void TestOrderAny::runsLargerThanTheMemoryBudget()
{
    // 16 KiB of sort memory: the clicks (about 2 MB sorted) spill well over 64 runs, so runs are
    // merged in levels; the identities and the copies spill too. Then from gzip and stdin.
    const QString db = freshDb();
    const Run r = runCli({ "ingest", "--db", db, "--order", "any", "--sort-memory", "16K", "--tmp",
        m_dir.path(), "--commit-every", "3000", m_shuffled });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject sort = json(r.out).value("sort").toObject();
    QVERIFY2(sort.value("runs").toInteger() > 64, r.out.constData());
    QVERIFY(sort.value("spilled_bytes").toInteger() > 2'000'000);
    QCOMPARE(cells(db), cells(m_reference));
    // Nothing is left behind in the run folder (the runs are unlinked files).
    QVERIFY(QDir(m_dir.path()).entryList({ ".adclick-sort-*" }, QDir::Hidden | QDir::Files).isEmpty());

    // The same from a .gz file and from standard input.
    const QString gz = m_dir.filePath("shuffled.jsonl.gz");
    QProcess zip;
    zip.setStandardInputFile(m_shuffled);
    zip.setStandardOutputFile(gz);
    zip.start("gzip", { "-c" });
    QVERIFY(zip.waitForFinished(60'000) && zip.exitCode() == 0);
    const QString fromGz = freshDb();
    const Run z = runCli({ "ingest", "--db", fromGz, "--order", "any", "--sort-memory", "64K", gz });
    QVERIFY2(z.exitCode == 0, z.err.constData());
    QCOMPARE(cells(fromGz), cells(m_reference));
    const QString fromStdin = freshDb();
    QProcess in;
    in.setStandardInputFile(m_shuffled);
    in.start(QStringLiteral(ADCLICK_CLI), { "ingest", "--db", fromStdin, "--order", "any", "-" });
    QVERIFY(in.waitForFinished(120'000));
    QVERIFY2(in.exitCode() == 0, in.readAllStandardError().constData());
    QCOMPARE(cells(fromStdin), cells(m_reference));
}

void TestOrderAny::refusedWithFollowAndKafka()
{
    const QString db = freshDb();
    const Run f = runCli({ "ingest", "--db", db, "--order", "any", "--follow", m_shuffled });
    QCOMPARE(f.exitCode, 2);
    QVERIFY2(f.err.contains("--follow"), f.err.constData());
    const Run k = runCli({ "ingest", "--db", db, "--order", "any", "kafka://127.0.0.1:9/clicks" });
    QCOMPARE(k.exitCode, 2);
    QVERIFY2(k.err.contains("Kafka"), k.err.constData());
    const Run bad = runCli({ "ingest", "--db", db, "--order", "random", m_shuffled });
    QCOMPARE(bad.exitCode, 2);
    const Run mem = runCli({ "ingest", "--db", db, "--order", "any", "--sort-memory", "1K", m_shuffled });
    QCOMPARE(mem.exitCode, 2);
    QVERIFY(!QFile::exists(db + ".raw")); // nothing was opened
}

void TestOrderAny::killDuringTheOrderedIngest()
{
    const QString clean = freshDb();
    QCOMPARE(
        runCli({ "ingest", "--db", clean, "--order", "any", "--commit-every", "2000", m_shuffled }).exitCode,
        0);
    // Killed between two batches of the held transaction, and right before its final commit:
    // nothing of the run is in the database; the next run does it all, exactly once.
    for (const char* point : { "commit.after_commit:3", "commit.before_commit:1" }) {
        const QString db = freshDb();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ADCLICK_FAILPOINT", point);
        const Run killed
            = runCli({ "ingest", "--db", db, "--order", "any", "--commit-every", "2000", m_shuffled }, env);
        QVERIFY2(killed.crashed, point);
        QCOMPARE(countersText(db), QString());
        QCOMPARE(aggText(db), QString());
        const Run again
            = runCli({ "ingest", "--db", db, "--order", "any", "--commit-every", "2000", m_shuffled });
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(fullState(db), fullState(clean));
    }
    QCOMPARE(cells(clean), cells(m_reference));
}

void TestOrderAny::continuesADatabaseThatHoldsData()
{
    // The first half of the sorted archive (without the far copies) ingested as usual, then the
    // rest shuffled with --order any, with 10 new clicks dated in the first half: the same as the
    // sorted rest appended by an ordinary ingest with the same settings. Those 10 are older than
    // the stored watermark: late, as in any ingest.
    QByteArrayList sorted;
    for (const QByteArray& line : readLines(m_sorted))
        if (!line.contains("copy-user")) sorted.push_back(line);
    const int half = static_cast<int>(sorted.size() / 2);
    QByteArrayList rest = sorted.mid(half);
    for (int i = 0; i < 10; ++i) {
        const QByteArray& line = sorted[i * 100 + 1];
        const auto t = eventTimeOf(line);
        QVERIFY(t);
        QJsonObject o = QJsonDocument::fromJson(farCopy(line, *t, 0)).object();
        o["click_id"] = QStringLiteral("old-%1").arg(i);
        rest.push_back(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    const QString first = m_dir.filePath("first.jsonl"), restSorted = m_dir.filePath("rest-sorted.jsonl"),
                  restShuffled = m_dir.filePath("rest-shuffled.jsonl");
    QVERIFY(writeLines(first, sorted.mid(0, half)));
    std::mt19937 rng(7);
    std::shuffle(rest.begin(), rest.end(), rng);
    QVERIFY(writeLines(restShuffled, rest));
    QVERIFY(writeLines(restSorted, sortedByTime(rest))); // clicks of one millisecond in shuffled order
    const QString ours = freshDb(), ref = freshDb();
    for (const QString& db : { ours, ref })
        QCOMPARE(runCli({ "ingest", "--db", db, first }).exitCode, 0);
    QCOMPARE(runCli({ "ingest", "--db", ref, restSorted }).exitCode, 0);
    const Run r = runCli({ "ingest", "--db", ours, "--order", "any", restShuffled });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(cells(ours), cells(ref));
    QVERIFY(json(r.out).value("late").toInteger() >= 10);
}

void TestOrderAny::aLoneClickYearsAheadIsRejected()
{
    // Step 0's --max-jump rule applies to the sorted order: a click dated 2024 in this 2021
    // archive is the last click of it, more than a day after the one before: rejected (future),
    // and it moves neither the watermark nor anything else — as in the sorted archive.
    QByteArrayList lines = readLines(m_shuffled);
    lines.insert(lines.size() / 2,
        R"({"ad_id":"ad-far","click_timestamp":"2024-06-01T12:00:00Z","user_id":"u","ip":"10.0.0.1","country":"US"})");
    const QString far = m_dir.filePath("far.jsonl"), farSorted = m_dir.filePath("far-sorted.jsonl");
    QVERIFY(writeLines(far, lines));
    QVERIFY(writeLines(farSorted, sortedByTime(lines)));
    const QString ours = freshDb(), ref = freshDb();
    QCOMPARE(
        runCli({ "ingest", "--db", ref, "--lateness", "12h", "--dedup-horizon", "12h", farSorted }).exitCode,
        0);
    const Run r = runCli({ "ingest", "--db", ours, "--order", "any", far });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(json(r.out).value("rejected_by_reason").toObject().value("future").toInteger(), 1);
    QCOMPARE(cells(ours), cells(ref));
    QCOMPARE(metaValue(ours, "max_event_ms"), metaValue(m_reference, "max_event_ms"));
}

QTEST_GUILESS_MAIN(TestOrderAny)
#include "tst_order_any.moc"
