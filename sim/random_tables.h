#pragma once

// The generator's randomness (internal to adclick_sim): a seeded xoshiro256** stream, Zipf
// popularity tables and rank → id shuffles. Every output byte of `adclick gen` depends on the
// exact sequence of draws, so changing any of this changes the test oracle.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace adclick::core::clickgen {

//! splitmix64's finalizer (with its increment): a bijection of 64-bit values.
inline uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

//! The high 64 bits of a · b.
inline uint64_t mulHi(uint64_t a, uint64_t b)
{
    __extension__ typedef unsigned __int128 U128;
    return static_cast<uint64_t>((U128(a) * b) >> 64);
}

//! xoshiro256** (Blackman & Vigna), seeded with splitmix64. Inline: it runs several times per line.
class Rng {
public:
    explicit Rng(uint64_t seed)
    {
        uint64_t x = seed;
        for (auto& w : m_s) {
            w = mix64(x);
            x += 0x9E3779B97F4A7C15ull;
        }
    }
    uint64_t next()
    {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    //! Uniform in [0, n).
    uint64_t below(uint64_t n) { return mulHi(next(), n); }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return uniform() < p; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t m_s[4];
};

//! Zipf(s) over ranks 0..n-1 (weight 1/(rank+1)^s), sampled in O(1) with Vose's alias method.
class ZipfTable {
public:
    ZipfTable(std::size_t n, double s);
    uint32_t sample(Rng& rng) const
    {
        const uint64_t x = rng.next();
        const auto i = static_cast<uint32_t>(mulHi(x, m_prob.size()));
        const double u = static_cast<double>(static_cast<uint32_t>(x)) * 0x1.0p-32;
        return u < m_prob[i] ? i : m_alias[i];
    }

private:
    std::vector<double> m_prob;
    std::vector<uint32_t> m_alias;
};

//! rank → id, a bijection of [0, n) (so the most popular ad is not always ad000000).
class Shuffle {
public:
    Shuffle(uint64_t n, Rng& rng);
    //! rank, a, b < n ≤ 10^8, so rank · a + b fits in 64 bits.
    uint32_t operator()(uint64_t rank) const { return static_cast<uint32_t>((rank * m_a + m_b) % m_n); }

private:
    uint64_t m_n, m_a = 1, m_b = 0;
};

} // namespace adclick::core::clickgen
