#pragma once
// One spelling per IP address. The same address can be written many ways (2001:db8::1,
// 2001:0DB8:0:0:0:0:0:1, ::ffff:1.2.3.4 for 1.2.3.4); the parser writes every event's address
// in its canonical form, so the dedup identity, the raw events, the aggregates and the filters
// all see one address as one value (docs/semantics.md, "Duplicates").

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace adclick::core {

//! Room for the longest canonical text (an IPv6 address written out in full: 39 bytes).
constexpr std::size_t kMaxCanonicalIpBytes = 40;

//! Dotted IPv4 as inet_pton takes it: four decimal parts 0..255, no leading zeros, nothing else.
bool parseIpv4Strict(std::string_view text, uint8_t out[4]);

//! An IPv4 (dotted, as parseIpv4Strict) or IPv6 (inet_pton) address as bytes: 4 for IPv4 and for
//! IPv4-mapped IPv6 (::ffff:a.b.c.d, which is that IPv4 address), 16 for other IPv6; 0 when
//! `text` is not an address.
uint8_t ipAddressBytes(std::string_view text, uint8_t out[16]);

//! The canonical text of an address of `length` (4 or 16) bytes into `out` (at least
//! kMaxCanonicalIpBytes): IPv4 dotted decimal; IPv6 as RFC 5952 says (lower-case hex without
//! leading zeros, the first longest run of two or more zero groups as "::"). Returns the length.
std::size_t formatIpAddress(const uint8_t* bytes, uint8_t length, char* out);

//! The canonical spelling of the address `text`: a view of `text` itself when it already is
//! canonical (the common case of dotted IPv4 costs no copy), else of `buffer` (at least
//! kMaxCanonicalIpBytes) holding it. Empty when `text` is not an address. No allocation.
std::string_view canonicalIp(std::string_view text, char* buffer);

} // namespace adclick::core
