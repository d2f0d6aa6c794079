#include "core/base/crc32.h"

#include <zlib.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ADCLICK_CRC32_CLMUL 1
#include <immintrin.h>
#endif

// The folding method of "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ
// Instruction" (Gopal, Ozturk et al., Intel, 2009), bit-reflected form for the CRC-32
// polynomial 0x104C11DB7: four 128-bit lanes are folded 64 bytes at a time, then into one lane,
// then reduced to 32 bits (Barrett). Head and tail bytes that do not fill 16 go through zlib.

namespace adclick::core {

namespace {

uint32_t zlibCrc(uint32_t crc, const unsigned char* p, std::size_t n)
{
    while (n > 0) { // zlib takes uInt lengths
        const auto take = static_cast<uInt>(n > (1u << 30) ? (1u << 30) : n);
        crc = static_cast<uint32_t>(::crc32(crc, p, take));
        p += take;
        n -= take;
    }
    return crc;
}

#ifdef ADCLICK_CRC32_CLMUL

// x^(4·128+32) mod P, x^(4·128−32) mod P (fold by 4 lanes); x^(128+32), x^(128−32) (fold by one);
// x^64 mod P; and for Barrett: P' and μ (bit-reflected, as in the paper's appendix).
alignas(16) constexpr uint64_t kFold4[2] = { 0x0154442bd4, 0x01c6e41596 };
alignas(16) constexpr uint64_t kFold1[2] = { 0x01751997d0, 0x00ccaa009e };
alignas(16) constexpr uint64_t kFold64[2] = { 0x0163cd6124, 0 };
alignas(16) constexpr uint64_t kBarrett[2] = { 0x01db710641, 0x01f7011641 };

#define ADCLICK_CLMUL_TARGET __attribute__((target("pclmul,sse4.1")))

ADCLICK_CLMUL_TARGET inline __m128i load(const unsigned char* q)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
}

//! x folded forward over 128·k bits, plus `next`.
ADCLICK_CLMUL_TARGET inline __m128i fold(__m128i x, __m128i k, __m128i next)
{
    return _mm_xor_si128(
        _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)), next);
}

//! The CRC state `crc` (not inverted: zlib's pre/post inversion is the caller's) over `n` bytes,
//! n ≥ 64 and a multiple of 16.
ADCLICK_CLMUL_TARGET uint32_t foldClmul(const unsigned char* p, std::size_t n, uint32_t crc)
{
    __m128i x1 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(crc)));
    __m128i x2 = load(p + 16), x3 = load(p + 32), x4 = load(p + 48);
    p += 64;
    n -= 64;
    __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kFold4));
    for (; n >= 64; p += 64, n -= 64) {
        x1 = fold(x1, k, load(p));
        x2 = fold(x2, k, load(p + 16));
        x3 = fold(x3, k, load(p + 32));
        x4 = fold(x4, k, load(p + 48));
    }
    k = _mm_load_si128(reinterpret_cast<const __m128i*>(kFold1));
    x1 = fold(x1, k, x2);
    x1 = fold(x1, k, x3);
    x1 = fold(x1, k, x4);
    for (; n >= 16; p += 16, n -= 16)
        x1 = fold(x1, k, load(p));
    // 128 → 64 bits.
    const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);
    __m128i x2b = _mm_clmulepi64_si128(x1, k, 0x10);
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2b);
    k = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(kFold64));
    x2b = _mm_srli_si128(x1, 4);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, low32), k, 0x00), x2b);
    // Barrett reduction to 32 bits.
    k = _mm_load_si128(reinterpret_cast<const __m128i*>(kBarrett));
    x2b = _mm_clmulepi64_si128(_mm_and_si128(x1, low32), k, 0x10);
    x2b = _mm_clmulepi64_si128(_mm_and_si128(x2b, low32), k, 0x00);
    x1 = _mm_xor_si128(x1, x2b);
    return static_cast<uint32_t>(_mm_extract_epi32(x1, 1));
}

bool haveClmul()
{
    static const bool yes = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    return yes;
}

#endif

} // namespace

uint32_t crc32Update(uint32_t crc, const void* data, std::size_t bytes)
{
    const auto* p = static_cast<const unsigned char*>(data);
#ifdef ADCLICK_CRC32_CLMUL
    if (bytes >= 64 && haveClmul()) {
        const std::size_t body = bytes & ~std::size_t(15);
        crc = ~foldClmul(p, body, ~crc);
        p += body;
        bytes -= body;
    }
#endif
    return zlibCrc(crc, p, bytes);
}

} // namespace adclick::core
