#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace adclick::core {

struct Hash128 {
    uint64_t lo = 0, hi = 0;
    bool operator==(const Hash128&) const = default;
};

//! MurmurHash3 x64/128 (public domain algorithm by Austin Appleby). 128 bits so that the chance
//! of two distinct clicks colliding in the dedup set (~n²/2¹²⁹) is negligible even at billions.
inline Hash128 hash128(const void* key, std::size_t len, uint64_t seed = 0x9e3779b97f4a7c15ull)
{
    auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
    auto fmix = [](uint64_t k) {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdull;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53ull;
        k ^= k >> 33;
        return k;
    };
    const auto* data = static_cast<const unsigned char*>(key);
    const std::size_t nblocks = len / 16;
    uint64_t h1 = seed, h2 = seed;
    const uint64_t c1 = 0x87c37b91114253d5ull, c2 = 0x4cf5ad432745937full;
    for (std::size_t i = 0; i < nblocks; ++i) {
        uint64_t k1, k2;
        std::memcpy(&k1, data + i * 16, 8);
        std::memcpy(&k2, data + i * 16 + 8, 8);
        k1 *= c1;
        k1 = rotl(k1, 31);
        k1 *= c2;
        h1 ^= k1;
        h1 = rotl(h1, 27);
        h1 += h2;
        h1 = h1 * 5 + 0x52dce729;
        k2 *= c2;
        k2 = rotl(k2, 33);
        k2 *= c1;
        h2 ^= k2;
        h2 = rotl(h2, 31);
        h2 += h1;
        h2 = h2 * 5 + 0x38495ab5;
    }
    const unsigned char* tail = data + nblocks * 16;
    uint64_t k1 = 0, k2 = 0;
    switch (len & 15) {
    case 15:
        k2 ^= uint64_t(tail[14]) << 48;
        [[fallthrough]];
    case 14:
        k2 ^= uint64_t(tail[13]) << 40;
        [[fallthrough]];
    case 13:
        k2 ^= uint64_t(tail[12]) << 32;
        [[fallthrough]];
    case 12:
        k2 ^= uint64_t(tail[11]) << 24;
        [[fallthrough]];
    case 11:
        k2 ^= uint64_t(tail[10]) << 16;
        [[fallthrough]];
    case 10:
        k2 ^= uint64_t(tail[9]) << 8;
        [[fallthrough]];
    case 9:
        k2 ^= uint64_t(tail[8]);
        k2 *= c2;
        k2 = rotl(k2, 33);
        k2 *= c1;
        h2 ^= k2;
        [[fallthrough]];
    case 8:
        k1 ^= uint64_t(tail[7]) << 56;
        [[fallthrough]];
    case 7:
        k1 ^= uint64_t(tail[6]) << 48;
        [[fallthrough]];
    case 6:
        k1 ^= uint64_t(tail[5]) << 40;
        [[fallthrough]];
    case 5:
        k1 ^= uint64_t(tail[4]) << 32;
        [[fallthrough]];
    case 4:
        k1 ^= uint64_t(tail[3]) << 24;
        [[fallthrough]];
    case 3:
        k1 ^= uint64_t(tail[2]) << 16;
        [[fallthrough]];
    case 2:
        k1 ^= uint64_t(tail[1]) << 8;
        [[fallthrough]];
    case 1:
        k1 ^= uint64_t(tail[0]);
        k1 *= c1;
        k1 = rotl(k1, 31);
        k1 *= c2;
        h1 ^= k1;
    }
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

} // namespace adclick::core
