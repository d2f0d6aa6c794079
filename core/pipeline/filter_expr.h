#pragma once

#include "core/base/status.h"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! An IPv4 or IPv6 network (an exact address is a full-length prefix). IPv4-mapped IPv6
//! addresses (::ffff:a.b.c.d) are treated as the IPv4 address they carry, on both sides.
struct IpNet {
    std::array<uint8_t, 16> bytes {}; //!< network address, host bits zero; IPv4 uses the first 4
    uint8_t length = 4; //!< 4 or 16 bytes
    uint8_t prefix = 32; //!< 0..32 or 0..128

    //! `addr` or `addr/prefix`; host bits are cleared. nullopt for anything else.
    static std::optional<IpNet> parse(std::string_view text);
    //! Canonical text: `10.1.0.0/16`, `1.2.3.4`, `2001:db8::/32` (RFC 5952 for IPv6).
    std::string text() const;
    //! `addr` holds `length` bytes of a parsed address of the same family.
    bool contains(const uint8_t* addr, uint8_t addrLength) const;
    bool operator==(const IpNet&) const = default;
};

//! Parses an address into 4 or 16 bytes (IPv4-mapped IPv6 → 4); returns the length or 0.
uint8_t parseIpAddress(std::string_view text, uint8_t out[16]);

enum class FilterField : uint8_t { Country, UserId, Ip };
std::string_view filterFieldName(FilterField field);

//! One condition: `field = v`, `field != v`, `field in (v, …)`, `field not in (v, …)`.
struct FilterCondition {
    FilterField field = FilterField::Country;
    bool negated = false;
    //! Sorted, without repeats. Countries are upper case; ip values are canonical network text.
    std::vector<std::string> values;
    std::vector<IpNet> nets; //!< ip only: the parsed `values`, same order

    bool operator==(const FilterCondition& o) const
    {
        return field == o.field && negated == o.negated && values == o.values;
    }
};

//! A filter expression: conditions joined by `and`, plus `@name` references to saved filters
//! (resolveFilter replaces them by their conditions). The empty filter matches every click.
//! A value, immutable after parsing; safe to share between threads.
class Filter {
public:
    bool empty() const { return m_conditions.empty() && m_refs.empty(); }
    const std::vector<FilterCondition>& conditions() const { return m_conditions; }
    //! Names of referenced saved filters (sorted, without repeats); empty once resolved.
    const std::vector<std::string>& savedRefs() const { return m_refs; }

    //! Normalized text: references first, then conditions by field (country, user_id, ip),
    //! sorted values, one space around keywords: `@vip and country in (KR,US) and ip!=10.0.0.0/8`.
    //! Equal filters give equal text, and parseFilter(canonical()) gives the same filter back.
    std::string canonical() const;

    //! True when the click belongs to the filter. Precondition: no saved references (resolve
    //! them first); a filter with unresolved references matches nothing.
    bool matches(std::string_view country, std::string_view userId, std::string_view ip) const;

    //! No user_id or ip condition and no references: the per-country aggregates answer it.
    bool countryOnly() const;
    bool hasCountryCondition() const;
    //! The country conditions as an SQL boolean expression on `column`, e.g.
    //! `country IN ('KR','US') AND country NOT IN ('JP')`; empty when there is none.
    std::string countrySql(std::string_view column = "country") const;

    //! The conditions of `other` added to these (logical and), kept canonical.
    void addAll(const Filter& other);
    //! True when every condition and reference of `part` is also one of these.
    bool includes(const Filter& part) const;
    //! These conditions minus those of `part` (references are kept).
    Filter without(const Filter& part) const;

    bool operator==(const Filter& o) const { return m_conditions == o.m_conditions && m_refs == o.m_refs; }

private:
    friend Result<Filter> parseFilter(std::string_view text);
    friend Result<Filter> resolveFilter(
        const Filter&, const std::function<std::optional<std::string>(const std::string&)>&);
    void normalize();

    std::vector<FilterCondition> m_conditions;
    std::vector<std::string> m_refs;
    bool m_hasIp = false;
};

//! Parses a filter expression (see Filter). Keywords and field names are case-insensitive;
//! values may be quoted with ' or " (a doubled quote inside stands for itself). Errors name
//! the 1-based column: "filter: expected '=', '!=', 'in' or 'not in' after 'country' at column 9".
Result<Filter> parseFilter(std::string_view text);

//! Replaces `@name` references by the expressions `lookup` returns for them (nullopt: no such
//! saved filter), recursively; reports unknown names and reference cycles.
Result<Filter> resolveFilter(
    const Filter& filter, const std::function<std::optional<std::string>(const std::string& name)>& lookup);

//! Adapter for EventFilter::matches (engine.h): ctx is a `const Filter*`.
inline bool filterMatches(
    const void* ctx, std::string_view country, std::string_view userId, std::string_view ip)
{
    return static_cast<const Filter*>(ctx)->matches(country, userId, ip);
}

} // namespace adclick::core
