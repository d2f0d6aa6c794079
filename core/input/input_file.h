#pragma once

#include "core/base/status.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! Content identity of a file: a hash of its first `length` content bytes (uncompressed for .gz, .zst),
//! length ≤ kFingerprintBytes. It survives renames and compression by log rotation, unlike
//! paths and inodes. A file shorter than kFingerprintBytes gets a shorter fingerprint, which
//! is extended as it grows.
struct Fingerprint {
    uint32_t length = 0;
    uint64_t hash = 0;
    bool operator==(const Fingerprint&) const = default;
};
constexpr uint32_t kFingerprintBytes = 4096;

//! 64-bit FNV-1a-like hash used for fingerprints (stable across versions: it is stored).
uint64_t fingerprintHash(const char* data, std::size_t size);

//! What a followed file did since the last look.
enum class FileChange { Unchanged, Grown, Truncated, Replaced, Vanished };

//! A readable source: a plain file, a gzip or zstd file (detected by its magic bytes, not its
//! name: decoders.h), or stdin ("-"). Offsets are content offsets (uncompressed when compressed).
class InputFile {
public:
    virtual ~InputFile() = default;

    //! Opens `path`; a clear message when it is missing, unreadable, a directory, UTF-16 text (a
    //! byte order mark: the message says how to convert it) or compressed other than gzip or zstd.
    static Result<std::unique_ptr<InputFile>> open(const std::string& path);

    const std::string& path() const { return m_path; }
    virtual bool compressed() const = 0;
    virtual bool seekable() const = 0; //!< false for stdin and pipes

    //! Up to buf.size() content bytes; 0 at the current end of the data (a followed plain file
    //! may grow later). A corrupt compressed stream is an error with the offset it failed at.
    virtual Result<std::size_t> read(std::span<char> buf) = 0;

    //! Continue at content offset `offset` (compressed: by decompressing up to it). Fails when the
    //! content is shorter than `offset`.
    virtual Status seek(uint64_t offset) = 0;

    //! Content offset of the next read.
    virtual uint64_t offset() const = 0;

    //! Fingerprint of the first min(kFingerprintBytes, size) content bytes, read without
    //! moving the read position. Fails for stdin.
    virtual Result<Fingerprint> fingerprint() = 0;

    //! For following a plain file: compares the open file with what the path names now
    //! (another inode → Replaced; size below our offset, or content not starting with `head`
    //! (the bytes read from its start) → Truncated; larger → Grown). The head check catches a
    //! truncation followed by a write longer than our offset between two looks, which sizes miss.
    virtual FileChange checkChange(std::string_view head = {}) = 0;

    //! Streams (stdin, FIFOs): waits up to `timeoutMs` for data or the end of input, so that a
    //! reader can check for interrupts and commit while a slow writer is quiet. True when a
    //! read will not block; files are always ready.
    virtual Result<bool> waitReadable(int timeoutMs) = 0;

protected:
    std::string m_path;
};

} // namespace adclick::core
