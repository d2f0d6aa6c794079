#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace adclick::core {

//! The zone of time stamps that carry none (`--time-zone`): UTC, a fixed offset, or an Area/City
//! zone of the system tz database (TZif v1/v2+ files under $TZDIR or /usr/share/zoneinfo, from
//! Debian's tzdata), including the POSIX TZ rule of the file's footer for later years.
//! Immutable after load(); copies share the transition table.
class TimeZone {
public:
    TimeZone() = default; //!< UTC

    //! "UTC" (or "Z"), "±hh:mm" / "±hhmm" / "±hh" (at most 18 h), or an Area/City name.
    //! False with `error` set for anything else or a zone file that cannot be read.
    static bool load(std::string_view name, TimeZone& out, std::string& error);

    //! The canonical name: "UTC", "+05:30", or the Area/City name as given.
    const std::string& name() const { return m_name; }
    bool isUtc() const { return !m_rules && m_fixedSeconds == 0; }

    //! Seconds east of UTC in force at the instant `utcSeconds`.
    int32_t offsetAt(int64_t utcSeconds) const;

    //! The instant (ms since 1970 UTC) of the wall time `wallMs` (the local date and time read
    //! as if it were UTC). The rule (docs/semantics.md, "Time stamps"): a wall time that occurs
    //! twice (clocks set back) is the earlier instant; one that does not occur (clocks set
    //! forward, a gap) is refused: false.
    bool wallToUtc(int64_t wallMs, int64_t& utcMs) const;

    struct Rules; //!< the transitions and the footer rule (time_zone.cpp)

private:
    std::string m_name = "UTC";
    int32_t m_fixedSeconds = 0; //!< when there are no rules
    std::shared_ptr<const Rules> m_rules;
};

} // namespace adclick::core
