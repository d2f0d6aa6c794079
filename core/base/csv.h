#pragma once

#include <string>
#include <string_view>

namespace adclick::core {

//! One CSV field as the reports write it (RFC 4180): quoted when it holds a comma, a quote, a
//! line break or edge spaces, with quotes doubled. Shared by `adclick export` and the GUI's
//! reports, so their files are byte-equal.
std::string csvField(std::string_view value);

} // namespace adclick::core
