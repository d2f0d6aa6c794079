// Tests of InputFile (plain, gzip, zstd, stdin, FIFOs) against real files in a temporary
// directory, whose content the test knows byte for byte. Folders and their reading order:
// tst_source_list.

#include "input_file_support.h"

#include "core/input/decoders.h"
#include "core/input/input_file.h"
#include "core/input/rotated_copy.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace adclick::core;
using namespace inputtest;

Q_DECLARE_METATYPE(adclick::core::FileChange)

// Readable QCOMPARE failures (found by argument-dependent lookup).
namespace adclick::core {
char* toString(FileChange change)
{
    static const char* const names[] = { "Unchanged", "Grown", "Truncated", "Replaced", "Vanished" };
    return qstrdup(names[int(change)]);
}
char* toString(const Fingerprint& fp)
{
    return qstrdup(QByteArray("{length " + QByteArray::number(fp.length) + ", hash 0x"
        + QByteArray::number(qulonglong(fp.hash), 16) + "}")
                       .constData());
}
} // namespace adclick::core

namespace {

void appendFile(const std::string& path, const QByteArray& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out.write(bytes.constData(), bytes.size());
    QVERIFY2(out.good(), path.c_str());
}

//! Deterministic bytes of every value, NUL and invalid UTF-8 included.
QByteArray randomBytes(qsizetype size, unsigned seed)
{
    std::mt19937 rng(seed);
    QByteArray out(size, Qt::Uninitialized);
    for (auto& c : out)
        c = char(rng() & 0xff);
    return out;
}

//! Log-like lines: compress like real input, so gzip members span many deflate blocks.
QByteArray logLines(int count, unsigned seed)
{
    std::mt19937 rng(seed);
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out += "2024-05-01T12:00:" + QByteArray::number(i % 60)
            + "Z click ad=" + QByteArray::number(rng() % 5000) + " user=" + QByteArray::number(rng())
            + " seq=" + QByteArray::number(i) + "\n";
    return out;
}

//! One zstd frame of `data`, as `zstd` writes it.
QByteArray zstdFrame(const QByteArray& data)
{
    QByteArray out(qsizetype(ZSTD_compressBound(std::size_t(data.size()))), Qt::Uninitialized);
    const std::size_t n
        = ZSTD_compress(out.data(), std::size_t(out.size()), data.constData(), std::size_t(data.size()), 3);
    if (ZSTD_isError(n)) return {};
    out.resize(qsizetype(n));
    return out;
}

//! A zstd skippable frame (magic 0x184D2A50, then the payload's length, little-endian): readers
//! pass over it.
QByteArray zstdSkippableFrame(const QByteArray& payload)
{
    QByteArray out("\x50\x2a\x4d\x18", 4);
    const auto n = uint32_t(payload.size());
    for (int i = 0; i < 4; ++i)
        out += char((n >> (8 * i)) & 0xff);
    return out + payload;
}

struct ReadOutcome {
    QByteArray data;
    bool ok = true;
    std::string error;
};

//! Reads until the end of the data (read returns 0) or an error.
ReadOutcome readAll(InputFile& file, std::size_t bufferSize)
{
    ReadOutcome outcome;
    std::vector<char> buf(bufferSize);
    for (;;) {
        auto n = file.read(buf);
        if (!n) {
            outcome.ok = false;
            outcome.error = n.message();
            return outcome;
        }
        if (*n == 0) return outcome;
        if (*n > bufferSize) { // would be a buffer overrun
            outcome.ok = false;
            outcome.error = "read returned more than the buffer";
            return outcome;
        }
        outcome.data.append(buf.data(), qsizetype(*n));
    }
}

std::unique_ptr<InputFile> openOk(const std::string& path)
{
    auto r = InputFile::open(path);
    if (!r) {
        qWarning("open failed: %s", r.message().c_str());
        return nullptr;
    }
    return std::move(r.value());
}

//! Writes `bytes` to `path` and opens it (null, with a warning, when it cannot be opened).
std::unique_ptr<InputFile> writeAndOpen(const std::string& path, const QByteArray& bytes)
{
    writeFile(path, bytes);
    return openOk(path);
}

//! Reads `file` to its end through `bufferSize`-byte reads: it gives exactly `content`, and the
//! offset ends at the end of it.
void checkReadsExactly(InputFile& file, std::size_t bufferSize, const QByteArray& content)
{
    const ReadOutcome r = readAll(file, bufferSize);
    QVERIFY2(r.ok, r.error.c_str());
    QCOMPARE(r.data.size(), content.size());
    QVERIFY(r.data == content);
    QCOMPARE(file.offset(), uint64_t(content.size()));
}

Fingerprint expectedFingerprint(const QByteArray& content)
{
    const auto len = uint32_t(std::min<qsizetype>(content.size(), kFingerprintBytes));
    return Fingerprint { len, fingerprintHash(content.constData(), len) };
}

//! Puts a pipe holding `data` (then closed) on fd 0 for the lifetime of the object.
class StdinFromPipe {
public:
    explicit StdinFromPipe(const QByteArray& data)
    {
        int fds[2];
        if (::pipe(fds) != 0) return;
        // Small enough for the pipe buffer: the write cannot block.
        m_ok = ::write(fds[1], data.constData(), size_t(data.size())) == data.size();
        ::close(fds[1]);
        m_saved = ::dup(STDIN_FILENO);
        m_ok = m_ok && m_saved >= 0 && ::dup2(fds[0], STDIN_FILENO) == STDIN_FILENO;
        ::close(fds[0]);
    }
    ~StdinFromPipe()
    {
        if (m_saved >= 0) {
            ::dup2(m_saved, STDIN_FILENO);
            ::close(m_saved);
        }
    }
    bool ok() const { return m_ok; }

private:
    int m_saved = -1;
    bool m_ok = false;
};

} // namespace

class TestInputFile : public QObject {
    Q_OBJECT

private slots:
    void fingerprintHashIsFnv1a();

    void plainReadEqualsContent_data();
    void plainReadEqualsContent();
    void emptyFile();
    void byteTransparent();
    void growingFileIsFollowed();
    void truncatedUnderTheReader();
    void plainSeek();

    void openErrors();
    void stdinStream();
    void detectsGzipByMagicNotName();

    void gzipReadEqualsContent_data();
    void gzipReadEqualsContent();
    void gzipMultiMember();
    void gzipMultiMemberWithGzipTool();
    void gzipTrailingZeroPadding();
    void gzipCorrupt_data();
    void gzipCorrupt();
    void gzipTruncated_data();
    void gzipTruncated();
    void gzipSeek();

    void fingerprintLength_data();
    void fingerprintLength();
    void fingerprintStableAcrossRenameAndCompression();
    void fingerprintDiffersForDifferentContent();
    void fingerprintKeepsReadPosition();
    void fingerprintGrowsWithTheFile();
    void fingerprintOfCutGzip();

    void checkChange_data();
    void checkChange();
    void checkChangeOfGzipIsUnchanged();

    void zstdFramesReadAsOneStream();
    void zstdTruncatedOrCorrupt();
    void otherCompressionsAreRefused();
    void contentSizeIsEstimatedWithoutReading();
    void truncatedAndRewrittenLongerIsSeenByItsHead();
    void rotatedCopyIsFoundByContent();
    void fifoWithoutWriterIsWaitedForInterruptibly();

    void tenMegabyteLine_data();
    void tenMegabyteLine();
};

void TestInputFile::fingerprintHashIsFnv1a()
{
    // Published FNV-1a 64 vectors: the hash is stored, so it must never drift.
    QCOMPARE(fingerprintHash("", 0), 0xcbf29ce484222325ull);
    QCOMPARE(fingerprintHash("a", 1), 0xaf63dc4c8601ec8cull);
    QCOMPARE(fingerprintHash("foobar", 6), 0x85944171f73967e8ull);
}

void TestInputFile::plainReadEqualsContent_data()
{
    QTest::addColumn<qsizetype>("contentSize");
    QTest::addColumn<qsizetype>("bufferSize");
    QTest::newRow("1-byte buffer") << qsizetype(5000) << qsizetype(1);
    QTest::newRow("7-byte buffer") << qsizetype(100003) << qsizetype(7);
    QTest::newRow("4 KiB buffer") << qsizetype(1 << 20) << qsizetype(4096);
    QTest::newRow("1 MiB buffer, uneven size") << qsizetype((3 << 20) + 7) << qsizetype(1 << 20);
    QTest::newRow("8 MiB buffer, smaller file") << qsizetype(3 << 20) << qsizetype(8 << 20);
    QTest::newRow("8 MiB buffer, larger file") << qsizetype((17 << 20) + 1) << qsizetype(8 << 20);
}

void TestInputFile::plainReadEqualsContent()
{
    QFETCH(qsizetype, contentSize);
    QFETCH(qsizetype, bufferSize);
    QTemporaryDir dir;
    const auto path = join(dir, "plain.log");
    const QByteArray content = randomBytes(contentSize, 1);
    auto file = writeAndOpen(path, content);
    QVERIFY(file);
    QCOMPARE(qs(file->path()), qs(path));
    QVERIFY(!file->compressed());
    QVERIFY(file->seekable());
    checkReadsExactly(*file, std::size_t(bufferSize), content);
    QCOMPARE(file->checkChange(), FileChange::Unchanged);
}

void TestInputFile::emptyFile()
{
    QTemporaryDir dir;
    const auto path = join(dir, "empty.log");
    auto file = writeAndOpen(path, {});
    QVERIFY(file);
    QVERIFY(!file->compressed());
    char buf[16];
    auto n = file->read(buf);
    QVERIFY(n);
    QCOMPARE(*n, std::size_t(0));
    QCOMPARE(file->offset(), uint64_t(0));
    auto fp = file->fingerprint();
    QVERIFY(fp);
    QCOMPARE(fp->length, 0u);
    QCOMPARE(fp->hash, fingerprintHash(nullptr, 0));
    QVERIFY(file->seek(0));
    QVERIFY(!file->seek(1));
}

void TestInputFile::byteTransparent()
{
    // NUL, CR, invalid UTF-8 (lone continuation, overlong, 0xff), no trailing newline.
    static const char evil[] = "a\0b\r\nc\xc3\x28\xff\xfe\x80\xc0\xaf\n\0\0\0tail";
    QByteArray content(evil, sizeof evil - 1); // (sizeof counts the terminating NUL)
    for (int i = 0; i < 256; ++i)
        content += char(i);
    QTemporaryDir dir;
    for (const auto& path : writePlainAndGzip(dir, "evil.log", "evil.log.gz", content)) {
        auto file = openOk(path);
        QVERIFY(file);
        const ReadOutcome r = readAll(*file, 3);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.data == content);
    }
}

void TestInputFile::growingFileIsFollowed()
{
    QTemporaryDir dir;
    const auto path = join(dir, "live.log");
    const QByteArray first = logLines(100, 1);
    const QByteArray second = "a partial line without newline";
    const QByteArray third = logLines(50, 2);
    auto file = writeAndOpen(path, first);
    QVERIFY(file);
    ReadOutcome r = readAll(*file, 1 << 20);
    QVERIFY(r.ok && r.data == first);
    char buf[64];
    QCOMPARE(*file->read(buf), std::size_t(0)); // at EOF, and again
    QCOMPARE(file->checkChange(), FileChange::Unchanged);

    appendFile(path, second);
    QCOMPARE(file->checkChange(), FileChange::Grown);
    r = readAll(*file, 1 << 20);
    QVERIFY(r.ok && r.data == second);

    appendFile(path, third);
    r = readAll(*file, 7);
    QVERIFY(r.ok && r.data == third);
    QCOMPARE(file->offset(), uint64_t(first.size() + second.size() + third.size()));
    QCOMPARE(file->checkChange(), FileChange::Unchanged);
}

void TestInputFile::truncatedUnderTheReader()
{
    // copytruncate rotation: the file is cut to 0 while we read, then written again.
    QTemporaryDir dir;
    const auto path = join(dir, "live.log");
    auto file = writeAndOpen(path, logLines(1000, 3));
    QVERIFY(file);
    std::vector<char> buf(4096);
    QVERIFY(*file->read(buf) > 0);
    QVERIFY(::truncate(path.c_str(), 0) == 0);
    QCOMPARE(file->checkChange(), FileChange::Truncated);
    QCOMPARE(*file->read(buf), std::size_t(0));

    const QByteArray fresh = logLines(10, 4);
    appendFile(path, fresh);
    QVERIFY(file->seek(0));
    QCOMPARE(file->offset(), uint64_t(0));
    const ReadOutcome r = readAll(*file, 100);
    QVERIFY(r.ok && r.data == fresh);
}

void TestInputFile::truncatedAndRewrittenLongerIsSeenByItsHead()
{
    // copytruncate between two polls: truncated, then more written than we had read. The size
    // says "grown"; only the first bytes show that this is not the content we were reading.
    QTemporaryDir dir;
    const auto path = join(dir, "live.log");
    const QByteArray old = logLines(100, 3);
    auto file = writeAndOpen(path, old);
    QVERIFY(file);
    QVERIFY(readAll(*file, 4096).data == old);
    const std::string head(old.constData(), std::min<qsizetype>(old.size(), kFingerprintBytes));
    QCOMPARE(file->checkChange(head), FileChange::Unchanged);
    appendFile(path, logLines(5, 3));
    QCOMPARE(file->checkChange(head), FileChange::Grown); // an append keeps the head
    QVERIFY(::truncate(path.c_str(), 0) == 0);
    appendFile(path, logLines(300, 4));
    QCOMPARE(file->checkChange(), FileChange::Grown); // what size alone concludes
    QCOMPARE(file->checkChange(head), FileChange::Truncated);
}

void TestInputFile::rotatedCopyIsFoundByContent()
{
    QTemporaryDir dir;
    const QByteArray older = logLines(200, 5), copied = logLines(200, 6), current = logLines(3, 7);
    writeFile(join(dir, "app.log"), current);
    writeFile(join(dir, "app.log.1"), copied);
    writeFile(join(dir, "app.log.2.gz"), gzipMember(older));
    writeFile(join(dir, "other.log"), copied); // same content, another log's name: not a copy
    auto fp = [](const QByteArray& content) {
        const auto n = std::min<qsizetype>(content.size(), kFingerprintBytes);
        return Fingerprint { uint32_t(n), fingerprintHash(content.constData(), std::size_t(n)) };
    };
    const std::string live = join(dir, "app.log");
    QCOMPARE(qs(findRotatedCopy(live, fp(copied), 100, {}).value_or("-")), qs(join(dir, "app.log.1")));
    QCOMPARE(qs(findRotatedCopy(live, fp(older), uint64_t(older.size()), {}).value_or("-")),
        qs(join(dir, "app.log.2.gz")));
    // Shorter than the offset to finish from: not the file we read.
    QVERIFY(!findRotatedCopy(live, fp(copied), uint64_t(copied.size()) + 1, {}));
    QVERIFY(!findRotatedCopy(live, fp(logLines(200, 8)), 0, {}));
    QVERIFY(!findRotatedCopy(live, fp(current), 0, {})); // the file itself is never its own copy
    QVERIFY(!findRotatedCopy(live, Fingerprint {}, 0, {})); // an empty fingerprint identifies nothing
    // The files of the database being written are never candidates (nor opened): here app.log.1
    // plays the database. The others still are.
    const OwnFiles own = OwnFiles::ofDatabase(join(dir, "app.log.1"));
    QVERIFY(!findRotatedCopy(live, fp(copied), 100, own));
    QCOMPARE(qs(findRotatedCopy(live, fp(older), uint64_t(older.size()), own).value_or("-")),
        qs(join(dir, "app.log.2.gz")));
}

void TestInputFile::fifoWithoutWriterIsWaitedForInterruptibly()
{
    // Opening a FIFO with no writer returns at once; the wait for data is in bounded steps.
    QTemporaryDir dir;
    const auto path = join(dir, "in.fifo");
    QCOMPARE(::mkfifo(path.c_str(), 0600), 0);
    auto opening = std::async(std::launch::async, [&] { return InputFile::open(path); });
    const bool opened = opening.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    if (!opened) { // unblock the old behaviour's open(), then fail
        const int w = ::open(path.c_str(), O_WRONLY);
        opening.wait();
        ::close(w);
    }
    QVERIFY2(opened, "open() of a FIFO without a writer blocked");
    auto file = std::move(*opening.get());
    QVERIFY(!file->seekable());
    QCOMPARE(*file->waitReadable(50), false);
    const int w = ::open(path.c_str(), O_WRONLY);
    QVERIFY(w >= 0);
    QCOMPARE(::write(w, "ab\n", 3), ssize_t(3));
    QCOMPARE(*file->waitReadable(5000), true);
    char buf[16];
    QCOMPARE(*file->read(buf), std::size_t(3));
    QCOMPARE(*file->waitReadable(50), false); // the writer is still there, with nothing to say
    ::close(w);
    QCOMPARE(*file->waitReadable(5000), true);
    QCOMPARE(*file->read(buf), std::size_t(0)); // the end
}

void TestInputFile::plainSeek()
{
    QTemporaryDir dir;
    const auto path = join(dir, "seek.log");
    const QByteArray content = randomBytes(100000, 5);
    auto file = writeAndOpen(path, content);
    QVERIFY(file);

    QVERIFY(file->seek(12345));
    QCOMPARE(file->offset(), uint64_t(12345));
    ReadOutcome r = readAll(*file, 1000);
    QVERIFY(r.ok && r.data == content.mid(12345));

    QVERIFY(file->seek(10)); // backwards
    std::vector<char> buf(5);
    QCOMPARE(*file->read(buf), std::size_t(5));
    QVERIFY(QByteArray(buf.data(), 5) == content.mid(10, 5));
    QCOMPARE(file->offset(), uint64_t(15));

    QVERIFY(file->seek(uint64_t(content.size()))); // exactly the end is fine
    QCOMPARE(*file->read(buf), std::size_t(0));

    const Status s = file->seek(uint64_t(content.size()) + 1);
    QVERIFY(!s);
    QVERIFY2(s.message().find(path) != std::string::npos, s.message().c_str());
    QVERIFY2(s.message().find("100000") != std::string::npos, s.message().c_str());
}

void TestInputFile::openErrors()
{
    QTemporaryDir dir;
    const auto missing = join(dir, "missing.log");
    auto r = InputFile::open(missing);
    QVERIFY(!r);
    QCOMPARE(qs(r.message()), qs("cannot open '" + missing + "': No such file or directory"));

    r = InputFile::open(dir.path().toStdString());
    QVERIFY(!r);
    QCOMPARE(qs(r.message()), qs("'" + dir.path().toStdString() + "' is a directory"));

    // UTF-16 text (Excel's "Unicode text", PowerShell's `>`), either byte order: refused with
    // how to convert it, not read as lines of binary bytes. A file of one such byte is not.
    for (const char* bom : { "\xff\xfe", "\xfe\xff" }) {
        const auto utf16 = join(dir, "unicode.txt");
        writeFile(utf16, QByteArray(bom) + QByteArray("a\0d\0\n\0", 6));
        r = InputFile::open(utf16);
        QVERIFY(!r);
        QCOMPARE(qs(r.message()),
            qs("'" + utf16
                + "' is UTF-16 text (it starts with a UTF-16 byte order mark); click logs are read "
                + "as UTF-8: convert it (iconv -f UTF-16 -t UTF-8 '" + utf16 + "' > '" + utf16
                + ".utf8') and read the converted file instead"));
    }
    const auto oneByte = join(dir, "one-byte.log");
    writeFile(oneByte, "\xff");
    QVERIFY(InputFile::open(oneByte));

    if (::geteuid() != 0) { // root reads anything
        const auto locked = join(dir, "locked.log");
        writeFile(locked, "x\n");
        QVERIFY(::chmod(locked.c_str(), 0) == 0);
        r = InputFile::open(locked);
        QVERIFY(!r);
        QCOMPARE(qs(r.message()), qs("cannot open '" + locked + "': Permission denied"));
    }
}

void TestInputFile::stdinStream()
{
    const QByteArray content = QByteArray("from stdin\n\0\xff", 13) + logLines(100, 6);
    QVERIFY(content.size() < 16384); // fits a pipe buffer
    StdinFromPipe stdinPipe(content);
    QVERIFY(stdinPipe.ok());
    {
        auto file = openOk("-");
        QVERIFY(file);
        QCOMPARE(qs(file->path()), QString("-"));
        QVERIFY(!file->seekable());
        QVERIFY(!file->compressed());
        auto fp = file->fingerprint();
        QVERIFY(!fp);
        QVERIFY2(fp.message().find("stdin") != std::string::npos, fp.message().c_str());
        QVERIFY2(fp.message().find("not seekable") != std::string::npos, fp.message().c_str());
        QVERIFY(!file->seek(0));
        checkReadsExactly(*file, 10, content);
        QCOMPARE(file->checkChange(), FileChange::Unchanged);
    }
    // Closing the InputFile must not close the process's stdin.
    QVERIFY(::fcntl(STDIN_FILENO, F_GETFD) != -1);
}

void TestInputFile::detectsGzipByMagicNotName()
{
    QTemporaryDir dir;
    const QByteArray content = logLines(200, 7);
    const auto gzNamedLog = join(dir, "rotated.log");
    const auto plainNamedGz = join(dir, "plain.gz");
    const auto lone1f = join(dir, "one-byte");
    writeFile(gzNamedLog, gzipMember(content));
    writeFile(plainNamedGz, content);
    writeFile(lone1f, "\x1f");

    auto file = openOk(gzNamedLog);
    QVERIFY(file && file->compressed());
    QVERIFY(file->seekable());
    QVERIFY(readAll(*file, 4096).data == content);

    file = openOk(plainNamedGz);
    QVERIFY(file && !file->compressed());
    QVERIFY(readAll(*file, 4096).data == content);

    file = openOk(lone1f);
    QVERIFY(file && !file->compressed());
    QVERIFY(readAll(*file, 4096).data == "\x1f");
}

void TestInputFile::gzipReadEqualsContent_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("level");
    QTest::addColumn<qsizetype>("bufferSize");
    QTest::newRow("empty content") << QByteArray() << 6 << qsizetype(4096);
    QTest::newRow("lines, 1-byte buffer") << logLines(300, 8) << 6 << qsizetype(1);
    QTest::newRow("lines, 13-byte buffer") << logLines(5000, 9) << 9 << qsizetype(13);
    QTest::newRow("lines, 1 MiB buffer") << logLines(100000, 10) << 6 << qsizetype(1 << 20);
    QTest::newRow("stored blocks, 8 MiB buffer") << randomBytes(3 << 20, 11) << 0 << qsizetype(8 << 20);
    QTest::newRow("random, 64 KiB buffer") << randomBytes((1 << 20) + 3, 12) << 1 << qsizetype(1 << 16);
}

void TestInputFile::gzipReadEqualsContent()
{
    QFETCH(QByteArray, content);
    QFETCH(int, level);
    QFETCH(qsizetype, bufferSize);
    QTemporaryDir dir;
    const auto path = join(dir, "data.gz");
    const QByteArray gz = gzipMember(content, level);
    QVERIFY(!gz.isEmpty());
    auto file = writeAndOpen(path, gz);
    QVERIFY(file);
    QVERIFY(file->compressed());
    checkReadsExactly(*file, std::size_t(bufferSize), content);
    char buf[8];
    QCOMPARE(*file->read(buf), std::size_t(0)); // the end stays the end
}

void TestInputFile::gzipMultiMember()
{
    QTemporaryDir dir;
    const auto path = join(dir, "multi.gz");
    const QByteArray a = "tiny first member\n";
    const QByteArray b = logLines(20000, 13);
    const QByteArray empty;
    const QByteArray c = randomBytes(70000, 14);
    writeFile(path, gzipMember(a) + gzipMember(b) + gzipMember(empty) + gzipMember(c, 0));
    const QByteArray content = a + b + empty + c;

    for (std::size_t bufferSize : { std::size_t(1), std::size_t(999), std::size_t(1 << 20) }) {
        auto file = openOk(path);
        QVERIFY(file);
        const ReadOutcome r = readAll(*file, bufferSize);
        QVERIFY2(r.ok, r.error.c_str());
        QVERIFY(r.data == content);
    }

    // Seeks cross member boundaries both ways.
    auto file = openOk(path);
    QVERIFY(file);
    for (uint64_t target : { uint64_t(a.size() + 5), uint64_t(a.size() + b.size() + 1), uint64_t(3) }) {
        QVERIFY(file->seek(target));
        QCOMPARE(file->offset(), target);
        std::vector<char> buf(100);
        QCOMPARE(*file->read(buf), std::size_t(100));
        QVERIFY(QByteArray(buf.data(), 100) == content.mid(qsizetype(target), 100));
    }

    // The fingerprint spans members: the first one is shorter than kFingerprintBytes.
    auto fp = file->fingerprint();
    QVERIFY(fp);
    QCOMPARE(*fp, expectedFingerprint(content));
}

void TestInputFile::gzipMultiMemberWithGzipTool()
{
    // Exactly how rotation scripts build them: gzip -c a >> f; gzip -c b >> f.
    const QString gzip = QStandardPaths::findExecutable("gzip");
    if (gzip.isEmpty()) QSKIP("gzip not installed");
    QTemporaryDir dir;
    const QByteArray a = logLines(3000, 15);
    const QByteArray b = logLines(10, 16);
    writeFile(join(dir, "a"), a);
    writeFile(join(dir, "b"), b);
    const QString target = dir.filePath("f");
    for (const char* part : { "a", "b" }) {
        QProcess p;
        p.setStandardOutputFile(target, QIODevice::Append);
        p.start(gzip, { "-c", dir.filePath(part) });
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
    }
    auto file = openOk(target.toStdString());
    QVERIFY(file && file->compressed());
    const ReadOutcome r = readAll(*file, 4096);
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.data == a + b);
}

void TestInputFile::gzipTrailingZeroPadding()
{
    QTemporaryDir dir;
    const QByteArray content = logLines(100, 17);
    const auto padded = join(dir, "padded.gz");
    auto file = writeAndOpen(padded, gzipMember(content) + QByteArray(512, '\0'));
    QVERIFY(file);
    ReadOutcome r = readAll(*file, 4096);
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.data == content);

    // Data after the padding is not padding.
    const auto garbage = join(dir, "garbage.gz");
    file = writeAndOpen(garbage, gzipMember(content) + QByteArray(16, '\0') + "x");
    QVERIFY(file);
    r = readAll(*file, 4096);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.rfind("corrupt gzip data in '" + garbage + "'", 0) == 0, r.error.c_str());
}

void TestInputFile::gzipCorrupt_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("byte flipped in the middle") << "flip";
    QTest::newRow("plain text appended to a .gz") << "append";
    QTest::newRow("crc damaged") << "crc";
}

void TestInputFile::gzipCorrupt()
{
    QFETCH(QString, how);
    QTemporaryDir dir;
    const auto path = join(dir, "corrupt.gz");
    const QByteArray content = logLines(50000, 18);
    QByteArray gz = gzipMember(content);
    if (how == "flip")
        gz[gz.size() / 2] = char(gz[gz.size() / 2] ^ 0xff);
    else if (how == "append")
        gz += "2024-05-01 a plain line appended to a compressed file\n";
    else
        gz[gz.size() - 8] = char(gz[gz.size() - 8] ^ 0x01); // the CRC32 of the trailer
    auto file = writeAndOpen(path, gz);
    QVERIFY(file);
    const ReadOutcome r = readAll(*file, 4096);
    QVERIFY(!r.ok);
    const std::string prefix = "corrupt gzip data in '" + path + "' near compressed offset ";
    QVERIFY2(r.error.rfind(prefix, 0) == 0, r.error.c_str());
    const std::string rest = r.error.substr(prefix.size());
    const auto colon = rest.find(": ");
    QVERIFY2(colon != std::string::npos && colon > 0, r.error.c_str());
    const uint64_t at = std::stoull(rest.substr(0, colon));
    QVERIFY2(at <= uint64_t(gz.size()), r.error.c_str());
    if (how == "flip") QVERIFY2(at >= uint64_t(gz.size() / 2), r.error.c_str()); // found after the damage
    QVERIFY(rest.size() > colon + 2); // zlib's message

    // The error stays: nothing past the damage is ever returned as data.
    char buf[16];
    auto again = file->read(buf);
    QVERIFY(!again);
    QCOMPARE(qs(again.message()), qs(r.error));
    QVERIFY(!file->seek(file->offset() + 1));

    // A fresh pass from the start meets the same error again.
    QVERIFY(file->seek(0));
    const ReadOutcome second = readAll(*file, 1 << 20);
    QVERIFY(!second.ok);
    QCOMPARE(qs(second.error), qs(r.error));
}

void TestInputFile::gzipTruncated_data()
{
    QTest::addColumn<int>("cut"); // bytes kept; negative: bytes dropped from the end
    QTest::addColumn<bool>("twoMembers");
    QTest::newRow("magic only") << 2 << false;
    QTest::newRow("header only") << 10 << false;
    QTest::newRow("middle") << 0 << false;
    QTest::newRow("no trailer") << -8 << false;
    QTest::newRow("half a trailer") << -3 << false;
    QTest::newRow("second member cut") << -100 << true;
}

void TestInputFile::gzipTruncated()
{
    QFETCH(int, cut);
    QFETCH(bool, twoMembers);
    QTemporaryDir dir;
    const auto path = join(dir, "cut.gz");
    const QByteArray content = logLines(20000, 19);
    QByteArray gz = gzipMember(content);
    if (twoMembers) gz += gzipMember(logLines(20000, 20));
    if (cut > 0)
        gz.truncate(cut);
    else if (cut < 0)
        gz.chop(-cut);
    else
        gz.truncate(gz.size() / 2);
    auto file = writeAndOpen(path, gz);
    QVERIFY(file && file->compressed());
    const ReadOutcome r = readAll(*file, 65536);
    QVERIFY(!r.ok);
    QCOMPARE(qs(r.error), qs("truncated gzip file '" + path + "'"));
    // What came before the cut is the true content.
    QVERIFY(content.startsWith(r.data.left(content.size())));
    if (twoMembers) QVERIFY(r.data.startsWith(content));
    QCOMPARE(file->offset(), uint64_t(r.data.size()));
}

void TestInputFile::gzipSeek()
{
    QTemporaryDir dir;
    const auto path = join(dir, "seek.gz");
    const QByteArray content = logLines(30000, 21);
    auto file = writeAndOpen(path, gzipMember(content));
    QVERIFY(file);

    std::vector<char> buf(1000);
    QVERIFY(file->seek(200000));
    QCOMPARE(file->offset(), uint64_t(200000));
    QCOMPARE(*file->read(buf), buf.size());
    QVERIFY(QByteArray(buf.data(), 1000) == content.mid(200000, 1000));

    QVERIFY(file->seek(500000)); // forward from the current position
    QCOMPARE(*file->read(buf), buf.size());
    QVERIFY(QByteArray(buf.data(), 1000) == content.mid(500000, 1000));

    QVERIFY(file->seek(7)); // backward: from the start again
    ReadOutcome r = readAll(*file, 1 << 16);
    QVERIFY(r.ok && r.data == content.mid(7));

    QVERIFY(file->seek(uint64_t(content.size())));
    QCOMPARE(*file->read(buf), std::size_t(0));

    const Status s = file->seek(uint64_t(content.size()) + 1);
    QVERIFY(!s);
    QVERIFY2(s.message().find(path) != std::string::npos, s.message().c_str());
    QVERIFY2(s.message().find(std::to_string(content.size())) != std::string::npos, s.message().c_str());

    QVERIFY(file->seek(0)); // usable again after a failed seek
    r = readAll(*file, 1 << 20);
    QVERIFY(r.ok && r.data == content);
}

void TestInputFile::fingerprintLength_data()
{
    QTest::addColumn<qsizetype>("size");
    for (qsizetype size : { 0, 1, 100, 4095, 4096, 4097, 100000 })
        QTest::newRow(qPrintable(QString::number(size) + " bytes")) << size;
}

void TestInputFile::fingerprintLength()
{
    QFETCH(qsizetype, size);
    QTemporaryDir dir;
    const QByteArray content = randomBytes(size, 22);
    for (const auto& path : writePlainAndGzip(dir, "f.log", "f.log.gz", content)) {
        auto file = openOk(path);
        QVERIFY(file);
        auto fp = file->fingerprint();
        QVERIFY2(fp, fp.message().c_str());
        QCOMPARE(fp->length, uint32_t(std::min<qsizetype>(size, kFingerprintBytes)));
        QCOMPARE(*fp, expectedFingerprint(content));
    }
}

void TestInputFile::fingerprintStableAcrossRenameAndCompression()
{
    QTemporaryDir dir;
    const QByteArray content = logLines(1000, 23);
    const auto path = join(dir, "app.log");
    writeFile(path, content);
    auto before = openOk(path)->fingerprint();
    QVERIFY(before);

    const auto rotated = join(dir, "app.log.1");
    QVERIFY(::rename(path.c_str(), rotated.c_str()) == 0);
    auto afterRename = openOk(rotated)->fingerprint();
    QVERIFY(afterRename);
    QCOMPARE(*afterRename, *before);

    const auto compressed = join(dir, "app.log.2.gz");
    writeFile(compressed, gzipMember(content, 9));
    auto afterGzip = openOk(compressed)->fingerprint();
    QVERIFY(afterGzip);
    QCOMPARE(*afterGzip, *before);
    QCOMPARE(before->length, kFingerprintBytes);
}

void TestInputFile::fingerprintDiffersForDifferentContent()
{
    QTemporaryDir dir;
    QByteArray a = logLines(1000, 24);
    QByteArray b = a;
    b[4095] = char(b[4095] ^ 1); // the last fingerprinted byte
    QByteArray c = a;
    c[4096] = char(c[4096] ^ 1); // past the fingerprint: same file start, same identity
    writeFile(join(dir, "a"), a);
    writeFile(join(dir, "b"), b);
    writeFile(join(dir, "c"), c);
    const auto fa = *openOk(join(dir, "a"))->fingerprint();
    const auto fb = *openOk(join(dir, "b"))->fingerprint();
    const auto fc = *openOk(join(dir, "c"))->fingerprint();
    QCOMPARE(fa.length, fb.length);
    QVERIFY(fa.hash != fb.hash);
    QCOMPARE(fa, fc);
}

void TestInputFile::fingerprintKeepsReadPosition()
{
    QTemporaryDir dir;
    const QByteArray content = logLines(5000, 25);
    for (const auto& path : writePlainAndGzip(dir, "p.log", "p.gz", content)) {
        auto file = openOk(path);
        QVERIFY(file);
        std::vector<char> buf(1234);
        QCOMPARE(*file->read(buf), buf.size());
        QByteArray got(buf.data(), qsizetype(buf.size()));
        auto fp = file->fingerprint();
        QVERIFY(fp);
        QCOMPARE(*fp, expectedFingerprint(content));
        QCOMPARE(file->offset(), uint64_t(1234));
        const ReadOutcome r = readAll(*file, 4096);
        QVERIFY(r.ok);
        QVERIFY(got + r.data == content);
    }
}

void TestInputFile::fingerprintGrowsWithTheFile()
{
    QTemporaryDir dir;
    const auto path = join(dir, "live.log");
    const QByteArray start = "first line\n";
    auto file = writeAndOpen(path, start);
    QVERIFY(file);
    QCOMPARE(*file->fingerprint(), expectedFingerprint(start));
    const QByteArray more = logLines(200, 26);
    appendFile(path, more);
    auto fp = file->fingerprint();
    QCOMPARE(fp->length, kFingerprintBytes);
    QCOMPARE(*fp, expectedFingerprint(start + more));
}

void TestInputFile::fingerprintOfCutGzip()
{
    // A .gz still being written (rotation in progress) is known by the content it has so far;
    // a damaged one is an error.
    QTemporaryDir dir;
    const QByteArray content = logLines(5000, 27);
    const QByteArray gz = gzipMember(content);
    const auto cut = join(dir, "cut.gz");
    writeFile(cut, gz.left(gz.size() - 8));
    auto fp = openOk(cut)->fingerprint();
    QVERIFY2(fp, fp.message().c_str());
    QCOMPARE(*fp, expectedFingerprint(content));

    // Shorter than the fingerprint, so its pass runs into the damaged CRC of the trailer.
    const QByteArray shortContent = logLines(20, 31);
    QByteArray broken = gzipMember(shortContent);
    broken[broken.size() - 8] = char(broken[broken.size() - 8] ^ 0x01);
    const auto damaged = join(dir, "damaged.gz");
    writeFile(damaged, broken);
    fp = openOk(damaged)->fingerprint();
    QVERIFY(!fp);
    QVERIFY2(fp.message().rfind("corrupt gzip data in '" + damaged + "'", 0) == 0, fp.message().c_str());
}

void TestInputFile::checkChange_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<FileChange>("expected");
    QTest::newRow("nothing") << "none" << FileChange::Unchanged;
    QTest::newRow("appended") << "append" << FileChange::Grown;
    QTest::newRow("truncated") << "truncate" << FileChange::Truncated;
    QTest::newRow("rotated: renamed + new file") << "rotate" << FileChange::Replaced;
    QTest::newRow("rotated: new file already bigger") << "rotateBigger" << FileChange::Replaced;
    QTest::newRow("deleted") << "delete" << FileChange::Vanished;
    QTest::newRow("renamed away") << "rename" << FileChange::Vanished;
}

void TestInputFile::checkChange()
{
    QFETCH(QString, action);
    QFETCH(FileChange, expected);
    QTemporaryDir dir;
    const auto path = join(dir, "app.log");
    const QByteArray content = logLines(100, 28);
    auto file = writeAndOpen(path, content);
    QVERIFY(file);
    QVERIFY(readAll(*file, 1 << 20).data == content);
    QCOMPARE(file->checkChange(), FileChange::Unchanged);

    if (action == "append") {
        appendFile(path, "more\n");
    } else if (action == "truncate") {
        QVERIFY(::truncate(path.c_str(), 10) == 0);
    } else if (action == "rotate" || action == "rotateBigger") {
        QVERIFY(::rename(path.c_str(), join(dir, "app.log.1").c_str()) == 0);
        writeFile(path, action == "rotate" ? QByteArray("new\n") : content + content);
    } else if (action == "delete") {
        QVERIFY(::unlink(path.c_str()) == 0);
    } else if (action == "rename") {
        QVERIFY(::rename(path.c_str(), join(dir, "app.log.1").c_str()) == 0);
    }
    QCOMPARE(file->checkChange(), expected);
}

void TestInputFile::checkChangeOfGzipIsUnchanged()
{
    QTemporaryDir dir;
    const auto path = join(dir, "old.gz");
    auto file = writeAndOpen(path, gzipMember(logLines(100, 29)));
    QVERIFY(file);
    QCOMPARE(file->checkChange(), FileChange::Unchanged);
    QVERIFY(::unlink(path.c_str()) == 0);
    QCOMPARE(file->checkChange(), FileChange::Unchanged);
    // The open descriptor still reads the unlinked archive.
    QVERIFY(readAll(*file, 4096).data == logLines(100, 29));
}

void TestInputFile::tenMegabyteLine_data()
{
    QTest::addColumn<bool>("gzip");
    QTest::addColumn<qsizetype>("bufferSize");
    QTest::newRow("plain, 1 MiB buffer") << false << qsizetype(1 << 20);
    QTest::newRow("plain, 8 MiB buffer") << false << qsizetype(8 << 20);
    QTest::newRow("gzip, 1 MiB buffer") << true << qsizetype(1 << 20);
    QTest::newRow("gzip, 8 MiB buffer") << true << qsizetype(8 << 20);
}

void TestInputFile::tenMegabyteLine()
{
    QFETCH(bool, gzip);
    QFETCH(qsizetype, bufferSize);
    QByteArray line = randomBytes(10 * 1000 * 1000, 30);
    for (auto& c : line)
        c = char('a' + (uchar(c) % 26)); // one line: no '\n' anywhere
    line += '\n';
    QTemporaryDir dir;
    const auto path = join(dir, "long.log");
    auto file = writeAndOpen(path, gzip ? gzipMember(line) : line);
    QVERIFY(file);
    checkReadsExactly(*file, std::size_t(bufferSize), line);
}

// Zstd, as log rotation writes it (logrotate's compresscmd zstd): detected by its magic, any
// number of frames and skippable frames read as one stream, seekable, fingerprinted by content.
void TestInputFile::zstdFramesReadAsOneStream()
{
    QTemporaryDir dir;
    const QByteArray first = logLines(20000, 31), second = logLines(20000, 32);
    const QByteArray content = first + second;
    const auto path = join(dir, "app.log.1"); // no .zst in the name: the magic decides
    auto file = writeAndOpen(path, zstdFrame(first) + zstdSkippableFrame("index") + zstdFrame(second));
    QVERIFY(file && file->compressed() && file->seekable());
    for (const std::size_t buffer : { std::size_t(7), std::size_t(4096), std::size_t(1) << 20 }) {
        QVERIFY(file->seek(0));
        checkReadsExactly(*file, buffer, content);
    }
    QCOMPARE(*file->fingerprint(), expectedFingerprint(content));

    std::vector<char> buf(1000);
    QVERIFY(file->seek(uint64_t(first.size()) - 10)); // across the frames
    QCOMPARE(*file->read(buf), buf.size());
    QVERIFY(QByteArray(buf.data(), 1000) == content.mid(first.size() - 10, 1000));
    QVERIFY(file->seek(5)); // backward: from the start again
    QVERIFY(readAll(*file, 1 << 16).data == content.mid(5));
    QVERIFY(!file->seek(uint64_t(content.size()) + 1));
    QCOMPARE(file->checkChange(), FileChange::Unchanged); // an archive: never followed

    auto empty = writeAndOpen(join(dir, "empty.zst"), zstdFrame({}));
    QVERIFY(empty && empty->compressed());
    checkReadsExactly(*empty, 4096, {});
}

void TestInputFile::zstdTruncatedOrCorrupt()
{
    QTemporaryDir dir;
    const QByteArray content = logLines(20000, 33);
    const QByteArray zst = zstdFrame(content);
    for (const qsizetype keep : { zst.size() / 2, zst.size() - 1 }) {
        const auto path = join(dir, "cut.zst");
        auto file = writeAndOpen(path, zst.left(keep));
        QVERIFY(file);
        const ReadOutcome r = readAll(*file, 65536);
        QVERIFY(!r.ok);
        QCOMPARE(qs(r.error), qs("truncated zstd file '" + path + "'"));
        QVERIFY(content.startsWith(r.data)); // what came before the cut is the true content
        QCOMPARE(file->offset(), uint64_t(r.data.size()));
        // The fingerprint of a file cut short (still being compressed) is that of its content so far.
        QVERIFY(file->fingerprint());
    }
    QByteArray flipped = zst;
    flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x55);
    flipped[flipped.size() / 2 + 1] = char(flipped[flipped.size() / 2 + 1] ^ 0x55);
    const auto path = join(dir, "corrupt.zst");
    auto file = writeAndOpen(path, flipped);
    QVERIFY(file);
    const ReadOutcome r = readAll(*file, 65536);
    QVERIFY(!r.ok);
    QVERIFY2(
        r.error.starts_with("corrupt zstd data in '" + path + "' near compressed offset "), r.error.c_str());

    // A header that declares 260 bytes, then an empty last block: zstd itself notices only when
    // it decodes the frame in one go. Found by fuzz_input_file; an error whatever the read size.
    const auto lying = join(dir, "lying.zst");
    writeFile(lying, QByteArray("\x28\xb5\x2f\xfd\x60\x04\x00\x01\x00\x00", 10));
    for (const std::size_t buffer : { std::size_t(1), std::size_t(4096) }) {
        auto f = openOk(lying);
        QVERIFY(f);
        const ReadOutcome out = readAll(*f, buffer);
        QVERIFY(!out.ok);
        QVERIFY2(out.error.ends_with("the frame holds 0 bytes, its header says 260")
                || out.error.ends_with("Data corruption detected"),
            out.error.c_str());
    }
}

// Compressions no decoder reads are refused at open with what they are, never read as lines of
// binary bytes. Text that merely starts with the same letters is text.
void TestInputFile::otherCompressionsAreRefused()
{
    QTemporaryDir dir;
    struct Case {
        const char* name;
        QByteArray magic;
        const char* command;
    };
    const Case cases[] = {
        { "xz",
            QByteArray("\xfd"
                       "7zXZ\x00\x00\x04",
                8),
            "xz -dk" },
        { "bzip2", QByteArray("BZh91AY&SY", 10), "bzip2 -dk" },
        { "zip", QByteArray("PK\x03\x04\x14\x00\x00\x00", 8), "unzip" },
        { "7z", QByteArray("7z\xbc\xaf\x27\x1c\x00\x04", 8), "7z x" },
    };
    for (const Case& c : cases) {
        const auto path = join(dir, std::string("log.") + c.name);
        writeFile(path, c.magic + logLines(10, 1));
        auto r = InputFile::open(path);
        QVERIFY(!r);
        QCOMPARE(qs(r.message()),
            qs("'" + path + "' is " + c.name + "-compressed; gzip and zstd files are read as they are, "
                + c.name + " files must be decompressed first (" + c.command + " '" + path + "')"));
    }
    auto text = writeAndOpen(join(dir, "bz.log"), "BZh9 is an ad id,2021-01-01T00:00:00Z\n");
    QVERIFY(text && !text->compressed());
}

// The window's progress bar: the content size of plain, gzip and zstd files, without reading them.
void TestInputFile::contentSizeIsEstimatedWithoutReading()
{
    QTemporaryDir dir;
    const QByteArray content = logLines(20000, 35);
    const auto plain = join(dir, "a.log"), gz = join(dir, "a.log.gz"), zst = join(dir, "a.log.zst");
    writeFile(plain, content);
    writeFile(gz, gzipMember(content));
    writeFile(zst, zstdFrame(content));
    for (const std::string& path : { plain, gz, zst })
        QCOMPARE(estimatedContentBytes(path), uint64_t(content.size()));
    // A frame written as a stream (zstd reading a pipe) does not hold the size: the compressed
    // size stands in for it.
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    QByteArray streamed(qsizetype(ZSTD_compressBound(std::size_t(content.size()))), Qt::Uninitialized);
    ZSTD_outBuffer out { streamed.data(), std::size_t(streamed.size()), 0 };
    ZSTD_inBuffer in { content.constData(), std::size_t(content.size()), 0 };
    QCOMPARE(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end), std::size_t(0));
    ZSTD_freeCCtx(cctx);
    streamed.resize(qsizetype(out.pos));
    const auto unknown = join(dir, "streamed.zst");
    writeFile(unknown, streamed);
    QCOMPARE(estimatedContentBytes(unknown), uint64_t(streamed.size()));
    auto file = openOk(unknown);
    QVERIFY(file);
    checkReadsExactly(*file, 65536, content);
    QCOMPARE(estimatedContentBytes(join(dir, "missing.log")), uint64_t(0));
}

QTEST_GUILESS_MAIN(TestInputFile)
#include "tst_input_file.moc"
