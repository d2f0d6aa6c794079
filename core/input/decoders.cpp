#include "core/input/decoders.h"

#include "core/base/sys_text.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace adclick::core {

namespace {

bool startsWith(std::span<const unsigned char> head, std::initializer_list<unsigned char> magic)
{
    return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
}

//! What every decoder shares: the compressed input read with pread into a buffer, and the
//! failure that ended the pass.
class FileDecoder : public Decoder {
public:
    FileDecoder(int fd, const std::string& path, std::size_t inputBytes)
        : m_fd(fd)
        , m_path(path)
        , m_in(inputBytes)
    { }
    FileDecoder(const FileDecoder&) = delete;
    FileDecoder& operator=(const FileDecoder&) = delete;

    DecodeFailure failure() const override { return m_failure; }

protected:
    //! Reads the next compressed bytes into m_in (0 at the end of the file: m_inputEof); false
    //! on a read error (errno set).
    bool refill(std::size_t& got) { return readAt(0, got); }

    //! Reads the next compressed bytes into m_in from index `at` on (see refill).
    bool readAt(std::size_t at, std::size_t& got)
    {
        ssize_t n;
        do {
            n = ::pread(m_fd, m_in.data() + at, m_in.size() - at, static_cast<off_t>(m_filePos));
        } while (n < 0 && errno == EINTR);
        if (n < 0) return false;
        if (n == 0) m_inputEof = true;
        m_filePos += static_cast<uint64_t>(n);
        got = static_cast<std::size_t>(n);
        return true;
    }

    //! "cannot read 'F': <strerror(errno)>", after refill or readAt failed.
    std::string readError() const { return "cannot read " + quoted(m_path) + ": " + errnoText(errno); }

    void restartInput()
    {
        m_filePos = 0;
        m_inputEof = false;
        m_failure = DecodeFailure::None;
        m_error = Status::ok();
    }

    //! Ends the pass with `kind`: the bytes already produced are returned first.
    Result<std::size_t> fail(DecodeFailure kind, std::string message, std::size_t produced)
    {
        m_failure = kind;
        m_error = Status::error(std::move(message));
        if (produced > 0) return produced;
        return Result<std::size_t>(m_error);
    }
    Result<std::size_t> failed() const { return Result<std::size_t>(m_error); }

    //! "corrupt NAME data in 'F' near compressed offset N: WHAT", `unread` bytes of m_in not used yet.
    std::string corruptMessage(const char* name, const std::string& what, std::size_t unread) const
    {
        return std::string("corrupt ") + name + " data in " + quoted(m_path) + " near compressed offset "
            + std::to_string(m_filePos - unread) + ": " + what;
    }

    int m_fd;
    std::string m_path;
    std::vector<char> m_in;
    uint64_t m_filePos = 0; //!< compressed offset of the end of what was read into m_in
    bool m_inputEof = false;
    DecodeFailure m_failure = DecodeFailure::None;
    Status m_error;
};

// ---------------------------------------------------------------------------------------------
// Gzip: any number of concatenated members, then optional zero padding.

class GzipDecoder final : public FileDecoder {
public:
    using FileDecoder::FileDecoder;
    ~GzipDecoder() override
    {
        if (m_initialized) ::inflateEnd(&m_z);
    }

    Status init() override
    {
        m_z = z_stream {};
        // 16 + MAX_WBITS: gzip wrapper only (a zlib or raw stream is not a .gz file).
        int rc = ::inflateInit2(&m_z, 16 + MAX_WBITS);
        if (rc != Z_OK)
            return Status::error(
                "cannot decompress " + quoted(m_path) + ": " + (m_z.msg ? m_z.msg : ::zError(rc)));
        m_initialized = true;
        return Status::ok();
    }

    void restart() override
    {
        ::inflateReset(&m_z);
        m_z.next_in = nullptr;
        m_z.avail_in = 0;
        m_state = State::InMember;
        m_sawPadding = false;
        restartInput();
    }

    Result<std::size_t> decodeInto(std::span<char> out) override
    {
        if (m_failure != DecodeFailure::None) return failed();
        std::size_t produced = 0;
        while (produced < out.size() && m_state != State::Done) {
            if (m_z.avail_in == 0 && !m_inputEof) {
                std::size_t got = 0;
                if (!refill(got)) return fail(DecodeFailure::Io, readError(), produced);
                m_z.next_in = reinterpret_cast<Bytef*>(m_in.data());
                m_z.avail_in = static_cast<uInt>(got);
                continue;
            }
            if (m_state == State::BetweenMembers) {
                if (m_z.avail_in == 0) { // EOF right after a member (or its zero padding)
                    m_state = State::Done;
                    break;
                }
                if (*m_z.next_in == 0) {
                    // Zero bytes after the last member (tape/block padding) are ignored, as gzip does.
                    ++m_z.next_in;
                    --m_z.avail_in;
                    m_sawPadding = true;
                    continue;
                }
                if (m_sawPadding)
                    return fail(DecodeFailure::Corrupt, corrupt("data after zero padding"), produced);
                // Another member follows (`gzip -c a >> f; gzip -c b >> f`).
                ::inflateReset(&m_z);
                m_state = State::InMember;
            }

            const std::size_t chunk = std::min<std::size_t>(out.size() - produced, UINT_MAX);
            m_z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
            m_z.avail_out = static_cast<uInt>(chunk);
            // Called even with no input left: inflate may still hold output that did not fit before.
            const int rc = ::inflate(&m_z, Z_NO_FLUSH);
            produced += chunk - m_z.avail_out;
            switch (rc) {
            case Z_STREAM_END:
                m_state = State::BetweenMembers;
                m_sawPadding = false;
                break;
            case Z_OK:
                break;
            case Z_BUF_ERROR: // no progress possible without more input
                if (m_z.avail_in == 0 && m_inputEof)
                    return fail(DecodeFailure::Truncated, "truncated gzip file " + quoted(m_path), produced);
                break;
            case Z_MEM_ERROR:
                return fail(
                    DecodeFailure::Io, "cannot decompress " + quoted(m_path) + ": out of memory", produced);
            default: // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
                return fail(DecodeFailure::Corrupt, corrupt(m_z.msg ? m_z.msg : ::zError(rc)), produced);
            }
        }
        return produced;
    }

private:
    enum class State { InMember, BetweenMembers, Done };

    std::string corrupt(const std::string& what) const { return corruptMessage("gzip", what, m_z.avail_in); }

    z_stream m_z {};
    bool m_initialized = false;
    State m_state = State::InMember; // the file starts with the magic bytes: a member
    bool m_sawPadding = false;
};

// ---------------------------------------------------------------------------------------------
// Zstd: any number of frames (skippable ones included), as `zstd -d` reads them.

class ZstdDecoder final : public FileDecoder {
public:
    using FileDecoder::FileDecoder;
    ~ZstdDecoder() override { ZSTD_freeDStream(m_ds); }

    Status init() override
    {
        m_ds = ZSTD_createDStream();
        if (!m_ds) return Status::error("cannot decompress " + quoted(m_path) + ": out of memory");
        return Status::ok();
    }

    void restart() override
    {
        ZSTD_DCtx_reset(m_ds, ZSTD_reset_session_only);
        m_inBuf = ZSTD_inBuffer {};
        m_frameOpen = false;
        restartInput();
    }

    Result<std::size_t> decodeInto(std::span<char> out) override
    {
        if (m_failure != DecodeFailure::None) return failed();
        ZSTD_outBuffer o { out.data(), out.size(), 0 };
        while (o.pos < o.size) {
            if (m_inBuf.pos == m_inBuf.size && !m_inputEof) {
                std::size_t got = 0;
                if (!refill(got)) return fail(DecodeFailure::Io, readError(), o.pos);
                m_inBuf = ZSTD_inBuffer { m_in.data(), got, 0 };
                continue;
            }
            const bool noInput = m_inBuf.pos == m_inBuf.size;
            if (noInput && !m_frameOpen) break; // the clean end: every frame finished
            if (!m_frameOpen) {
                if (!startFrame()) return fail(DecodeFailure::Io, readError(), o.pos);
                m_frameOpen = true;
            }
            const std::size_t before = o.pos;
            const std::size_t rc = ZSTD_decompressStream(m_ds, &o, &m_inBuf);
            if (ZSTD_isError(rc)) return fail(DecodeFailure::Corrupt, corrupt(ZSTD_getErrorName(rc)), o.pos);
            m_frameBytes += o.pos - before;
            if (rc == 0) { // the frame ended and its output is all flushed
                m_frameOpen = false;
                // zstd checks the size a header declares only when it decodes the frame in one
                // go (an output buffer that holds it all): checked here whatever the read size.
                if (m_frameDeclared != ZSTD_CONTENTSIZE_UNKNOWN && m_frameDeclared != ZSTD_CONTENTSIZE_ERROR
                    && m_frameBytes != m_frameDeclared)
                    return fail(DecodeFailure::Corrupt,
                        corrupt("the frame holds " + std::to_string(m_frameBytes) + " bytes, its header says "
                            + std::to_string(m_frameDeclared)),
                        o.pos);
            }
            // At the end of the file, a frame still open that gave nothing more is cut short.
            if (noInput && m_frameOpen && o.pos == before)
                return fail(DecodeFailure::Truncated, "truncated zstd file " + quoted(m_path), o.pos);
        }
        return o.pos;
    }

private:
    //! A frame starts at m_inBuf.pos: brings its whole header into the buffer (a header is at most
    //! 18 bytes) and reads the content size it declares. False on a read error.
    bool startFrame()
    {
        constexpr std::size_t kMaxHeader = 18;
        std::size_t have = m_inBuf.size - m_inBuf.pos;
        if (have < kMaxHeader && !m_inputEof) {
            std::memmove(m_in.data(), m_in.data() + m_inBuf.pos, have);
            for (std::size_t got = 0; have < kMaxHeader && !m_inputEof; have += got)
                if (!readAt(have, got)) return false;
            m_inBuf = ZSTD_inBuffer { m_in.data(), have, 0 };
        }
        m_frameDeclared = ZSTD_getFrameContentSize(static_cast<const char*>(m_inBuf.src) + m_inBuf.pos, have);
        m_frameBytes = 0;
        return true;
    }

    std::string corrupt(const std::string& what) const
    {
        return corruptMessage("zstd", what, m_inBuf.size - m_inBuf.pos);
    }

    ZSTD_DStream* m_ds = nullptr;
    ZSTD_inBuffer m_inBuf {};
    bool m_frameOpen = false; //!< a frame started and has not ended
    unsigned long long m_frameDeclared = ZSTD_CONTENTSIZE_UNKNOWN; //!< the open frame's content size
    uint64_t m_frameBytes = 0; //!< bytes the open frame gave so far
};

} // namespace

bool compressionOfMagic(std::span<const unsigned char> head, Compression& out)
{
    if (startsWith(head, { 0x1f, 0x8b })) {
        out = Compression::Gzip;
        return true;
    }
    if (startsWith(head, { 0x28, 0xb5, 0x2f, 0xfd })) {
        out = Compression::Zstd;
        return true;
    }
    return false;
}

std::string unreadCompressionOfMagic(std::span<const unsigned char> head)
{
    if (startsWith(head, { 0xfd, '7', 'z', 'X', 'Z', 0x00 })) return "xz";
    // "BZh", the block size '1'-'9', then the first block's magic (or the empty stream's end).
    if (startsWith(head, { 'B', 'Z', 'h' }) && head.size() >= 5 && head[3] >= '1' && head[3] <= '9'
        && (head[4] == 0x31 || head[4] == 0x17))
        return "bzip2";
    if (startsWith(head, { 'P', 'K', 0x03, 0x04 })) return "zip";
    if (startsWith(head, { '7', 'z', 0xbc, 0xaf, 0x27, 0x1c })) return "7z";
    return {};
}

std::string decompressCommand(const std::string& compression, const std::string& path)
{
    const std::string q = quoted(path);
    if (compression == "zip") return "unzip " + q;
    if (compression == "7z") return "7z x " + q;
    return compression + " -dk " + q; // xz, bzip2: keeps the file, writes it without the extension
}

uint64_t estimatedContentBytes(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return 0;
    struct stat st;
    unsigned char head[18] = {}; // a zstd frame header is at most 18 bytes
    const bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    const auto size = ok ? static_cast<uint64_t>(st.st_size) : 0;
    const ssize_t n = ok ? ::pread(fd, head, sizeof head, 0) : -1;
    uint64_t estimate = size;
    Compression c;
    if (n > 0 && compressionOfMagic(std::span<const unsigned char>(head, std::size_t(n)), c)) {
        if (c == Compression::Zstd) {
            const unsigned long long content = ZSTD_getFrameContentSize(head, std::size_t(n));
            if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != ZSTD_CONTENTSIZE_ERROR) estimate = content;
        } else if (unsigned char tail[4]; size >= 18 && ::pread(fd, tail, 4, off_t(size - 4)) == 4) {
            uint64_t isize = uint64_t(tail[0]) | uint64_t(tail[1]) << 8 | uint64_t(tail[2]) << 16
                | uint64_t(tail[3]) << 24;
            // ISIZE is the uncompressed size mod 2^32, which is never below the compressed size.
            while (isize < size)
                isize += uint64_t(1) << 32;
            estimate = isize;
        }
    }
    ::close(fd);
    return estimate;
}

std::unique_ptr<Decoder> makeDecoder(Compression c, int fd, const std::string& path, std::size_t inputBytes)
{
    if (c == Compression::Zstd) return std::make_unique<ZstdDecoder>(fd, path, inputBytes);
    return std::make_unique<GzipDecoder>(fd, path, inputBytes);
}

} // namespace adclick::core
