#pragma once

#include <string_view>

namespace adclick::core {

//! The ISO 3166-1 alpha-2 code of an alpha-3 code ("DEU") or English short or common name
//! ("Germany", "South Korea"), matched ignoring ASCII case; null when `text` is none of them.
//! From Debian's iso-codes (scripts/gen_country_table.py). Two-letter codes are not looked up:
//! the parser takes any two letters as a code.
const char* countryAlpha2(std::string_view text);

} // namespace adclick::core
