#pragma once

#include "core/base/status.h"
#include "core/store/connection.h"

#include <cstdint>
#include <sqlite3.h>
#include <string>
#include <string_view>

namespace adclick::core::sql {

//! RAII prepared statement. Prepare failures are values (check ok()), not exceptions.
class Stmt {
public:
    Stmt() = default;
    Stmt(const Connection& conn, std::string_view sql);
    ~Stmt();
    Stmt(Stmt&& other) noexcept;
    Stmt& operator=(Stmt&& other) noexcept;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    bool ok() const { return m_stmt != nullptr; }

    Stmt& bind(int i, int64_t v);
    Stmt& bind(int i, std::string_view v); //!< SQLITE_TRANSIENT: the text is copied
    Stmt& bindBlob(int i, std::string_view v);
    Stmt& bindNull(int i);
    //! SQLITE_ROW → true; SQLITE_DONE → false; an error is kept in rc().
    bool step();
    //! Steps a statement that returns no rows: true when it completed (SQLITE_DONE).
    bool run();
    int rc() const { return m_rc; }
    void reset();

    int64_t int64(int col) const { return sqlite3_column_int64(m_stmt, col); }
    std::string_view text(int col) const;
    std::string_view blob(int col) const;
    bool isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc = SQLITE_OK;
};

//! Runs one or more statements without results; an error carries SQLite's message.
Status exec(const Connection& conn, const char* sql);

//! "<what>: <sqlite message>", with a plain-words hint for full disks and locks.
std::string describe(const Connection& conn, int rc, const std::string& what);

} // namespace adclick::core::sql
