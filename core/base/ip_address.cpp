#include "core/base/ip_address.h"

#include <arpa/inet.h>
#include <cstring>

namespace adclick::core {

namespace {

constexpr uint8_t kV4MappedPrefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

std::size_t writeDecimal(unsigned v, char* out)
{
    std::size_t n = 0;
    if (v >= 100) out[n++] = static_cast<char>('0' + v / 100);
    if (v >= 10) out[n++] = static_cast<char>('0' + v / 10 % 10);
    out[n++] = static_cast<char>('0' + v % 10);
    return n;
}

std::size_t writeHexGroup(unsigned v, char* out)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t n = 0;
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned digit = (v >> shift) & 0xf;
        if (digit != 0 || started || shift == 0) {
            out[n++] = kHex[digit];
            started = true;
        }
    }
    return n;
}

} // namespace

bool parseIpv4Strict(std::string_view s, uint8_t out[4])
{
    std::size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
        const std::size_t start = i;
        unsigned v = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
            v = v * 10 + unsigned(s[i] - '0');
            ++i;
        }
        const std::size_t len = i - start;
        // Leading zeros are refused, as inet_pton does: "010" would be octal to some tools.
        if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
        out[part] = static_cast<uint8_t>(v);
    }
    return i == s.size();
}

uint8_t ipAddressBytes(std::string_view text, uint8_t out[16])
{
    if (text.find(':') == std::string_view::npos) return parseIpv4Strict(text, out) ? 4 : 0;
    char buf[48]; // the longest IPv6 text, with an embedded IPv4 address, is 45 bytes
    if (text.size() >= sizeof buf) return 0;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    if (::inet_pton(AF_INET6, buf, out) != 1) return 0;
    if (std::memcmp(out, kV4MappedPrefix, 12) == 0) {
        std::memmove(out, out + 12, 4);
        return 4;
    }
    return 16;
}

std::size_t formatIpAddress(const uint8_t* bytes, uint8_t length, char* out)
{
    std::size_t n = 0;
    if (length == 4) {
        for (int i = 0; i < 4; ++i) {
            if (i) out[n++] = '.';
            n += writeDecimal(bytes[i], out + n);
        }
        return n;
    }
    unsigned groups[8];
    for (int i = 0; i < 8; ++i)
        groups[i] = unsigned(bytes[2 * i]) << 8 | bytes[2 * i + 1];
    // RFC 5952 4.2: "::" shortens the longest run of zero groups (the first of equal ones), and
    // only a run of at least two.
    int bestStart = -1, bestLen = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > bestLen) {
            bestStart = i;
            bestLen = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            out[n++] = ':';
            out[n++] = ':';
            i += bestLen - 1;
            continue;
        }
        if (i > 0 && i != bestStart + bestLen) out[n++] = ':';
        n += writeHexGroup(groups[i], out + n);
    }
    return n;
}

std::string_view canonicalIp(std::string_view text, char* buffer)
{
    uint8_t bytes[16];
    const bool dotted = text.find(':') == std::string_view::npos;
    // Strict dotted IPv4 has one spelling already: the common case keeps the text as it is.
    if (dotted) return parseIpv4Strict(text, bytes) ? text : std::string_view();
    const uint8_t length = ipAddressBytes(text, bytes);
    if (length == 0) return {};
    const std::size_t n = formatIpAddress(bytes, length, buffer);
    const std::string_view canonical(buffer, n);
    return canonical == text ? text : canonical;
}

} // namespace adclick::core
