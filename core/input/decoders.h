#pragma once
// Whole-file decompression for InputFile (input_file.cpp): gzip (zlib) and zstd (libzstd, linked
// for the raw frames anyway), the formats log rotation writes. A decoder makes one pass from
// compressed offset 0 and reads with pread, so several can share a descriptor: the fingerprint
// runs a pass of its own without disturbing the main one.

#include "core/base/status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace adclick::core {

enum class Compression { Gzip, Zstd };

//! The compression a file's first bytes announce, if it is one we decode.
bool compressionOfMagic(std::span<const unsigned char> head, Compression& out);

//! The name of a compression no decoder reads (xz, bzip2, zip, 7z) when the first bytes announce
//! one, else empty: such a file is refused with how to decompress it, not read as binary lines.
std::string unreadCompressionOfMagic(std::span<const unsigned char> head);

//! The command that decompresses `path`, of a compression unreadCompressionOfMagic named.
std::string decompressCommand(const std::string& compression, const std::string& path);

//! The size of `path`'s content without reading it all, for progress: a plain file's size; a
//! gzip file's from its trailer (the last member's size mod 2^32, raised above the compressed
//! size); a zstd file's from its first frame's header when it holds the size, else the compressed
//! size. 0 when the file cannot be read.
uint64_t estimatedContentBytes(const std::string& path);

//! How a pass ended early.
enum class DecodeFailure { None, Io, Corrupt, Truncated };

class Decoder {
public:
    virtual ~Decoder() = default;
    virtual Status init() = 0;
    //! Back to compressed offset 0, forgetting any failure.
    virtual void restart() = 0;
    virtual DecodeFailure failure() const = 0;
    //! Decompresses up to out.size() bytes into `out`; 0 at the clean end of the last frame or
    //! member (several are read as one stream). Bytes decoded before a failure are returned
    //! first; the failure then comes (and stays) on the next call.
    virtual Result<std::size_t> decodeInto(std::span<char> out) = 0;
};

//! A decoder of `fd` (the file `path`, for messages) reading `inputBytes` of it at a time.
std::unique_ptr<Decoder> makeDecoder(Compression c, int fd, const std::string& path, std::size_t inputBytes);

} // namespace adclick::core
