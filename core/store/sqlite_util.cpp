#include "core/store/sqlite_util.h"

#include <utility>

namespace adclick::core::sql {

Stmt::Stmt(const Connection& conn, std::string_view text)
{
    m_rc = sqlite3_prepare_v3(conn.handle(), text.data(), static_cast<int>(text.size()),
        SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (m_rc != SQLITE_OK) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
}

Stmt::~Stmt()
{
    sqlite3_finalize(m_stmt);
}

Stmt::Stmt(Stmt&& other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr))
    , m_rc(other.m_rc)
{ }

Stmt& Stmt::operator=(Stmt&& other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_rc = other.m_rc;
    }
    return *this;
}

Stmt& Stmt::bind(int i, int64_t v)
{
    sqlite3_bind_int64(m_stmt, i, v);
    return *this;
}

Stmt& Stmt::bind(int i, std::string_view v)
{
    sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}

Stmt& Stmt::bindBlob(int i, std::string_view v)
{
    sqlite3_bind_blob(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
}

Stmt& Stmt::bindNull(int i)
{
    sqlite3_bind_null(m_stmt, i);
    return *this;
}

bool Stmt::step()
{
    m_rc = sqlite3_step(m_stmt);
    return m_rc == SQLITE_ROW;
}

bool Stmt::run()
{
    step();
    return m_rc == SQLITE_DONE;
}

void Stmt::reset()
{
    sqlite3_reset(m_stmt);
    m_rc = SQLITE_OK;
}

std::string_view Stmt::text(int col) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)))
             : std::string_view();
}

std::string_view Stmt::blob(int col) const
{
    const auto* p = static_cast<const char*>(sqlite3_column_blob(m_stmt, col));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)))
             : std::string_view();
}

namespace {

//! "head (?1, ?2), (?3, ?4) tail" for `rows` rows of `columns` values.
std::string bulkInsertSql(std::string_view head, int columns, int rows, std::string_view tail)
{
    std::string text(head);
    for (int r = 0; r < rows; ++r) {
        text += r ? ", (" : " (";
        for (int c = 0; c < columns; ++c)
            text += (c ? ", ?" : "?") + std::to_string(r * columns + c + 1);
        text += ')';
    }
    if (!tail.empty()) (text += ' ') += tail;
    return text;
}

} // namespace

BulkInsert::BulkInsert(const Connection& conn, std::string_view head, int columns, std::string_view tail)
    : m_columns(columns)
    , m_many(conn, bulkInsertSql(head, columns, kRows, tail))
    , m_one(conn, bulkInsertSql(head, columns, 1, tail))
{ }

Status exec(const Connection& conn, const char* text)
{
    char* err = nullptr;
    const int rc = sqlite3_exec(conn.handle(), text, nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::ok();
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Status::error(msg);
}

std::string describe(const Connection& conn, int rc, const std::string& what)
{
    sqlite3* db = conn.handle();
    std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    switch (rc & 0xff) {
    case SQLITE_FULL:
        msg += " (the disk is full: free space and run the same command again; nothing was lost)";
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        msg += " (another connection holds a lock on the database)";
        break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        msg += " (check that the database and its folder are writable)";
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        msg += " (the file is not a valid AdClick database)";
        break;
    default:
        break;
    }
    return msg;
}

} // namespace adclick::core::sql
