#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <string>

struct sqlite3;

namespace adclick::core::sql {

enum class OpenMode {
    ReadOnly, //!< an existing AdClick database, read-only (WAL: never blocks the writer)
    ReadWrite, //!< an existing AdClick database, for the small writes made beside the writer
    Create, //!< the writer's: created when missing; the caller creates the schema and checks it
};

//! One SQLite connection to an AdClick database; it closes itself. Use it from one thread at a
//! time (only interrupt() may be called from another).
class Connection {
public:
    Connection() = default;
    ~Connection();
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    //! Opens `path`; a statement waits up to `busyTimeoutMs` for another connection's lock.
    //! ReadOnly and ReadWrite never create a file, and say plainly what is wrong: "database 'F'
    //! does not exist", "'F' is a folder, not an AdClick database", "'F' is not an AdClick
    //! database (…)", or a schema version this build does not read.
    //! ReadOnly also works where SQLite cannot create or write `F-shm` (a read-only folder or
    //! file, another user's database): when no ingest holds `F.lock` and `F-wal` is empty or
    //! absent, the file is opened immutable, and a shared lock on `F.lock` is held until close()
    //! so that no ingest starts writing under it. Newer commits waiting in a non-empty `F-wal`
    //! cannot be read that way: the open is refused with a message, never answered stale.
    static Result<Connection> open(const std::string& path, OpenMode mode, int busyTimeoutMs);
    //! open(path, ReadOnly, …) with the readers' busy timeout.
    static Result<Connection> openReadOnly(const std::string& path);

    bool isOpen() const { return m_db != nullptr; }
    //! For the SQL helpers of the store (sqlite_util.h); null when not open.
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    int64_t lastInsertId() const;
    //! Makes the statement running now fail with SQLITE_INTERRUPT soon. Any thread.
    void interrupt() const;
    //! Closes now (the destructor does it otherwise).
    void close();

private:
    static Result<Connection> openReader(const std::string& path, int busyTimeoutMs);
    static Result<Connection> openImmutable(const std::string& path);

    sqlite3* m_db = nullptr;
    std::string m_path;
    int m_readerLockFd = -1; //!< shared flock on `F.lock` while opened immutable
};

//! The stored meta.schema_version must be the one this build reads. `allowNew`: a database that
//! has none yet (the writer just created it) passes.
Status checkSchemaVersion(const Connection& conn, bool allowNew);

//! BEGIN … COMMIT around a group of reads, so they all see one committed state (WAL: the writer
//! is never blocked). A failed BEGIN is reported by status() ("cannot read 'F': …"); the reads
//! must not go on then, they would each see a different state.
class ReadTransaction {
public:
    explicit ReadTransaction(const Connection& conn);
    ~ReadTransaction();
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;
    const Status& status() const { return m_status; }

private:
    const Connection& m_conn;
    Status m_status;
};

} // namespace adclick::core::sql
