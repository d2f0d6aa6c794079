#pragma once
// Which POSIX (fcntl) locks a process holds, from /proc/locks: the tests that check that reading
// input never drops the SQLite locks of the process that has the database open (own_files.h).

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <sys/stat.h>

namespace testsupport {

//! True when process `pid` holds a POSIX lock on `file`.
inline bool holdsPosixLock(qint64 pid, const QString& file)
{
    struct stat st;
    if (::stat(QFile::encodeName(file).constData(), &st) != 0) return false;
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly)) return false;
    // "1: POSIX  ADVISORY  READ 7824 fe:00:11526493 128 128": pid, then major:minor:inode.
    const QByteArray inode = ":" + QByteArray::number(qulonglong(st.st_ino));
    for (const QByteArray& line : locks.readAll().split('\n')) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() >= 6 && f[1] == "POSIX" && f[4].toLongLong() == pid && f[5].endsWith(inode)) return true;
    }
    return false;
}

} // namespace testsupport
