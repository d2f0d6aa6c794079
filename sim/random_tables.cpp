#include "sim/random_tables.h"

#include <cmath>
#include <numeric>

namespace adclick::core::clickgen {

ZipfTable::ZipfTable(std::size_t n, double s)
    : m_prob(n)
    , m_alias(n)
{
    std::vector<double> p(n);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = s == 0 ? 1.0 : std::pow(static_cast<double>(i + 1), -s);
        sum += p[i];
    }
    std::vector<uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = p[i] * static_cast<double>(n) / sum;
        (p[i] < 1 ? small : large).push_back(static_cast<uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
        const uint32_t l = small.back(), g = large.back();
        small.pop_back();
        m_prob[l] = p[l];
        m_alias[l] = g;
        p[g] = (p[g] + p[l]) - 1;
        if (p[g] < 1) {
            large.pop_back();
            small.push_back(g);
        }
    }
    for (uint32_t i : large)
        m_prob[i] = 1, m_alias[i] = i;
    for (uint32_t i : small) // only rounding leftovers
        m_prob[i] = 1, m_alias[i] = i;
}

Shuffle::Shuffle(uint64_t n, Rng& rng)
    : m_n(n)
{
    if (n <= 1) return;
    do
        m_a = 1 + rng.below(n - 1);
    while (std::gcd(m_a, n) != 1);
    m_b = rng.below(n);
}

} // namespace adclick::core::clickgen
