#include "core/input/input_file.h"

#include "core/base/sys_text.h"
#include "core/input/decoders.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace adclick::core {

uint64_t fingerprintHash(const char* data, std::size_t size)
{
    // FNV-1a, 64 bit. Stored in the database: never change it.
    uint64_t hash = 14695981039346656037ull;
    for (std::size_t i = 0; i < size; ++i) {
        hash ^= static_cast<unsigned char>(data[i]);
        hash *= 1099511628211ull;
    }
    return hash;
}

namespace {

// Linux transfers at most this much per read(2); asking for more only looks like a short read.
constexpr std::size_t kMaxIo = 0x7ffff000;
constexpr std::size_t kCompressedInputBytes = 128 * 1024;
constexpr std::size_t kSeekScratchBytes = 64 * 1024;

std::string displayName(const std::string& path)
{
    return path == "-" ? "stdin" : quoted(path);
}

//! "<what> '<path>': <strerror(errno)>". Reads errno before anything can clobber it.
std::string sysError(const char* what, const std::string& path)
{
    const int err = errno;
    return std::string(what) + " " + displayName(path) + ": " + errnoText(err);
}

//! Owns a descriptor, except stdin, which belongs to the process.
class Fd {
public:
    Fd() = default;
    Fd(int fd, bool owned)
        : m_fd(fd)
        , m_owned(owned)
    { }
    Fd(Fd&& other) noexcept
        : m_fd(std::exchange(other.m_fd, -1))
        , m_owned(other.m_owned)
    { }
    Fd& operator=(Fd&&) = delete;
    ~Fd()
    {
        if (m_fd >= 0 && m_owned) ::close(m_fd);
    }
    int get() const { return m_fd; }

private:
    int m_fd = -1;
    bool m_owned = false;
};

ssize_t readRetry(int fd, char* data, std::size_t size)
{
    ssize_t n;
    do {
        n = ::read(fd, data, std::min(size, kMaxIo));
    } while (n < 0 && errno == EINTR);
    return n;
}

//! Reads up to `size` bytes at `offset`, across short reads, stopping at EOF. -1 on error.
ssize_t preadFull(int fd, char* data, std::size_t size, uint64_t offset)
{
    std::size_t done = 0;
    while (done < size) {
        ssize_t n
            = ::pread(fd, data + done, std::min(size - done, kMaxIo), static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return static_cast<ssize_t>(done);
}

// ---------------------------------------------------------------------------------------------
// Plain files, stdin and other unseekable streams (FIFOs, character devices).

class PlainInputFile final : public InputFile {
public:
    PlainInputFile(std::string path, Fd fd, bool seekable)
        : m_fd(std::move(fd))
        , m_seekable(seekable)
    {
        m_path = std::move(path);
    }

    bool compressed() const override { return false; }
    bool seekable() const override { return m_seekable; }

    Result<std::size_t> read(std::span<char> buf) override
    {
        if (buf.empty()) return std::size_t { 0 };
        // Straight into the caller's buffer: no copy. At EOF this returns 0, and a later call
        // returns whatever was appended meanwhile (following).
        ssize_t n = readRetry(m_fd.get(), buf.data(), buf.size());
        if (n < 0) return Result<std::size_t>::error(sysError("cannot read", m_path));
        m_offset += static_cast<uint64_t>(n);
        return static_cast<std::size_t>(n);
    }

    Status seek(uint64_t offset) override
    {
        if (!m_seekable)
            return Status::error("cannot seek in " + displayName(m_path) + ": it is not seekable");
        struct stat st;
        if (::fstat(m_fd.get(), &st) != 0) return Status::error(sysError("cannot stat", m_path));
        const auto size = static_cast<uint64_t>(st.st_size);
        if (offset > size)
            return Status::error("cannot seek to offset " + std::to_string(offset) + " in " + quoted(m_path)
                + ": the file has only " + std::to_string(size) + " bytes");
        if (::lseek(m_fd.get(), static_cast<off_t>(offset), SEEK_SET) < 0)
            return Status::error(sysError("cannot seek in", m_path));
        m_offset = offset;
        return Status::ok();
    }

    uint64_t offset() const override { return m_offset; }

    Result<Fingerprint> fingerprint() override
    {
        if (!m_seekable)
            return Result<Fingerprint>::error(
                "cannot fingerprint " + displayName(m_path) + ": it is not seekable (a pipe or a device)");
        char buf[kFingerprintBytes];
        // pread leaves the read position alone.
        ssize_t n = preadFull(m_fd.get(), buf, sizeof buf, 0);
        if (n < 0) return Result<Fingerprint>::error(sysError("cannot read", m_path));
        return Fingerprint { static_cast<uint32_t>(n), fingerprintHash(buf, static_cast<std::size_t>(n)) };
    }

    Result<bool> waitReadable(int timeoutMs) override
    {
        if (m_seekable) return true;
        pollfd p { m_fd.get(), POLLIN, 0 };
        int rc;
        do {
            rc = ::poll(&p, 1, timeoutMs);
        } while (rc < 0 && errno == EINTR);
        if (rc < 0) return Result<bool>::error(sysError("cannot wait for", m_path));
        // POLLHUP without POLLIN: the writer left, the next read returns 0 (the end).
        return rc > 0;
    }

    FileChange checkChange(std::string_view head) override
    {
        if (!m_seekable) return FileChange::Unchanged;
        struct stat named;
        if (::stat(m_path.c_str(), &named) != 0) {
            // Other errors (EIO, ENOMEM, ...) may be transient: don't call the file gone for them.
            return errno == ENOENT || errno == ENOTDIR ? FileChange::Vanished : FileChange::Unchanged;
        }
        struct stat open;
        if (::fstat(m_fd.get(), &open) != 0) return FileChange::Unchanged;
        if (named.st_dev != open.st_dev || named.st_ino != open.st_ino) return FileChange::Replaced;
        const auto size = static_cast<uint64_t>(open.st_size);
        if (size < m_offset) return FileChange::Truncated;
        if (!head.empty()) {
            std::string now(head.size(), '\0');
            const ssize_t n = preadFull(m_fd.get(), now.data(), now.size(), 0);
            if (n >= 0 && (static_cast<std::size_t>(n) != head.size() || now != head))
                return FileChange::Truncated; // rewritten from the start: not the content we read
        }
        if (size > m_offset) return FileChange::Grown;
        return FileChange::Unchanged;
    }

private:
    Fd m_fd;
    bool m_seekable;
    uint64_t m_offset = 0;
};

// ---------------------------------------------------------------------------------------------
// Compressed files (decoders.h).

class CompressedInputFile final : public InputFile {
public:
    CompressedInputFile(std::string path, Fd fd, Compression compression)
        : m_fd(std::move(fd))
        , m_compression(compression)
        , m_decoder(makeDecoder(compression, m_fd.get(), path, kCompressedInputBytes))
    {
        m_path = std::move(path);
    }

    Status init() { return m_decoder->init(); }

    bool compressed() const override { return true; }
    bool seekable() const override { return true; }

    Result<std::size_t> read(std::span<char> buf) override
    {
        auto n = m_decoder->decodeInto(buf);
        if (n) m_offset += *n;
        return n;
    }

    Status seek(uint64_t offset) override
    {
        if (offset < m_offset) {
            m_decoder->restart();
            m_offset = 0;
        }
        if (offset == m_offset) return Status::ok();
        if (m_scratch.empty()) m_scratch.resize(kSeekScratchBytes);
        while (m_offset < offset) {
            const auto want
                = static_cast<std::size_t>(std::min<uint64_t>(offset - m_offset, m_scratch.size()));
            auto n = m_decoder->decodeInto(std::span<char>(m_scratch.data(), want));
            if (!n) return n.status();
            if (*n == 0)
                return Status::error("cannot seek to offset " + std::to_string(offset) + " in "
                    + quoted(m_path) + ": the content has only " + std::to_string(m_offset) + " bytes");
            m_offset += *n;
        }
        return Status::ok();
    }

    uint64_t offset() const override { return m_offset; }

    Result<Fingerprint> fingerprint() override
    {
        // A separate short pass from the start; the main decoder's position is untouched.
        const auto decoder = makeDecoder(m_compression, m_fd.get(), m_path, 16 * 1024);
        if (auto s = decoder->init(); !s) return Result<Fingerprint>(s);
        char buf[kFingerprintBytes];
        std::size_t have = 0;
        while (have < sizeof buf) {
            auto n = decoder->decodeInto(std::span<char>(buf + have, sizeof buf - have));
            if (!n) {
                // A file cut short (say, still being compressed by a log rotation) is known by the
                // content it has so far, exactly like a short plain file.
                if (decoder->failure() == DecodeFailure::Truncated) break;
                return Result<Fingerprint>(n.status());
            }
            if (*n == 0) break;
            have += *n;
        }
        return Fingerprint { static_cast<uint32_t>(have), fingerprintHash(buf, have) };
    }

    // A compressed file is read as a finished archive: it is never followed.
    FileChange checkChange(std::string_view) override { return FileChange::Unchanged; }
    Result<bool> waitReadable(int) override { return true; }

private:
    Fd m_fd;
    Compression m_compression;
    std::unique_ptr<Decoder> m_decoder;
    uint64_t m_offset = 0;
    std::vector<char> m_scratch; // seek target for skipped content
};

} // namespace

Result<std::unique_ptr<InputFile>> InputFile::open(const std::string& path)
{
    using R = Result<std::unique_ptr<InputFile>>;
    if (path == "-")
        return std::unique_ptr<InputFile>(new PlainInputFile("-", Fd(STDIN_FILENO, false), false));

    int raw;
    do {
        // O_NONBLOCK: opening a FIFO with no writer must not block (an interrupt could not end
        // the ingest, which holds the database lock); the reader waits in waitReadable() instead.
        raw = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    } while (raw < 0 && errno == EINTR);
    if (raw < 0) return R::error(sysError("cannot open", path));
    Fd fd(raw, true);
    // Reads block again (after waitReadable): a FIFO without a writer yet then waits for one
    // instead of reading as empty.
    if (const int flags = ::fcntl(fd.get(), F_GETFL);
        flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) < 0)
        return R::error(sysError("cannot open", path));

    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return R::error(sysError("cannot stat", path));
    if (S_ISDIR(st.st_mode)) return R::error(quoted(path) + " is a directory");
    if (!S_ISREG(st.st_mode)) // a FIFO or a device: a stream like stdin
        return std::unique_ptr<InputFile>(new PlainInputFile(path, std::move(fd), false));

    unsigned char magic[8] = {};
    ssize_t n = preadFull(fd.get(), reinterpret_cast<char*>(magic), sizeof magic, 0);
    if (n < 0) return R::error(sysError("cannot read", path));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    const std::span<const unsigned char> head(magic, static_cast<std::size_t>(n));
    // A UTF-16 byte order mark: text, but not UTF-8 (Excel's "Unicode text", Windows PowerShell's
    // `>`). Read as bytes, every line would be rejected as binary, which says the wrong thing.
    if (n >= 2 && ((magic[0] == 0xff && magic[1] == 0xfe) || (magic[0] == 0xfe && magic[1] == 0xff)))
        return R::error(quoted(path)
            + " is UTF-16 text (it starts with a UTF-16 byte order mark); click logs are "
            + "read as UTF-8: convert it (iconv -f UTF-16 -t UTF-8 " + quoted(path) + " > "
            + quoted(path + ".utf8") + ") and read the converted file instead");
    if (const std::string other = unreadCompressionOfMagic(head); !other.empty())
        return R::error(quoted(path) + " is " + other
            + "-compressed; gzip and zstd files are read as they are, " + other
            + " files must be decompressed first (" + decompressCommand(other, path) + ")");
    if (Compression compression; compressionOfMagic(head, compression)) {
        auto file = std::make_unique<CompressedInputFile>(path, std::move(fd), compression);
        if (auto s = file->init(); !s) return R(s);
        return std::unique_ptr<InputFile>(std::move(file));
    }
    return std::unique_ptr<InputFile>(new PlainInputFile(path, std::move(fd), true));
}

} // namespace adclick::core
