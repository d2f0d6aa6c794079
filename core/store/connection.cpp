#include "core/store/connection.h"

#include "core/store/sqlite_util.h"
#include "core/store/store_schema.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
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

//! A `file:` URI for `path` (percent-encoded: '?', '#' and '%' are legal in file names).
std::string fileUri(const std::string& path, const char* query)
{
    static const char* kHex = "0123456789ABCDEF";
    std::string uri = "file:";
    for (const unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
            uri += static_cast<char>(c);
        } else {
            uri += '%';
            uri += kHex[c >> 4];
            uri += kHex[c & 15];
        }
    }
    return uri + "?" + query;
}

//! SQLite could not set up WAL reading: it needs to create or write `F-shm` (and `F-wal`).
bool needsWriteAccess(sqlite3* db)
{
    const int code = sqlite3_errcode(db) & 0xff;
    return code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM;
}

} // namespace

Connection::~Connection()
{
    close();
}

Connection::Connection(Connection&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_path(std::move(other.m_path))
    , m_readerLockFd(std::exchange(other.m_readerLockFd, -1))
{ }

Connection& Connection::operator=(Connection&& other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_readerLockFd = std::exchange(other.m_readerLockFd, -1);
    }
    return *this;
}

void Connection::close()
{
    // _v2: statements still open (none should be) keep the connection alive until finalised.
    if (m_db) sqlite3_close_v2(m_db);
    m_db = nullptr;
    if (m_readerLockFd >= 0) ::close(m_readerLockFd); // releases the shared flock
    m_readerLockFd = -1;
}

Result<Connection> Connection::open(const std::string& path, OpenMode mode, int busyTimeoutMs)
{
    using R = Result<Connection>;
    if (mode != OpenMode::Create)
        if (auto st = checkExistingFile(path); !st) return R(st);
    if (mode == OpenMode::ReadOnly) return openReader(path, busyTimeoutMs);
    Connection conn;
    conn.m_path = path;
    const int rc = sqlite3_open_v2(path.c_str(), &conn.m_db, openFlags(mode), nullptr);
    if (rc != SQLITE_OK) return R::error(describe(conn, rc, "cannot open database '" + path + "'"));
    sqlite3_busy_timeout(conn.m_db, busyTimeoutMs);
    if (mode == OpenMode::ReadWrite) {
        // Only the writer checkpoints: it syncs the raw segments first (Store::walHook), so
        // that after a power loss the database file is never ahead of them.
        sqlite3_wal_autocheckpoint(conn.m_db, 0);
        sqlite3_db_config(conn.m_db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    }
    if (mode != OpenMode::Create)
        if (auto st = checkSchemaVersion(conn, false); !st) return R(st);
    return R(std::move(conn));
}

Result<Connection> Connection::openReader(const std::string& path, int busyTimeoutMs)
{
    using R = Result<Connection>;
    Connection conn;
    conn.m_path = path;
    const int rc = sqlite3_open_v2(path.c_str(), &conn.m_db, openFlags(OpenMode::ReadOnly), nullptr);
    if (rc != SQLITE_OK) return R::error(describe(conn, rc, "cannot open database '" + path + "'"));
    sqlite3_busy_timeout(conn.m_db, busyTimeoutMs);
    Status st = checkSchemaVersion(conn, false);
    if (st) {
        // A small page cache: a query reads each page about once (and a commit by the writer
        // empties the cache anyway); recycled pages spare the page faults of ~2 MB of fresh
        // memory per CLI query (100 k-ad popular: 38 → 29 ms of CPU). No mmap: an I/O error
        // would then be a SIGBUS instead of an error message.
        sqlite3_exec(conn.m_db, "PRAGMA cache_size=100", nullptr, nullptr, nullptr);
        return R(std::move(conn));
    }
    if (!needsWriteAccess(conn.m_db)) return R(st);
    conn.close();
    return openImmutable(path);
}

Result<Connection> Connection::openImmutable(const std::string& path)
{
    using R = Result<Connection>;
    const std::string why = "'" + path
        + "' is in a place this user cannot write (SQLite needs to create or write '" + path + "-shm')";
    Connection conn;
    conn.m_path = path;
    // An ingest holds `F.lock` exclusively while it writes; an immutable reader must not read
    // under it, and holds a shared lock itself so that none starts meanwhile. No lock file: no
    // adclick writer has run in this place since it was copied here.
    const std::string lockPath = path + ".lock";
    conn.m_readerLockFd = ::open(lockPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (conn.m_readerLockFd >= 0 && ::flock(conn.m_readerLockFd, LOCK_SH | LOCK_NB) != 0)
        return R::error(why
            + ", and an adclick ingest is writing it now: read it when the ingest ends, "
              "or give this user write access to the folder");
    struct stat wal { };
    if (::stat((path + "-wal").c_str(), &wal) == 0 && wal.st_size > 0)
        return R::error(why + ", and '" + path
            + "-wal' holds commits that are not yet in the database file; they cannot be read "
              "without write access, so nothing is answered: run any adclick command on it once as a "
              "user who may write the folder, or copy the database with its -wal file elsewhere");
    const std::string uri = fileUri(path, "mode=ro&immutable=1");
    const int rc = sqlite3_open_v2(
        uri.c_str(), &conn.m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return R::error(describe(conn, rc, "cannot open database '" + path + "'"));
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
    if (v.int64(0) < kOldestReadableSchemaVersion || v.int64(0) > kSchemaVersion)
        return Status::error("database '" + path + "' has schema version " + std::string(v.text(0))
            + "; this adclick reads versions " + std::to_string(kOldestReadableSchemaVersion) + " to "
            + std::to_string(kSchemaVersion));
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
