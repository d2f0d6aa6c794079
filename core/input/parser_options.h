#pragma once
// How a LineParser reads a source: the line format and where each click field comes from. Given
// by the command line (--format, --map), the GUI's import dialog, or restored from the database
// with the source (a resumed source is read as it was read before).

#include "core/base/time_format.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace adclick::core {

enum class LineFormat : uint8_t { Auto, Book, Csv, Jsonl };

//! Parses "auto", "book", "csv", "jsonl"; returns false for anything else.
bool parseLineFormat(std::string_view text, LineFormat& out);
std::string_view lineFormatName(LineFormat format);

//! The click fields, in this order everywhere (the book format's column order).
enum class ClickField : uint8_t { AdId, ClickTimestamp, UserId, Ip, Country, ClickId, Count };
constexpr std::size_t kClickFieldCount = static_cast<std::size_t>(ClickField::Count);

//! "ad_id", "click_timestamp", "user_id", "ip", "country", "click_id".
std::string_view clickFieldName(ClickField field);
//! The inverse of clickFieldName (exact, lower case); false for anything else.
bool parseClickField(std::string_view name, ClickField& out);
//! ad_id and click_timestamp; the others may be absent from a log.
constexpr bool isRequiredField(ClickField field)
{
    return field == ClickField::AdId || field == ClickField::ClickTimestamp;
}

//! Where each field is read from in CSV and JSON lines (the book format has fixed positions).
//! Per field: unset → found by name (the field's own name or a synonym, case-insensitively,
//! docs/semantics.md "Columns and absent fields"); a name → the CSV column with that header
//! name (case-insensitive) or the JSON key (exact; "a.b" is key b of the object under key a);
//! empty → the log has no such field, even if a column of that name exists (`--map ip=`).
struct ColumnMap {
    std::array<std::optional<std::string>, kClickFieldCount> columns {};

    const std::optional<std::string>& operator[](ClickField f) const
    {
        return columns[static_cast<std::size_t>(f)];
    }
    std::optional<std::string>& operator[](ClickField f) { return columns[static_cast<std::size_t>(f)]; }
    //! No field mapped: every field found by name.
    bool empty() const;
    bool operator==(const ColumnMap&) const = default;
};

//! Adds one `--map` argument "FIELD=COLUMN" (or "FIELD=" for none) to `map`. On failure returns
//! false with a message in `error` (unknown field, a field mapped twice, a required field mapped
//! to nothing).
bool addColumnMapping(std::string_view spec, ColumnMap& map, std::string& error);

//! The mapped fields as "FIELD=COLUMN" joined by ", " in field order ("" when none): the text
//! the ingest summary prints and the database stores with the source. parseColumnMapText reads
//! it back (false for a text not written by columnMapText).
std::string columnMapText(const ColumnMap& map);
bool parseColumnMapText(std::string_view text, ColumnMap& out);

//! The field a column (or JSON key) name stands for when that field is not mapped: its own name
//! or a common synonym, ignoring ASCII case ("clickTs", "client_ip", "countryCode", …). `rank` 0 is
//! the field's own name; when several columns name one field the lowest rank wins (ties: the
//! first column). False for any other name.
bool fieldOfName(std::string_view name, ClickField& field, int& rank);
//! The names fieldOfName knows for `field`, as "ad_id, adid, ad, …" (help texts, docs, sniffer).
std::string fieldSynonyms(ClickField field);

//! The CSV field separators `--delimiter` accepts: ',' (the default), ';', '\t' and '|'.
//! parseDelimiter reads ",", ";", "|", and for a tab "tab", "\\t" or the byte itself;
//! delimiterName writes "tab" for '\t'.
bool parseDelimiter(std::string_view text, char& out);
std::string delimiterName(char delimiter);
//! Whether a delimiter other than ',' can go with `format`: the book format and JSON lines are
//! comma-separated by definition.
constexpr bool takesDelimiter(LineFormat format)
{
    return format == LineFormat::Auto || format == LineFormat::Csv;
}

struct ParserOptions {
    LineFormat format = LineFormat::Auto;
    ColumnMap map;
    TimeFormat time; //!< --time-format, --time-zone
    //! --delimiter. Another than ',' makes the lines CSV (LineFormat::Auto reads them as Csv): the
    //! book format and JSON lines are comma-separated by definition.
    char delimiter = ',';

    bool operator==(const ParserOptions&) const = default;
};

} // namespace adclick::core
