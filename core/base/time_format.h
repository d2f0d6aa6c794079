#pragma once

#include "core/base/time_zone.h"
#include "core/base/timestamp.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! How the click time stamps of a source are written (`--time-format`, `--time-zone`;
//! docs/semantics.md, "Time stamps"):
//!  - auto (default): ISO 8601 (with `T` or a space, with or without fraction and zone), or an
//!    integer epoch whose unit follows from its magnitude (epochUnitByMagnitude);
//!  - iso: ISO 8601 only;
//!  - epoch-s, epoch-ms, epoch-us, epoch-ns: an epoch in that unit (a `.fraction` is allowed and
//!    truncated to milliseconds);
//!  - a strftime pattern (it contains '%'): %Y %y %m %d %e %H %I %p %M %S %f %b %B %h %a %A %z %Z
//!    %s %T %F %D %R %%; a space matches any run of spaces (none too).
//! Stamps without a zone are in zone(); a stamp's own zone wins. Bad input is false (a counted
//! bad_timestamp reject), never a guess.
class TimeFormat {
public:
    TimeFormat() = default; //!< auto, UTC: exactly parseTimestamp

    //! FORMAT and ZONE as given on the command line; false with a usage message in `error`.
    static bool make(std::string_view format, std::string_view zone, TimeFormat& out, std::string& error);

    //! One text for both settings, to store with a source and compare on resume: "FORMAT" when the
    //! zone is UTC (and FORMAT has no '|'), else "ZONE|FORMAT". The default is "auto".
    std::string spec() const;
    //! The inverse of spec(); "" is the default too (databases from before time formats).
    static bool fromSpec(std::string_view spec, TimeFormat& out, std::string& error);

    const std::string& format() const { return m_text; }
    const TimeZone& zone() const { return m_zone; }
    bool isDefault() const { return m_kind == Kind::Auto && m_zone.isUtc(); }
    //! Same settings: the same spec().
    bool operator==(const TimeFormat& other) const { return spec() == other.spec(); }

    //! Text → epoch ms in 1970..9999. The default takes parseTimestamp's path directly.
    bool parse(std::string_view text, int64_t& epochMs) const
    {
        if (m_kind == Kind::Auto && m_zone.isUtc()) return parseTimestamp(text, epochMs);
        return parseOther(text, epochMs);
    }

private:
    enum class Kind : uint8_t { Auto, Iso, Epoch, Pattern };
    //! A compiled pattern element: a directive letter, or a literal byte (`directive` 0).
    struct Item {
        char directive = 0;
        char literal = 0;
    };
    struct Fields;

    bool parseOther(std::string_view text, int64_t& epochMs) const;
    bool parseIso(std::string_view text, int64_t& epochMs) const;
    bool parsePattern(std::string_view text, int64_t& epochMs) const;
    static bool matchItem(const Item& item, std::string_view text, std::size_t& p, Fields& f);
    static bool matchWordItem(char directive, std::string_view text, std::size_t& p, Fields& f);
    static bool compile(std::string_view pattern, std::vector<Item>& items, std::string& error);
    //! Wall time (ms as if UTC) and an optional own zone → the instant, in range.
    bool finish(int64_t wallMs, bool hasZone, int offsetMinutes, int64_t& epochMs) const;

    Kind m_kind = Kind::Auto;
    EpochUnit m_unit = EpochUnit::Auto;
    std::string m_text = "auto";
    std::vector<Item> m_items;
    TimeZone m_zone;
};

} // namespace adclick::core
