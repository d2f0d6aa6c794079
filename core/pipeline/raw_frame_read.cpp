#include "core/base/ip_address.h"
#include "core/pipeline/raw_frame.h"
#include "core/pipeline/raw_frame_bits.h"

#include <zstd.h>

// The decoder of raw frames (raw_frame.h). Every length and index is checked against the
// decompressed sizes: a frame that does not decode is reported unreadable, never half used.

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

//! `n` fixed-width indexes at `p`: their start, or null when they do not fit.
const unsigned char* takeIndexes(
    const unsigned char*& p, const unsigned char* end, uint32_t n, std::size_t dictSize, uint8_t& width)
{
    width = indexWidth(dictSize);
    if (uint64_t(end - p) < uint64_t(n) * width) return nullptr;
    const unsigned char* at = p;
    p += std::size_t(n) * width;
    return at;
}

bool validStatus(unsigned char s)
{
    return s == 'A' || s == 'L' || s == 'U' || s == 'D';
}

} // namespace

RawFrameDecoder::RawFrameDecoder()
    : m_cursor(std::make_unique<Cursor>())
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

bool RawFrameDecoder::loadColumns(const RawFrameHeader& h, std::string_view frame)
{
    if (!decompress(dctxOf(m_dctx), m_cols, frame.substr(kRawFrameHeaderBytes + h.adsPacked), h.colsBytes))
        return false;
    const uint32_t n = h.events;
    m_events = n;
    m_minMs = h.minMs;
    Cursor& c = *m_cursor;
    c = Cursor {};
    c.prevMs = h.minMs;
    const auto* p = reinterpret_cast<const unsigned char*>(m_cols.data());
    const auto* end = p + m_cols.size();
    if (uint64_t(end - p) < n) return false;
    c.status = p;
    for (uint32_t i = 0; i < n; ++i)
        if (!validStatus(p[i])) return false;
    p += n;
    c.time = p;
    for (uint32_t i = 0; i < n; ++i) { // the times are variable-length: find where they end
        uint64_t v = 0;
        if (!(p = getVarint(p, end, v))) return false;
    }
    if (!(c.ads = takeIndexes(p, end, n, m_adDict.size(), c.adWidth))) return false;
    if (!(p = readDict(p, end, m_countryDict, n)) || m_countryDict.empty()) return false;
    if (!(c.countries = takeIndexes(p, end, n, m_countryDict.size(), c.countryWidth))) return false;
    if (!(p = readDict(p, end, m_userDict, n)) || m_userDict.empty()) return false;
    if (!(c.users = takeIndexes(p, end, n, m_userDict.size(), c.userWidth))) return false;
    if (uint64_t(end - p) < n) return false;
    c.ipKinds = p;
    p += n;
    c.ipData = p;
    for (uint32_t i = 0; i < n; ++i) { // find where the ip data ends
        const unsigned char kind = c.ipKinds[i];
        uint64_t len = kind == 255 ? 0 : kind;
        if (kind == 255 && !(p = getVarint(p, end, len))) return false;
        if (kind != 0 && kind != 4 && kind != 16 && kind != 255) return false;
        if (len > uint64_t(end - p)) return false;
        p += len;
    }
    c.clickLens = p;
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

bool RawFrameDecoder::next(Cursor& c, const Select& select, RawEvent& out, bool& done)
{
    for (; c.index < m_events; ++c.index) {
        const uint32_t i = c.index;
        uint64_t delta = 0;
        c.time = getVarint(c.time, c.clickLens, delta); // in bounds: loadColumns walked them
        const int64_t t = c.prevMs + unzigzag(delta);
        c.prevMs = t;
        const unsigned char kind = c.ipKinds[i];
        const unsigned char* ip = c.ipData;
        uint64_t ipLen = kind == 255 ? 0 : kind;
        if (kind == 255) ip = getVarint(ip, c.clickLens, ipLen);
        c.ipData = ip + ipLen;
        uint64_t clickLen = 0;
        c.clickLens = getVarint(c.clickLens, c.clickData, clickLen);
        const unsigned char* click = c.clickData;
        c.clickData += clickLen;

        const auto status = static_cast<RawStatus>(c.status[i]);
        const uint32_t ad = getIndex(c.ads + std::size_t(i) * c.adWidth, c.adWidth);
        if (select.countedOnly && !isCounted(status)) continue;
        if (select.ad >= 0 && ad != uint64_t(select.ad)) continue;
        if (select.timeOk && !select.timeOk(select.ctx, t)) continue;
        const uint32_t country = getIndex(c.countries + std::size_t(i) * c.countryWidth, c.countryWidth);
        const uint32_t user = getIndex(c.users + std::size_t(i) * c.userWidth, c.userWidth);
        if (ad >= m_adDict.size() || country >= m_countryDict.size() || user >= m_userDict.size())
            return false;
        out.status = status;
        out.timeMs = t;
        out.adId = m_adDict[ad];
        out.country = m_countryDict[country];
        out.userId = m_userDict[user];
        if (kind == 255 || kind == 0)
            out.ip = std::string_view(reinterpret_cast<const char*>(ip), ipLen);
        else
            out.ip = std::string_view(c.ipText, formatIpAddress(ip, kind, c.ipText));
        out.clickId = std::string_view(reinterpret_cast<const char*>(click), clickLen);
        ++c.index;
        return true;
    }
    done = true;
    return true;
}

} // namespace adclick::core
