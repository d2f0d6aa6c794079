#pragma once
// The text encodings every output of the project shares (the CLI's JSON and CSV, the GUI's CSV
// reports), so the same value is written with the same bytes everywhere.

#include <string>
#include <string_view>

namespace adclick::core {

//! One CSV text field as the reports write it (RFC 4180): quoted when it holds a comma, a quote,
//! a line break or edge spaces, with quotes doubled; otherwise as it is. Text that a spreadsheet
//! would run as a formula (starting with = + - @, a tab or a CR) gets a leading ' (OWASP CSV
//! injection rule): use it for text columns only, never for numbers (-5 must stay a number).
std::string csvField(std::string_view value);
void appendCsvField(std::string& out, std::string_view value);
//! True when a spreadsheet would take a cell starting like `value` for a formula.
bool csvFormulaStart(std::string_view value);

//! A JSON string literal (RFC 8259): `"` and `\` escaped, \n \r \t as such, the other control
//! bytes and DEL as \u00XX; UTF-8 passes as it is. Bytes that are not UTF-8 (a rejected line may
//! hold any) become \ufffd, so the JSON stays valid.
std::string jsonString(std::string_view value);
void appendJsonString(std::string& out, std::string_view value);

} // namespace adclick::core
