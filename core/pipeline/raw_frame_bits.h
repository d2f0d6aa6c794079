#pragma once

// Byte-level helpers of the raw frame format (raw_frame.h), shared by its encoder and decoder.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace adclick::core::rawbits {

inline void putVarint(std::string& out, uint64_t v)
{
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
        buf[n++] = static_cast<char>(v | 0x80);
        v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out.append(buf, static_cast<std::size_t>(n));
}

//! Reads a varint at `p` (before `end`); null when it runs past `end` or over 64 bits.
inline const unsigned char* getVarint(const unsigned char* p, const unsigned char* end, uint64_t& v)
{
    v = 0;
    for (int shift = 0; p < end && shift < 64; shift += 7) {
        const unsigned char b = *p++;
        v |= uint64_t(b & 0x7f) << shift;
        if (b < 0x80) return p;
    }
    return nullptr;
}

inline uint64_t zigzag(int64_t v)
{
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t unzigzag(uint64_t v)
{
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

//! Bytes of an index into a dictionary of `size` entries.
inline uint8_t indexWidth(std::size_t size)
{
    return size <= 0x100 ? 1 : size <= 0x10000 ? 2 : size <= 0x1000000 ? 3 : 4;
}

inline uint32_t getIndex(const unsigned char* p, uint8_t width)
{
    uint32_t v = p[0];
    if (width > 1) v |= uint32_t(p[1]) << 8;
    if (width > 2) v |= uint32_t(p[2]) << 16;
    if (width > 3) v |= uint32_t(p[3]) << 24;
    return v;
}

inline void putLe(char* p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline uint64_t getLe(const char* p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}

} // namespace adclick::core::rawbits
