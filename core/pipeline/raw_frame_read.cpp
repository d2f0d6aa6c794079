#include "core/base/ip_address.h"
#include "core/pipeline/filter_expr.h"
#include "core/pipeline/raw_frame.h"
#include "core/pipeline/raw_frame_bits.h"

#include <algorithm>
#include <zstd.h>

// The decoder of raw frames (raw_frame.h). Every length and index is checked against the
// decompressed sizes: a frame that does not decode is reported unreadable, never half used.
//
// The columns are stored one after the other (status, time, ad, country, user, ip, click id),
// so a reader that needs only the first ones decompresses the section as a stream and stops
// there: `count` reads status, time and ad — about a fifth of the section.

namespace adclick::core {

using namespace rawbits;

namespace {

ZSTD_DCtx* dctxOf(void* p)
{
    return static_cast<ZSTD_DCtx*>(p);
}

bool decompress(ZSTD_DCtx* dctx, std::string& out, std::string_view packed, uint32_t bytes)
{
    out.resize(bytes);
    const std::size_t n = ZSTD_decompressDCtx(dctx, out.data(), out.size(), packed.data(), packed.size());
    return !ZSTD_isError(n) && n == bytes;
}

//! Reads a dictionary (varint count, then varint length + bytes each) at `p`.
const unsigned char* readDict(
    const unsigned char* p, const unsigned char* end, std::vector<std::string_view>& dict, uint64_t maxCount)
{
    dict.clear();
    uint64_t count = 0;
    if (!(p = getVarint(p, end, count)) || count > maxCount) return nullptr;
    dict.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        uint64_t len = 0;
        if (!(p = getVarint(p, end, len)) || len > uint64_t(end - p)) return nullptr;
        dict.emplace_back(reinterpret_cast<const char*>(p), len);
        p += len;
    }
    return p;
}

//! Steps over up to `count` varints in [p, end), eight bytes at a time (a varint ends at each
//! byte below 0x80): returns where it stopped, `count` keeps those not reached.
const unsigned char* skipVarints(const unsigned char* p, const unsigned char* end, uint64_t& count)
{
    constexpr uint64_t kHigh = 0x8080808080808080ull;
    while (count > 0 && end - p >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        uint64_t stops = ~w & kHigh; // little-endian: byte i of the column is byte i of w
        const uint64_t k = ((stops >> 7) * 0x0101010101010101ull) >> 56; // the stops, summed per byte
        if (k < count) {
            count -= k;
            p += 8;
            continue;
        }
        for (uint64_t i = 1; i < count; ++i)
            stops &= stops - 1;
        p += (__builtin_ctzll(stops) >> 3) + 1;
        count = 0;
        return p;
    }
    for (; count > 0 && p < end; ++p)
        if (*p < 0x80) --count;
    return p;
}

bool validStatus(unsigned char s)
{
    return s == 'A' || s == 'L' || s == 'U' || s == 'D' || s == 'H';
}

//! The bytes a filter condition compares: those of the address as parseIpAddress reads the
//! event's text (kind 4 and 16 hold exactly the bytes their canonical text parses to; an
//! IPv4-mapped address counts as its IPv4 address); length 0 when it is not an address.
uint8_t addressOf(unsigned char kind, const unsigned char* ip, uint64_t ipLen, uint8_t out[16])
{
    static constexpr unsigned char kMapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (kind == 4 || (kind == 16 && std::memcmp(ip, kMapped, 12) == 0)) {
        std::memcpy(out, ip + (kind == 16 ? 12 : 0), 4);
        return 4;
    }
    if (kind == 16) {
        std::memcpy(out, ip, 16);
        return 16;
    }
    return parseIpAddress(std::string_view(reinterpret_cast<const char*>(ip), ipLen), out);
}

//! Filter::matches restricted to the conditions on `field`, for the value `v`.
bool fieldPasses(const Filter& filter, FilterField field, std::string_view v)
{
    for (const FilterCondition& c : filter.conditions()) {
        if (c.field != field) continue;
        if (v.empty()) return false; // an absent field matches no condition, negated or not
        const bool in = std::binary_search(c.values.begin(), c.values.end(), v, std::less<>());
        if (in == c.negated) return false;
    }
    return true;
}

bool hasField(const Filter& filter, FilterField field)
{
    return std::any_of(filter.conditions().begin(), filter.conditions().end(),
        [field](const FilterCondition& c) { return c.field == field; });
}

} // namespace

//! Decompresses the columns section as far as the parser asks (a zstd stream with a bounded
//! output), into the decoder's buffer.
struct RawFrameDecoder::Inflater {
    static constexpr std::size_t kStep = 128 << 10; //!< a zstd block: decompressed per call at least

    ZSTD_DCtx* stream = nullptr;
    ZSTD_inBuffer in {};
    unsigned char* out = nullptr;
    std::size_t have = 0, total = 0;

    ~Inflater() { ZSTD_freeDCtx(stream); }

    bool start(std::string_view packed, char* dst, std::size_t bytes)
    {
        if (!stream && !(stream = ZSTD_createDCtx())) return false;
        if (ZSTD_isError(ZSTD_DCtx_reset(stream, ZSTD_reset_session_only))) return false;
        in = { packed.data(), packed.size(), 0 };
        out = reinterpret_cast<unsigned char*>(dst);
        have = 0;
        total = bytes;
        return true;
    }
    //! Makes the first min(upTo, total) bytes available; false when the stream is damaged.
    bool ensure(std::size_t upTo)
    {
        upTo = std::min(upTo, total);
        while (have < upTo) {
            ZSTD_outBuffer o { out, std::min(total, std::max(upTo, have + kStep)), have };
            const std::size_t inBefore = in.pos;
            const std::size_t r = ZSTD_decompressStream(stream, &o, &in);
            if (ZSTD_isError(r)) return false;
            if (o.pos == have && in.pos == inBefore) return false; // no progress: truncated
            have = o.pos;
            if (r == 0 && have < total) return false; // the stream ends early
        }
        return true;
    }
    //! Bytes from `pos`, at most `want` (fewer only at the end of the section); false on damage.
    bool need(std::size_t pos, std::size_t want) { return ensure(pos + want) && pos <= have; }
};

//! A filter prepared for the loaded frame: the answer for each country and user dictionary
//! entry, the ip conditions for the address bytes.
struct RawFrameDecoder::RowFilter {
    const Filter* filter = nullptr;
    bool none = false; //!< unresolved references: nothing matches (as Filter::matches)
    bool nothing = false; //!< no country or no user id of the frame passes: no event can
    bool countries = false, users = false, ips = false; //!< fields with conditions
    std::vector<uint8_t> countryPass, userPass;
    //! An ip condition: IPv4 networks as (mask, network) words, IPv6 ones as they are.
    struct IpCondition {
        bool negated = false;
        std::vector<std::pair<uint32_t, uint32_t>> v4;
        std::vector<const IpNet*> v6;
    };
    std::vector<IpCondition> ipConditions;
    void prepareIps(const Filter& f)
    {
        for (const FilterCondition& c : f.conditions()) {
            if (c.field != FilterField::Ip) continue;
            IpCondition& out = ipConditions.emplace_back();
            out.negated = c.negated;
            for (const IpNet& net : c.nets) {
                if (net.length == 16) {
                    out.v6.push_back(&net);
                    continue;
                }
                const uint32_t mask = net.prefix == 0 ? 0 : ~uint32_t(0) << (32 - net.prefix);
                out.v4.emplace_back(mask, word(net.bytes.data()) & mask);
            }
        }
    }
    static uint32_t word(const uint8_t* b)
    {
        return uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
    }
    //! True when the address of `length` bytes (4, 16; 0: none) is in one of the networks.
    static bool in(const IpCondition& c, const uint8_t* addr, uint8_t length)
    {
        if (length == 4) {
            const uint32_t a = word(addr);
            for (const auto& [mask, net] : c.v4)
                if ((a & mask) == net) return true;
            return false;
        }
        for (const IpNet* net : c.v6)
            if (net->contains(addr, length)) return true;
        return false;
    }
};

RawFrameDecoder::RawFrameDecoder()
    : m_cursor(std::make_unique<Cursor>())
    , m_inflater(std::make_unique<Inflater>())
    , m_filter(std::make_unique<RowFilter>())
    , m_dctx(ZSTD_createDCtx())
{ }

RawFrameDecoder::~RawFrameDecoder()
{
    ZSTD_freeDCtx(dctxOf(m_dctx));
}

bool RawFrameDecoder::loadAds(const RawFrameHeader& h, std::string_view frame)
{
    if (frame.size() != h.frameBytes()) return false;
    if (!decompress(dctxOf(m_dctx), m_ads, frame.substr(kRawFrameHeaderBytes, h.adsPacked), h.adsBytes))
        return false;
    const auto* p = reinterpret_cast<const unsigned char*>(m_ads.data());
    const auto* end = p + m_ads.size();
    return readDict(p, end, m_adDict, h.events) == end && !m_adDict.empty();
}

int64_t RawFrameDecoder::findAd(std::string_view adId) const
{
    for (std::size_t i = 0; i < m_adDict.size(); ++i)
        if (m_adDict[i] == adId) return static_cast<int64_t>(i);
    return -1;
}

bool RawFrameDecoder::loadColumns(
    const RawFrameHeader& h, std::string_view frame, RawColumns upTo, const Filter* filter)
{
    RowFilter& f = *m_filter;
    f = RowFilter {};
    if (filter && !filter->empty()) {
        f.filter = filter;
        f.none = !filter->savedRefs().empty();
        f.countries = hasField(*filter, FilterField::Country);
        f.users = hasField(*filter, FilterField::UserId);
        f.ips = hasField(*filter, FilterField::Ip);
    }
    RawColumns level = upTo;
    if (f.countries) level = std::max(level, RawColumns::Countries);
    if (f.users) level = std::max(level, RawColumns::Users);
    if (f.ips) level = std::max(level, RawColumns::Ips);
    m_cols.resize(h.colsBytes);
    const std::string_view packed = frame.substr(kRawFrameHeaderBytes + h.adsPacked, h.colsPacked);
    Inflater& z = *m_inflater;
    if (level == RawColumns::All) { // all of it: in one call
        const std::size_t n
            = ZSTD_decompressDCtx(dctxOf(m_dctx), m_cols.data(), h.colsBytes, packed.data(), packed.size());
        if (ZSTD_isError(n) || n != h.colsBytes) return false;
        z.out = reinterpret_cast<unsigned char*>(m_cols.data());
        z.have = z.total = h.colsBytes;
        z.in = { packed.data(), packed.size(), packed.size() };
    } else if (!z.start(packed, m_cols.data(), h.colsBytes)) {
        return false;
    }
    m_events = h.events;
    m_minMs = h.minMs;
    m_level = level;
    m_users = upTo >= RawColumns::Users || f.users; // else the user ids are only stepped over
    if (!parseColumns(level)) return false;
    return f.filter == nullptr || prepareFilter(*filter);
}

bool RawFrameDecoder::parseColumns(RawColumns level)
{
    const uint32_t n = m_events;
    Inflater& z = *m_inflater;
    const unsigned char* base = z.out;
    std::size_t pos = 0;
    Cursor& c = *m_cursor;
    c = Cursor {};
    c.prevMs = m_minMs;
    // A dictionary, decompressing as it goes; `keep` false only steps over its entries.
    auto dict = [&](std::vector<std::string_view>& out, bool keep, std::size_t& size) {
        out.clear();
        uint64_t count = 0;
        if (!z.need(pos, 10)) return false;
        const unsigned char* p = getVarint(base + pos, base + z.have, count);
        if (!p || count > n || count == 0) return false;
        pos = std::size_t(p - base);
        size = count;
        if (keep) out.reserve(count);
        for (uint64_t i = 0; i < count; ++i) {
            uint64_t len = 0;
            if (!z.need(pos, 10) || !(p = getVarint(base + pos, base + z.have, len))) return false;
            pos = std::size_t(p - base);
            if (len > z.total - pos || !z.need(pos, len)) return false;
            if (keep) out.emplace_back(reinterpret_cast<const char*>(base + pos), len);
            pos += len;
        }
        return true;
    };
    // `n` fixed-width indexes into a dictionary of `size` entries.
    auto indexes = [&](std::size_t size, uint8_t& width) -> const unsigned char* {
        width = indexWidth(size);
        const std::size_t bytes = std::size_t(n) * width;
        if (bytes > z.total - pos || !z.need(pos, bytes)) return nullptr;
        pos += bytes;
        return base + pos - bytes;
    };

    if (n > z.total || !z.need(0, n)) return false;
    c.status = base;
    for (uint32_t i = 0; i < n; ++i)
        if (!validStatus(base[i])) return false;
    pos = n;
    c.time = base + pos;
    for (uint64_t left = n; left > 0;) { // the times are variable-length: find where they end
        if (z.have == z.total && pos >= z.have) return false;
        if (pos >= z.have && !z.need(pos, Inflater::kStep)) return false;
        pos = std::size_t(skipVarints(base + pos, base + z.have, left) - base);
    }
    c.timeEnd = base + pos;
    if (!(c.ads = indexes(m_adDict.size(), c.adWidth))) return false;
    if (level == RawColumns::Ads) return true;
    std::size_t size = 0;
    if (!dict(m_countryDict, true, size) || !(c.countries = indexes(size, c.countryWidth))) return false;
    if (level == RawColumns::Countries) return true;
    if (!dict(m_userDict, m_users, size) || !(c.users = indexes(size, c.userWidth))) return false;
    if (level == RawColumns::Users) return true;
    return parseIpsAndClicks(level, pos);
}

bool RawFrameDecoder::parseIpsAndClicks(RawColumns level, std::size_t pos)
{
    const uint32_t n = m_events;
    Inflater& z = *m_inflater;
    const unsigned char* base = z.out;
    Cursor& c = *m_cursor;
    if (n > z.total - pos || !z.need(pos, n)) return false;
    c.ipKinds = base + pos;
    pos += n;
    c.ipData = base + pos;
    for (uint32_t i = 0; i < n; ++i) { // find where the ip data ends
        const unsigned char kind = c.ipKinds[i];
        if (kind != 0 && kind != 4 && kind != 16 && kind != 255) return false;
        uint64_t len = kind == 255 ? 0 : kind;
        if (kind == 255) {
            const unsigned char* p = nullptr;
            if (!z.need(pos, 10) || !(p = getVarint(base + pos, base + z.have, len))) return false;
            pos = std::size_t(p - base);
        }
        if (len > z.total - pos || !z.need(pos, len)) return false;
        pos += len;
    }
    c.clickLens = base + pos; // the end of the ip data
    if (level == RawColumns::Ips) return true;
    const unsigned char* end = base + z.total;
    const unsigned char* p = c.clickLens;
    uint64_t clickBytes = 0;
    for (uint32_t i = 0; i < n; ++i) {
        uint64_t len = 0;
        if (!(p = getVarint(p, end, len))) return false;
        clickBytes += len;
    }
    c.clickData = p;
    if (clickBytes != uint64_t(end - p)) return false;
    c.end = end;
    return true;
}

bool RawFrameDecoder::prepareFilter(const Filter& filter)
{
    RowFilter& f = *m_filter;
    auto table
        = [&filter](FilterField field, const std::vector<std::string_view>& dict, std::vector<uint8_t>& out) {
              out.resize(dict.size());
              for (std::size_t i = 0; i < dict.size(); ++i)
                  out[i] = fieldPasses(filter, field, dict[i]) ? 1 : 0;
          };
    if (f.countries) table(FilterField::Country, m_countryDict, f.countryPass);
    if (f.users) table(FilterField::UserId, m_userDict, f.userPass);
    if (f.ips) f.prepareIps(filter);
    auto noneOf = [](const std::vector<uint8_t>& pass) {
        return std::none_of(pass.begin(), pass.end(), [](uint8_t p) { return p != 0; });
    };
    // e.g. user_id=X in the many frames without X: their events are not even stepped through.
    f.nothing = f.none || (f.countries && noneOf(f.countryPass)) || (f.users && noneOf(f.userPass));
    return true;
}

int RawFrameDecoder::passes(const Cursor& c, uint32_t i, const unsigned char* ip, uint64_t ipLen) const
{
    const RowFilter& f = *m_filter;
    if (f.none) return 0;
    if (f.countries) {
        const uint32_t k = getIndex(c.countries + std::size_t(i) * c.countryWidth, c.countryWidth);
        if (k >= f.countryPass.size()) return -1;
        if (!f.countryPass[k]) return 0;
    }
    if (f.users) {
        const uint32_t k = getIndex(c.users + std::size_t(i) * c.userWidth, c.userWidth);
        if (k >= f.userPass.size()) return -1;
        if (!f.userPass[k]) return 0;
    }
    if (!f.ips) return 1;
    const unsigned char kind = c.ipKinds[i];
    if (kind == 0 || ipLen == 0) return 0; // no ip: no ip condition matches
    uint8_t addr[16];
    const uint8_t length = addressOf(kind, ip, ipLen, addr);
    for (const RowFilter::IpCondition& cond : f.ipConditions)
        if (RowFilter::in(cond, addr, length) == cond.negated) return 0;
    return 1;
}

bool RawFrameDecoder::next(Cursor& c, const Select& select, RawEvent& out, bool& done)
{
    const bool ips = m_level >= RawColumns::Ips, clicks = m_level == RawColumns::All;
    const bool filtered = m_filter->filter != nullptr;
    if (filtered && m_filter->nothing) c.index = m_events;
    for (; c.index < m_events; ++c.index) {
        const uint32_t i = c.index;
        uint64_t delta = *c.time; // one or two bytes mostly (events ~ms apart): the fast path
        if (delta < 0x80) {
            ++c.time;
        } else if (c.time + 1 < c.timeEnd && c.time[1] < 0x80) {
            delta = (delta & 0x7f) | uint64_t(c.time[1]) << 7;
            c.time += 2;
        } else {
            c.time = getVarint(c.time, c.timeEnd, delta); // in bounds: parseColumns counted them
            if (!c.time) return false; // a varint over 64 bits
        }
        const int64_t t = c.prevMs + unzigzag(delta);
        c.prevMs = t;
        unsigned char kind = 0;
        const unsigned char* ip = c.ipData;
        uint64_t ipLen = 0;
        if (ips) {
            kind = c.ipKinds[i];
            ipLen = kind == 255 ? 0 : kind;
            if (kind == 255) ip = getVarint(ip, c.clickLens, ipLen);
            c.ipData = ip + ipLen;
        }
        const unsigned char* click = c.clickData;
        uint64_t clickLen = 0;
        if (clicks) {
            c.clickLens = getVarint(c.clickLens, c.clickData, clickLen);
            c.clickData += clickLen;
        }

        const auto status = static_cast<RawStatus>(c.status[i]);
        const uint32_t ad = getIndex(c.ads + std::size_t(i) * c.adWidth, c.adWidth);
        if (select.countedOnly && !isCounted(status)) continue;
        if (select.ad >= 0 && ad != uint64_t(select.ad)) continue;
        if (select.timeOk && !select.timeOk(select.ctx, t)) continue;
        if (filtered) {
            const int pass = passes(c, i, ip, ipLen);
            if (pass < 0) return false; // an index beyond its dictionary: the frame is unreadable
            if (pass == 0) continue;
        }
        if (ad >= m_adDict.size()) return false;
        out = RawEvent {};
        out.status = status;
        out.timeMs = t;
        out.adId = m_adDict[ad];
        if (m_level >= RawColumns::Countries) {
            const uint32_t country = getIndex(c.countries + std::size_t(i) * c.countryWidth, c.countryWidth);
            if (country >= m_countryDict.size()) return false;
            out.country = m_countryDict[country];
        }
        if (m_users) {
            const uint32_t user = getIndex(c.users + std::size_t(i) * c.userWidth, c.userWidth);
            if (user >= m_userDict.size()) return false;
            out.userId = m_userDict[user];
        }
        if (kind == 255 || (ips && kind == 0))
            out.ip = std::string_view(reinterpret_cast<const char*>(ip), ipLen);
        else if (ips)
            out.ip = std::string_view(c.ipText, formatIpAddress(ip, kind, c.ipText));
        if (clicks) out.clickId = std::string_view(reinterpret_cast<const char*>(click), clickLen);
        ++c.index;
        return true;
    }
    done = true;
    return true;
}

} // namespace adclick::core
