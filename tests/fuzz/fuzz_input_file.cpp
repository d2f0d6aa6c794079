// libFuzzer target: compressed input files (decoders.h through InputFile) (R2).
//
// Input byte 0 picks what the file starts with (gzip's or zstd's magic, or nothing added), byte 1
// the read size; the rest is the file. Opening and reading it must end: bytes, then 0 or an
// error that stays, never more bytes than asked. Reading it again after a seek to 0 gives the
// same bytes and the same end (after a failure, a failure too, but maybe after fewer or more of
// them and with another message: zstd validates more of a block when it has room to decode it
// whole), the fingerprint is that of the first bytes read, and the size estimate does not crash. Output is
// capped (a small input may decompress to gigabytes).
#include "core/input/decoders.h"
#include "core/input/input_file.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

using namespace adclick::core;

namespace {

constexpr std::size_t kMaxOutput = 8u << 20;

//! Aborts with the line of the failed check (the reproducer's report then says which).
void checkAt(bool ok, int line)
{
    if (ok) return;
    std::fprintf(stderr, "fuzz_input_file: check at line %d failed\n", line);
    std::abort();
}
#define check(condition) checkAt((condition), __LINE__)

struct Pass {
    std::string bytes;
    bool failed = false;
    std::string error;
};

Pass readAll(InputFile& file, std::size_t chunk)
{
    Pass p;
    std::vector<char> buf(chunk);
    while (p.bytes.size() < kMaxOutput) {
        auto n = file.read(buf);
        if (!n) {
            p.failed = true;
            p.error = n.message();
            auto again = file.read(buf); // a failure stays
            check(!again && again.message() == p.error);
            break;
        }
        check(*n <= chunk);
        if (*n == 0) break;
        p.bytes.append(buf.data(), *n);
    }
    check(file.offset() == p.bytes.size());
    return p;
}

const std::string& scratchPath()
{
    static const std::string path = [] {
        char name[] = "/tmp/fuzz_input_fileXXXXXX";
        const int fd = ::mkstemp(name);
        check(fd >= 0);
        ::close(fd);
        return std::string(name);
    }();
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2) return 0;
    static const unsigned char kGzip[] = { 0x1f, 0x8b, 0x08 }, kZstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
    std::string content;
    if (data[0] % 3 == 0) content.assign(reinterpret_cast<const char*>(kGzip), sizeof kGzip);
    if (data[0] % 3 == 1) content.assign(reinterpret_cast<const char*>(kZstd), sizeof kZstd);
    content.append(reinterpret_cast<const char*>(data + 2), size - 2);
    const std::size_t chunk = 1 + data[1] * 97u;

    const std::string& path = scratchPath();
    FILE* f = std::fopen(path.c_str(), "wb");
    check(f && std::fwrite(content.data(), 1, content.size(), f) == content.size());
    std::fclose(f);
    (void)estimatedContentBytes(path);

    auto opened = InputFile::open(path);
    if (!opened) return 0;
    InputFile& file = **opened;
    const Pass first = readAll(file, chunk);
    if (!file.compressed()) check(first.bytes == content.substr(0, first.bytes.size()));
    check(static_cast<bool>(file.seek(0)));
    const Pass second = readAll(file, 4096);
    // A pass that fails may hand out more or fewer of the bytes decoded before the failure,
    // depending on the read size (zstd checks a frame's checksum once its data is out): one pass
    // is a prefix of the other. A pass that ends cleanly gives all of them.
    const std::string& longer = first.bytes.size() >= second.bytes.size() ? first.bytes : second.bytes;
    const std::string& shorter = &longer == &first.bytes ? second.bytes : first.bytes;
    check(longer.compare(0, shorter.size(), shorter) == 0);
    const bool capped = longer.size() >= kMaxOutput; // the passes stopped at different points
    check(capped || second.failed == first.failed);
    check(capped || first.failed || first.bytes == second.bytes);
    // The fingerprint reads the first bytes only: a failure further on may not reach it.
    auto fp = file.fingerprint();
    if (!first.failed && !capped)
        check(fp && fp->length == std::min<std::size_t>(kFingerprintBytes, longer.size()));
    if (fp && fp->length <= longer.size()) check(fp->hash == fingerprintHash(longer.data(), fp->length));
    return 0;
}
