#include "core/input/own_files.h"

#include <sys/stat.h>

namespace adclick::core {

OwnFiles OwnFiles::ofDatabase(const std::string& dbPath)
{
    OwnFiles own;
    for (const char* suffix : { "", "-wal", "-shm", "-journal", ".lock" })
        own.m_paths.push_back(dbPath + suffix);
    return own;
}

bool OwnFiles::contains(const struct stat& st) const
{
    // Stat'ed at each call: -wal and -journal come and go while the database is open.
    for (const std::string& path : m_paths) {
        struct stat own;
        if (::stat(path.c_str(), &own) == 0 && own.st_dev == st.st_dev && own.st_ino == st.st_ino)
            return true;
    }
    return false;
}

bool OwnFiles::contains(const std::string& path) const
{
    struct stat st;
    return !m_paths.empty() && ::stat(path.c_str(), &st) == 0 && contains(st);
}

} // namespace adclick::core
