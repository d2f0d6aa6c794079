#pragma once

#include <string>
#include <vector>

struct stat;

namespace adclick::core {

//! Files an ingest must never open as input: the database it writes and the files beside it
//! (-wal, -shm, -journal, .lock). They are no click log, and opening and closing one of them
//! would drop every POSIX lock SQLite holds on that file in this process (such locks belong to
//! the process and the file, not to the descriptor): another process could then take the WAL
//! index for abandoned and rebuild it under the writer, or checkpoint past it.
class OwnFiles {
public:
    OwnFiles() = default;
    //! The database at `dbPath` and its companions (they need not exist yet).
    static OwnFiles ofDatabase(const std::string& dbPath);

    //! True when `st` (of a file about to be opened) is one of them as they are now: compared by
    //! device and inode, so another name for the same file (a link, `./x.db`) is caught too.
    bool contains(const struct stat& st) const;
    //! The same for the file `path` leads to; false when it cannot be stat'ed.
    bool contains(const std::string& path) const;
    bool empty() const { return m_paths.empty(); }

private:
    std::vector<std::string> m_paths;
};

} // namespace adclick::core
