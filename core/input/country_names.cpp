#include "core/input/country_names.h"

#include <algorithm>
#include <iterator>

namespace adclick::core {

namespace {

struct CountryName {
    std::string_view key; //!< lower-cased (ASCII letters only)
    const char* alpha2;
};

constexpr CountryName kCountries[] = {
#include "core/input/country_table.inc"
};

constexpr std::size_t kLongestName = 64;

} // namespace

const char* countryAlpha2(std::string_view text)
{
    if (text.size() < 3 || text.size() > kLongestName) return nullptr;
    char buf[kLongestName];
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        buf[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
    }
    const std::string_view key(buf, text.size());
    const auto it = std::lower_bound(std::begin(kCountries), std::end(kCountries), key,
        [](const CountryName& row, std::string_view k) { return row.key < k; });
    return it != std::end(kCountries) && it->key == key ? it->alpha2 : nullptr;
}

} // namespace adclick::core
