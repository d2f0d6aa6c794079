// The store's SQL room: the connection's open errors (the messages users see for a wrong
// --db), the read transaction's failed BEGIN, the saved-filter state ↔ stored text mapping, and
// the many-row INSERT of the commit.
#include "core/store/connection.h"
#include "core/store/saved_filters.h"
#include "core/store/sqlite_util.h"
#include "core/store/store.h"
#include "core/store/store_schema.h"

#include <QtTest>

#include <sqlite3.h>

#include <string>

using namespace adclick::core;

namespace {

QByteArray qb(const std::string& s)
{
    return QByteArray::fromStdString(s);
}

//! Runs `sqlText` on its own plain connection (not the one under test).
bool execPlain(const std::string& path, const char* sqlText)
{
    sqlite3* db = nullptr;
    bool ok = sqlite3_open(path.c_str(), &db) == SQLITE_OK
        && sqlite3_exec(db, sqlText, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

} // namespace

class TestStoreSql : public QObject {
    Q_OBJECT

private slots:
    void init();
    void stateNames();
    void openMissing();
    void openFolder();
    void openNotADatabase();
    void openForeignDatabase();
    void openOtherSchemaVersion();
    void openOwnDatabase();
    void failedBeginIsReported();
    void savedFilterRows();
    void bulkInsertWritesEveryRowOnce_data();
    void bulkInsertWritesEveryRowOnce();

private:
    //! A fresh AdClick database, made by the writer.
    std::string makeDatabase(const QString& name);
    QTemporaryDir m_dir;
};

void TestStoreSql::init()
{
    QVERIFY(m_dir.isValid());
}

std::string TestStoreSql::makeDatabase(const QString& name)
{
    const std::string path = m_dir.filePath(name).toStdString();
    auto store = Store::open(path, {});
    if (!store) qWarning("%s", store.message().c_str());
    return path;
}

void TestStoreSql::stateNames()
{
    const std::pair<SavedFilterState, const char*> all[] = {
        { SavedFilterState::Pending, "pending" },
        { SavedFilterState::Ready, "ready" },
        { SavedFilterState::Dropping, "dropping" },
    };
    for (const auto& [state, text] : all) {
        QCOMPARE(qb(std::string(savedFilterStateName(state))), QByteArray(text));
        QCOMPARE(savedFilterStateFromName(text), std::optional<SavedFilterState>(state));
    }
    QCOMPARE(savedFilterStateFromName("Ready"), std::optional<SavedFilterState>());
    QCOMPARE(savedFilterStateFromName(""), std::optional<SavedFilterState>());
    QCOMPARE(savedFilterStateFromName("ready "), std::optional<SavedFilterState>());
}

void TestStoreSql::openMissing()
{
    const std::string path = m_dir.filePath("nope.db").toStdString();
    for (sql::OpenMode mode : { sql::OpenMode::ReadOnly, sql::OpenMode::ReadWrite }) {
        auto conn = sql::Connection::open(path, mode, 1000);
        QVERIFY(!conn.isOk());
        QCOMPARE(qb(conn.message()), qb("database '" + path + "' does not exist"));
        QVERIFY2(!QFile::exists(QString::fromStdString(path)), "a reader or side writer created the file");
    }
    auto created = sql::Connection::open(path, sql::OpenMode::Create, 1000);
    QVERIFY2(created.isOk(), created.message().c_str());
    QCOMPARE(qb(created->path()), qb(path));
}

void TestStoreSql::openFolder()
{
    const std::string path = m_dir.path().toStdString();
    auto conn = sql::Connection::openReadOnly(path);
    QVERIFY(!conn.isOk());
    QCOMPARE(qb(conn.message()), qb("'" + path + "' is a folder, not an AdClick database"));
}

void TestStoreSql::openNotADatabase()
{
    const QString text = m_dir.filePath("notes.txt");
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(5000, 'x'));
    f.close();
    for (sql::OpenMode mode : { sql::OpenMode::ReadOnly, sql::OpenMode::ReadWrite }) {
        auto conn = sql::Connection::open(text.toStdString(), mode, 1000);
        QVERIFY(!conn.isOk());
        QVERIFY2(
            qb(conn.message()).startsWith(qb("'" + text.toStdString() + "' is not an AdClick database (")),
            conn.message().c_str());
    }
}

void TestStoreSql::openForeignDatabase()
{
    const std::string path = m_dir.filePath("other.db").toStdString();
    QVERIFY(execPlain(path, "CREATE TABLE t(x)"));
    auto conn = sql::Connection::openReadOnly(path);
    QVERIFY(!conn.isOk());
    QVERIFY2(qb(conn.message()).startsWith(qb("'" + path + "' is not an AdClick database (")),
        conn.message().c_str());

    QVERIFY(execPlain(path, "CREATE TABLE meta(key TEXT PRIMARY KEY, value ANY)"));
    conn = sql::Connection::openReadOnly(path);
    QVERIFY(!conn.isOk());
    QCOMPARE(qb(conn.message()), qb("'" + path + "' is not an AdClick database (no meta.schema_version)"));
}

void TestStoreSql::openOtherSchemaVersion()
{
    const std::string path = makeDatabase("v3.db");
    const std::string next = std::to_string(kSchemaVersion + 1);
    QVERIFY(execPlain(path, ("UPDATE meta SET value = " + next + " WHERE key = 'schema_version'").c_str()));
    const std::string expected = "database '" + path + "' has schema version " + next
        + "; this adclick reads versions 1 to " + std::to_string(kSchemaVersion);
    auto conn = sql::Connection::openReadOnly(path);
    QVERIFY(!conn.isOk());
    QCOMPARE(qb(conn.message()), qb(expected));
    // The writer checks the same way, with the same words.
    auto store = Store::open(path, {});
    QVERIFY(!store.isOk());
    QCOMPARE(qb(store.message()), qb(expected));
}

void TestStoreSql::openOwnDatabase()
{
    const std::string path = makeDatabase("own.db");
    for (sql::OpenMode mode : { sql::OpenMode::ReadOnly, sql::OpenMode::ReadWrite }) {
        auto conn = sql::Connection::open(path, mode, 1000);
        QVERIFY2(conn.isOk(), conn.message().c_str());
        QVERIFY(conn->isOpen());
        sql::Connection moved = std::move(*conn);
        QVERIFY(moved.isOpen());
        QVERIFY(!conn->isOpen());
    }
}

void TestStoreSql::failedBeginIsReported()
{
    const std::string path = makeDatabase("txn.db");
    auto conn = sql::Connection::openReadOnly(path);
    QVERIFY2(conn.isOk(), conn.message().c_str());
    sql::ReadTransaction outer(*conn);
    QVERIFY2(outer.status().isOk(), outer.status().message().c_str());
    // A second BEGIN on the same connection fails: the guard says so instead of carrying on.
    sql::ReadTransaction inner(*conn);
    QVERIFY(!inner.status().isOk());
    QVERIFY2(qb(inner.status().message()).startsWith(qb("cannot read '" + path + "': ")),
        inner.status().message().c_str());
}

void TestStoreSql::savedFilterRows()
{
    const std::string path = makeDatabase("filters.db");
    auto conn = sql::Connection::open(path, sql::OpenMode::ReadWrite, 1000);
    QVERIFY2(conn.isOk(), conn.message().c_str());
    auto id = insertSavedFilter(*conn, "vip", "user_id=u1", SavedFilterState::Pending, 7);
    QVERIFY2(id.isOk(), id.message().c_str());
    auto again = insertSavedFilter(*conn, "vip", "user_id=u2", SavedFilterState::Pending, 8);
    QVERIFY(!again.isOk());
    QCOMPARE(qb(again.message()), QByteArray("a saved filter named 'vip' exists already"));

    QVERIFY(setSavedFilterState(*conn, *id, SavedFilterState::Dropping).isOk());
    auto rows = listSavedFilters(*conn);
    QVERIFY2(rows.isOk(), rows.message().c_str());
    QCOMPARE(rows->size(), std::size_t(1));
    QCOMPARE(rows->front().state, SavedFilterState::Dropping);
    QCOMPARE(rows->front().createdMs, int64_t(7));
    QCOMPARE(qb(savedFilterStates(*rows)), qb(std::to_string(*id) + ":dropping"));
    {
        // Stored as its text, which older and other tools read.
        sql::Stmt q(*conn, "SELECT state FROM saved_filters");
        QVERIFY(q.step());
        QCOMPARE(qb(std::string(q.text(0))), QByteArray("dropping"));
    }

    QVERIFY(execPlain(path, "UPDATE saved_filters SET state = 'paused'"));
    rows = listSavedFilters(*conn);
    QVERIFY(!rows.isOk());
    QVERIFY2(qb(rows.message()).contains("unknown state 'paused'"), rows.message().c_str());

    QVERIFY(removeSavedFilterRow(*conn, *id).isOk());
    rows = listSavedFilters(*conn);
    QVERIFY(rows.isOk());
    QVERIFY(rows->empty());
}

void TestStoreSql::bulkInsertWritesEveryRowOnce_data()
{
    QTest::addColumn<int>("rows");
    for (const int n :
        { 0, 1, sql::BulkInsert::kRows - 1, sql::BulkInsert::kRows, sql::BulkInsert::kRows + 1, 100 })
        QTest::addRow("%d rows", n) << n;
}

// Rows [begin, end) of a range written in two calls (as the commit does around its mid-transaction
// failpoint), half of them upserted onto rows that exist: each row lands once, at its own key,
// with its own values, whether it went in a full statement or one of the rest's.
void TestStoreSql::bulkInsertWritesEveryRowOnce()
{
    QFETCH(int, rows);
    const std::string path = makeDatabase(QString("bulk-%1.db").arg(rows));
    QVERIFY(execPlain(path, "CREATE TABLE t(k INTEGER PRIMARY KEY, name TEXT, n INTEGER)"));
    auto conn = sql::Connection::open(path, sql::OpenMode::ReadWrite, 1000);
    QVERIFY2(conn.isOk(), conn.message().c_str());
    QVERIFY(sql::exec(*conn,
        "WITH RECURSIVE s(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM s WHERE v < 60) "
        "INSERT INTO t(k, name, n) SELECT v * 2, 'old', 1000 FROM s")
                .isOk());
    sql::BulkInsert q(
        *conn, "INSERT INTO t(k, name, n) VALUES", 3, "ON CONFLICT DO UPDATE SET n = n + excluded.n");
    QVERIFY(q.ok());
    auto bindRow = [](sql::Stmt& s, int p, std::size_t i) {
        s.bind(p, int64_t(i)).bind(p + 1, "row " + std::to_string(i)).bind(p + 2, int64_t(i) * 10);
    };
    const std::size_t n = std::size_t(rows), half = n / 3;
    QVERIFY(q.run(0, half, bindRow));
    QVERIFY(q.run(half, n, bindRow));
    sql::Stmt read(*conn, "SELECT k, name, n FROM t ORDER BY k");
    for (int64_t k = 0; k <= std::max<int64_t>(120, rows - 1); ++k) {
        const bool old = k % 2 == 0 && k <= 120, written = k < rows;
        if (!old && !written) continue;
        QVERIFY(read.step());
        QCOMPARE(read.int64(0), k);
        QCOMPARE(qb(std::string(read.text(1))), qb(old ? "old" : "row " + std::to_string(k)));
        QCOMPARE(read.int64(2), (old ? 1000 : 0) + (written ? k * 10 : 0));
    }
    QVERIFY(!read.step());
}

QTEST_GUILESS_MAIN(TestStoreSql)
#include "tst_store_sql.moc"
