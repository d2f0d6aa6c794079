#pragma once
// Files for the input tests (tst_input_file, tst_source_list): made in a temporary directory, with
// content the test knows byte for byte.

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <array>
#include <fstream>
#include <string>

namespace inputtest {

inline QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

inline std::string join(const QTemporaryDir& dir, const std::string& name)
{
    return dir.path().toStdString() + "/" + name;
}

inline void writeFile(const std::string& path, const QByteArray& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.constData(), bytes.size());
    QVERIFY2(out.good(), path.c_str());
}

//! One gzip member, written with zlib (windowBits 16 + 15 = gzip wrapper).
inline QByteArray gzipMember(const QByteArray& data, int level = Z_DEFAULT_COMPRESSION)
{
    z_stream z {};
    if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
    QByteArray out(qsizetype(deflateBound(&z, uLong(data.size()))), Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return rc == Z_STREAM_END ? out : QByteArray();
}

//! `content` both as a plain file and as a gzip member: a reader must not tell them apart.
inline std::array<std::string, 2> writePlainAndGzip(const QTemporaryDir& dir, const std::string& plainName,
    const std::string& gzName, const QByteArray& content)
{
    const std::array<std::string, 2> paths { join(dir, plainName), join(dir, gzName) };
    writeFile(paths[0], content);
    writeFile(paths[1], gzipMember(content));
    return paths;
}

} // namespace inputtest
