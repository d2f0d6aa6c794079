#include "core/input/parser_options.h"

namespace adclick::core {

namespace {

constexpr std::string_view kFieldNames[kClickFieldCount]
    = { "ad_id", "click_timestamp", "user_id", "ip", "country", "click_id" };

} // namespace

bool parseLineFormat(std::string_view text, LineFormat& out)
{
    if (text == "auto")
        out = LineFormat::Auto;
    else if (text == "book")
        out = LineFormat::Book;
    else if (text == "csv")
        out = LineFormat::Csv;
    else if (text == "jsonl")
        out = LineFormat::Jsonl;
    else
        return false;
    return true;
}

bool parseDelimiter(std::string_view text, char& out)
{
    if (text == "tab" || text == "\t" || text == "\\t") { // a tab byte, or typed as \t
        out = '\t';
        return true;
    }
    if (text != "," && text != ";" && text != "|") return false;
    out = text.front();
    return true;
}

std::string delimiterName(char delimiter)
{
    return delimiter == '\t' ? std::string("tab") : std::string(1, delimiter);
}

std::string_view lineFormatName(LineFormat format)
{
    switch (format) {
    case LineFormat::Auto:
        return "auto";
    case LineFormat::Book:
        return "book";
    case LineFormat::Csv:
        return "csv";
    case LineFormat::Jsonl:
        return "jsonl";
    }
    return "unknown";
}

std::string_view clickFieldName(ClickField field)
{
    const auto i = static_cast<std::size_t>(field);
    return i < kClickFieldCount ? kFieldNames[i] : "unknown";
}

bool parseClickField(std::string_view name, ClickField& out)
{
    for (std::size_t i = 0; i < kClickFieldCount; ++i) {
        if (kFieldNames[i] == name) {
            out = static_cast<ClickField>(i);
            return true;
        }
    }
    return false;
}

bool ColumnMap::empty() const
{
    for (const auto& c : columns)
        if (c) return false;
    return true;
}

bool addColumnMapping(std::string_view spec, ColumnMap& map, std::string& error)
{
    const auto eq = spec.find('=');
    ClickField field {};
    if (eq == std::string_view::npos || !parseClickField(spec.substr(0, eq), field)) {
        error = "--map takes FIELD=COLUMN with FIELD one of ad_id, click_timestamp, user_id, ip, country, "
                "click_id; got '"
            + std::string(spec) + "'";
        return false;
    }
    const std::string_view column = spec.substr(eq + 1);
    if (map[field]) {
        error = "--map " + std::string(clickFieldName(field)) + " is given twice";
        return false;
    }
    if (column.empty() && isRequiredField(field)) {
        error = "--map " + std::string(clickFieldName(field)) + "= : every click needs "
            + std::string(clickFieldName(field)) + "; map it to the column that holds it";
        return false;
    }
    // Separators of the stored text (columnMapText) and control bytes cannot name a column.
    for (const char c : column) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ',') {
            error = "--map " + std::string(spec) + ": a column name cannot contain ',' or control characters";
            return false;
        }
    }
    map[field] = std::string(column);
    return true;
}

std::string columnMapText(const ColumnMap& map)
{
    std::string out;
    for (std::size_t i = 0; i < kClickFieldCount; ++i) {
        if (!map.columns[i]) continue;
        if (!out.empty()) out += ", ";
        out += kFieldNames[i];
        out += '=';
        out += *map.columns[i];
    }
    return out;
}

bool parseColumnMapText(std::string_view text, ColumnMap& out)
{
    out = ColumnMap {};
    std::string error;
    while (!text.empty()) {
        const auto sep = text.find(", ");
        if (!addColumnMapping(text.substr(0, sep), out, error)) return false;
        if (sep == std::string_view::npos) break;
        text.remove_prefix(sep + 2);
    }
    return true;
}

} // namespace adclick::core

namespace adclick::core {

namespace {

struct Synonym {
    std::string_view name; //!< lower case
    ClickField field;
};

// Per field, its own name first (rank 0), then the synonyms in order of preference: when several
// columns name one field, the lowest rank wins (click_timestamp before timestamp before time).
constexpr Synonym kSynonyms[] = {
    { "ad_id", ClickField::AdId },
    { "adid", ClickField::AdId },
    { "ad", ClickField::AdId },
    { "campaign_id", ClickField::AdId },
    { "campaignid", ClickField::AdId },
    { "creative_id", ClickField::AdId },
    { "creativeid", ClickField::AdId },
    { "click_timestamp", ClickField::ClickTimestamp },
    { "clicktimestamp", ClickField::ClickTimestamp },
    { "timestamp", ClickField::ClickTimestamp },
    { "click_time", ClickField::ClickTimestamp },
    { "clicktime", ClickField::ClickTimestamp },
    { "click_ts", ClickField::ClickTimestamp },
    { "clickts", ClickField::ClickTimestamp },
    { "event_time", ClickField::ClickTimestamp },
    { "eventtime", ClickField::ClickTimestamp },
    { "event_timestamp", ClickField::ClickTimestamp },
    { "time", ClickField::ClickTimestamp },
    { "ts", ClickField::ClickTimestamp },
    { "datetime", ClickField::ClickTimestamp },
    { "user_id", ClickField::UserId },
    { "userid", ClickField::UserId },
    { "user", ClickField::UserId },
    { "uid", ClickField::UserId },
    { "visitor_id", ClickField::UserId },
    { "visitorid", ClickField::UserId },
    { "ip", ClickField::Ip },
    { "ip_address", ClickField::Ip },
    { "ipaddress", ClickField::Ip },
    { "client_ip", ClickField::Ip },
    { "clientip", ClickField::Ip },
    { "ip_addr", ClickField::Ip },
    { "remote_addr", ClickField::Ip },
    { "country", ClickField::Country },
    { "country_code", ClickField::Country },
    { "countrycode", ClickField::Country },
    { "geo", ClickField::Country },
    { "click_id", ClickField::ClickId },
    { "clickid", ClickField::ClickId },
    { "event_id", ClickField::ClickId },
    { "eventid", ClickField::ClickId },
};

constexpr std::size_t kLongestSynonym = 16;

} // namespace

bool fieldOfName(std::string_view name, ClickField& field, int& rank)
{
    if (name.empty() || name.size() > kLongestSynonym) return false;
    // The usual keys first, without lower-casing (the JSON lines hot path).
    for (std::size_t f = 0; f < kClickFieldCount; ++f) {
        if (name == kFieldNames[f]) {
            field = static_cast<ClickField>(f);
            rank = 0;
            return true;
        }
    }
    // Lower case, and a blank or hyphen between words as '_': a spreadsheet's "Ad ID" or
    // "Click-Time" is the ad_id or click_time its header means.
    char buf[kLongestSynonym];
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        buf[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c == ' ' || c == '-' ? '_' : c;
    }
    const std::string_view lower(buf, name.size());
    int r = 0;
    ClickField last = ClickField::Count;
    for (const Synonym& s : kSynonyms) {
        r = s.field == last ? r + 1 : 0;
        last = s.field;
        if (s.name == lower) {
            field = s.field;
            rank = r;
            return true;
        }
    }
    return false;
}

std::string fieldSynonyms(ClickField field)
{
    std::string out;
    for (const Synonym& s : kSynonyms) {
        if (s.field != field) continue;
        if (!out.empty()) out += ", ";
        out += s.name;
    }
    return out;
}

} // namespace adclick::core
