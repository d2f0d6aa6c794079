#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace adclick::core {

struct Hash128 {
    uint64_t lo = 0, hi = 0;
    bool operator==(const Hash128&) const = default;
};

namespace hash128_detail {

constexpr uint64_t kC1 = 0x87c37b91114253d5ull, kC2 = 0x4cf5ad432745937full;

inline uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

inline uint64_t fmix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

inline uint64_t mixK1(uint64_t k1)
{
    return rotl(k1 * kC1, 31) * kC2;
}

inline uint64_t mixK2(uint64_t k2)
{
    return rotl(k2 * kC2, 33) * kC1;
}

//! `n` (0..8) bytes as a little-endian word, as MurmurHash3's tail switch builds it byte by byte.
inline uint64_t loadPartial(const unsigned char* p, std::size_t n)
{
    uint64_t k = 0;
    for (std::size_t i = 0; i < n; ++i)
        k |= uint64_t(p[i]) << (8 * i);
    return k;
}

} // namespace hash128_detail

//! MurmurHash3 x64/128 (public domain algorithm by Austin Appleby). 128 bits so that the chance
//! of two distinct clicks colliding in the dedup set (~n²/2¹²⁹) is negligible even at billions.
//! The values are stored nowhere but must not change: restart rebuilds the dedup set from raw
//! events, and tst_engine pins known values.
inline Hash128 hash128(const void* key, std::size_t len, uint64_t seed = 0x9e3779b97f4a7c15ull)
{
    using namespace hash128_detail;
    const auto* data = static_cast<const unsigned char*>(key);
    const std::size_t nblocks = len / 16;
    uint64_t h1 = seed, h2 = seed;
    for (std::size_t i = 0; i < nblocks; ++i) {
        uint64_t k1, k2;
        std::memcpy(&k1, data + i * 16, 8);
        std::memcpy(&k2, data + i * 16 + 8, 8);
        h1 ^= mixK1(k1);
        h1 = rotl(h1, 27) + h2;
        h1 = h1 * 5 + 0x52dce729;
        h2 ^= mixK2(k2);
        h2 = rotl(h2, 31) + h1;
        h2 = h2 * 5 + 0x38495ab5;
    }
    const unsigned char* tail = data + nblocks * 16;
    const std::size_t rest = len & 15;
    if (rest > 8) h2 ^= mixK2(loadPartial(tail + 8, rest - 8));
    if (rest > 0) h1 ^= mixK1(loadPartial(tail, rest < 8 ? rest : 8));
    h1 ^= len;
    h2 ^= len;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    return { h1, h2 };
}

//! A fast 64-bit hash for in-memory tables whose values are never stored (the ad table): one
//! multiply per 8 bytes and MurmurHash3's finaliser, so every bit of the result (and a mask of
//! the low bits) depends on every input byte.
inline uint64_t hash64(const void* key, std::size_t len)
{
    using namespace hash128_detail;
    const auto* data = static_cast<const unsigned char*>(key);
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * kC1);
    std::size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        std::memcpy(&w, data + i, 8);
        h = rotl(h ^ mixK1(w), 27) * 5 + 0x52dce729;
    }
    if (i < len) h ^= mixK2(loadPartial(data + i, len - i));
    return fmix(h);
}

} // namespace adclick::core
