#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace adclick::core::sql {

//! RAII prepared statement. Prepare failures are values (check ok()), not exceptions.
class Stmt {
public:
    Stmt() = default;
    Stmt(sqlite3* db, std::string_view sql);
    ~Stmt();
    Stmt(Stmt&& other) noexcept;
    Stmt& operator=(Stmt&& other) noexcept;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    bool ok() const { return m_stmt != nullptr; }
    sqlite3_stmt* get() const { return m_stmt; }

    Stmt& bind(int i, int64_t v);
    Stmt& bind(int i, std::string_view v); //!< SQLITE_TRANSIENT: the text is copied
    Stmt& bindBlob(int i, std::string_view v);
    //! SQLITE_ROW → true; SQLITE_DONE → false; an error is kept in rc().
    bool step();
    int rc() const { return m_rc; }
    void reset();

    int64_t int64(int col) const { return sqlite3_column_int64(m_stmt, col); }
    std::string_view text(int col) const;
    bool isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc = SQLITE_OK;
};

//! Runs one or more statements without results; an error carries SQLite's message.
Status exec(sqlite3* db, const char* sql);

//! BEGIN … COMMIT around a group of reads on a read-only connection, so they all see one
//! committed state (WAL: the writer is never blocked).
class ReadTransaction {
public:
    explicit ReadTransaction(sqlite3* db)
        : m_db(db)
    {
        sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr);
    }
    ~ReadTransaction() { sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr); }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;

private:
    sqlite3* m_db;
};

//! "<what>: <sqlite message>", with a plain-words hint for full disks and locks.
std::string describe(sqlite3* db, int rc, const std::string& what);

} // namespace adclick::core::sql
