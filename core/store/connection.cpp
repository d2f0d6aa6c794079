#include "core/store/connection.h"

#include "core/store/sqlite_util.h"
#include "core/store/store_schema.h"

#include <cerrno>
#include <cstring>
#include <sqlite3.h>
#include <sys/stat.h>
#include <utility>

namespace adclick::core::sql {

namespace {

//! Readers wait this long for a lock (WAL: only checkpoints and recovery take one).
constexpr int kReaderBusyTimeoutMs = 5000;

//! Before SQLite sees the path: it would create a missing file, and says little about folders.
Status checkExistingFile(const std::string& path)
{
    struct stat st { };
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return Status::error("database '" + path + "' does not exist");
        return Status::error("cannot open database '" + path + "': " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) return Status::error("'" + path + "' is a folder, not an AdClick database");
    return Status::ok();
}

int openFlags(OpenMode mode)
{
    switch (mode) {
    case OpenMode::ReadOnly:
        return SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    case OpenMode::ReadWrite:
        return SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    case OpenMode::Create:
        break;
    }
    return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
}

} // namespace

Connection::~Connection()
{
    close();
}

Connection::Connection(Connection&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_path(std::move(other.m_path))
{ }

Connection& Connection::operator=(Connection&& other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

void Connection::close()
{
    // _v2: statements still open (none should be) keep the connection alive until finalised.
    if (m_db) sqlite3_close_v2(m_db);
    m_db = nullptr;
}

Result<Connection> Connection::open(const std::string& path, OpenMode mode, int busyTimeoutMs)
{
    using R = Result<Connection>;
    if (mode != OpenMode::Create)
        if (auto st = checkExistingFile(path); !st) return R(st);
    Connection conn;
    conn.m_path = path;
    const int rc = sqlite3_open_v2(path.c_str(), &conn.m_db, openFlags(mode), nullptr);
    if (rc != SQLITE_OK) return R::error(describe(conn, rc, "cannot open database '" + path + "'"));
    sqlite3_busy_timeout(conn.m_db, busyTimeoutMs);
    if (mode != OpenMode::Create)
        if (auto st = checkSchemaVersion(conn, false); !st) return R(st);
    return R(std::move(conn));
}

Result<Connection> Connection::openReadOnly(const std::string& path)
{
    return open(path, OpenMode::ReadOnly, kReaderBusyTimeoutMs);
}

int64_t Connection::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

void Connection::interrupt() const
{
    if (m_db) sqlite3_interrupt(m_db);
}

Status checkSchemaVersion(const Connection& conn, bool allowNew)
{
    const std::string& path = conn.path();
    Stmt v(conn, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!v.ok()) {
        const int code = sqlite3_errcode(conn.handle()) & 0xff;
        if (code == SQLITE_NOTADB || code == SQLITE_ERROR || code == SQLITE_CORRUPT)
            return Status::error(
                "'" + path + "' is not an AdClick database (" + sqlite3_errmsg(conn.handle()) + ")");
        return Status::error(describe(conn, code, "cannot read database '" + path + "'"));
    }
    if (!v.step()) {
        if (v.rc() != SQLITE_DONE)
            return Status::error(describe(conn, v.rc(), "cannot read database '" + path + "'"));
        if (allowNew) return Status::ok();
        return Status::error("'" + path + "' is not an AdClick database (no meta.schema_version)");
    }
    if (v.int64(0) != kSchemaVersion)
        return Status::error("database '" + path + "' has schema version " + std::string(v.text(0))
            + "; this adclick reads version " + std::to_string(kSchemaVersion));
    return Status::ok();
}

ReadTransaction::ReadTransaction(const Connection& conn)
    : m_conn(conn)
{
    if (auto st = exec(conn, "BEGIN"); !st)
        m_status = Status::error("cannot read '" + conn.path() + "': " + st.message());
}

ReadTransaction::~ReadTransaction()
{
    if (m_status) sqlite3_exec(m_conn.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

} // namespace adclick::core::sql
