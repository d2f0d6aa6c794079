#include "core/pipeline/raw_frame.h"

#include "core/base/crc32.h"
#include "core/base/ip_address.h"
#include "core/pipeline/raw_frame_bits.h"

#include <cstring>
#include <zlib.h>
#include <zstd.h>

// The encoder of raw frames (raw_frame.h). It runs on the engine's hot path, once per event:
// three dictionary look-ups, an IPv4 parse and a few appends; a frame is compressed once.

namespace adclick::core {

using namespace rawbits;

namespace {

constexpr uint32_t kMagic = 0x46524341; // "ACRF" little-endian
constexpr uint8_t kVersion = 2;
bool g_writeV1 = false; //!< writeRawFramesV1ForTest
constexpr uint8_t kCodecZstd = 1;
//! zstd level 1: ~4× smaller columns at several hundred MB/s; higher levels cost more CPU on the
//! ingest thread than the few percent of disk they save.
constexpr int kZstdLevel = 1;

uint32_t crcOf(const char* p, std::size_t n)
{
    return static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n)));
}

//! The 4 or 16 bytes of `ip` when formatting them gives `ip` back exactly; else 0.
uint8_t ipBytesOf(std::string_view ip, uint8_t bytes[16])
{
    if (ip.empty()) return 0;
    if (ip.find(':') == std::string_view::npos) return parseIpv4Strict(ip, bytes) ? 4 : 0;
    if (ipAddressBytes(ip, bytes) != 16) return 0; // IPv4-mapped text: kept as written
    char text[kMaxCanonicalIpBytes];
    return std::string_view(text, formatIpAddress(bytes, 16, text)) == ip ? 16 : 0;
}

} // namespace

bool parseRawFrameHeader(const char* p, RawFrameHeader& out)
{
    const auto version = static_cast<uint8_t>(p[4]);
    if (getLe(p, 4) != kMagic || version < 1 || version > kVersion || static_cast<uint8_t>(p[5]) != kCodecZstd
        || getLe(p + 6, 2) != 0)
        return false;
    if (getLe(p + 44, 4) != crcOf(p, 44)) return false;
    out.version = version;
    out.events = static_cast<uint32_t>(getLe(p + 8, 4));
    out.adsPacked = static_cast<uint32_t>(getLe(p + 12, 4));
    out.adsBytes = static_cast<uint32_t>(getLe(p + 16, 4));
    out.colsPacked = static_cast<uint32_t>(getLe(p + 20, 4));
    out.colsBytes = static_cast<uint32_t>(getLe(p + 24, 4));
    out.minMs = static_cast<int64_t>(getLe(p + 28, 8));
    out.maxMs = static_cast<int64_t>(getLe(p + 36, 8));
    return out.events > 0 && out.minMs <= out.maxMs;
}

bool rawFrameSectionsIntact(const RawFrameHeader& h, std::string_view frame)
{
    if (!h.selfChecked()) return true;
    if (frame.size() != h.frameBytes()) return false;
    const std::size_t sections = frame.size() - kRawFrameHeaderBytes - 4;
    const uint32_t crc = crc32Update(0, frame.data() + kRawFrameHeaderBytes, sections);
    return getLe(frame.data() + frame.size() - 4, 4) == crc;
}

void writeRawFramesV1ForTest(bool on)
{
    g_writeV1 = on;
}

namespace {

//! A fast hash of a short string (ids are mostly 4–16 bytes): word loads, multiply-xorshift.
uint64_t hashOf(std::string_view s)
{
    const char* p = s.data();
    const std::size_t n = s.size();
    auto load = [](const char* at) {
        uint64_t w;
        std::memcpy(&w, at, 8);
        return w;
    };
    auto mix = [](uint64_t h, uint64_t w) {
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        return h ^ (h >> 31);
    };
    uint64_t h = (n + 1) * 0x9E3779B97F4A7C15ull;
    if (n >= 8) {
        for (std::size_t i = 0; i + 8 < n; i += 8)
            h = mix(h, load(p + i));
        h = mix(h, load(p + n - 8)); // the last word, overlapping the one before
    } else if (n >= 4) {
        uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        h = mix(h, uint64_t(a) << 32 | b);
    } else if (n > 0) {
        h = mix(h,
            uint64_t(uint8_t(p[0])) | uint64_t(uint8_t(p[n / 2])) << 8 | uint64_t(uint8_t(p[n - 1])) << 16);
    }
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

} // namespace

//! Strings of one frame's column, each stored once: an open-addressing table of indexes into
//! an arena, with 32 bits of each string's hash beside its index so that a probe compares
//! strings only when they very likely match. Cleared per frame by resetting the slots it used.
class RawBatch::Interner {
public:
    uint32_t intern(std::string_view s)
    {
        if ((m_offsets.size() + 1) * 2 > m_slots.size()) grow();
        const uint64_t h = hashOf(s);
        const auto tag = static_cast<uint32_t>(h >> 32);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t at = h & mask;; at = (at + 1) & mask) {
            Slot& slot = m_slots[at];
            if (slot.index == 0) {
                slot = { static_cast<uint32_t>(m_offsets.size() + 1), tag };
                m_used.push_back(static_cast<uint32_t>(at));
                m_offsets.push_back(static_cast<uint32_t>(m_arena.size()));
                m_lengths.push_back(static_cast<uint32_t>(s.size()));
                m_arena.append(s);
                return static_cast<uint32_t>(m_offsets.size() - 1);
            }
            if (slot.tag == tag && get(slot.index - 1) == s) return slot.index - 1;
        }
    }
    std::size_t size() const { return m_offsets.size(); }
    std::string_view get(uint32_t i) const
    {
        return std::string_view(m_arena.data() + m_offsets[i], m_lengths[i]);
    }
    std::size_t bytes() const { return m_arena.size() + 2 * m_offsets.size(); }
    void clear()
    {
        for (const uint32_t at : m_used)
            m_slots[at] = Slot {};
        m_used.clear();
        m_offsets.clear();
        m_lengths.clear();
        m_arena.clear();
    }
    //! varint count, then varint length + bytes per entry.
    void writeTo(std::string& out) const
    {
        putVarint(out, m_offsets.size());
        for (std::size_t i = 0; i < m_offsets.size(); ++i) {
            putVarint(out, m_lengths[i]);
            out.append(get(static_cast<uint32_t>(i)));
        }
    }

private:
    struct Slot {
        uint32_t index = 0; //!< entry + 1; 0: free
        uint32_t tag = 0; //!< high half of the entry's hash
    };
    void grow()
    {
        std::vector<Slot> slots(std::max<std::size_t>(m_slots.size() * 2, 1024));
        m_used.clear();
        for (std::size_t i = 0; i < m_offsets.size(); ++i) {
            const uint64_t h = hashOf(get(static_cast<uint32_t>(i)));
            std::size_t at = h & (slots.size() - 1);
            while (slots[at].index != 0)
                at = (at + 1) & (slots.size() - 1);
            slots[at] = { static_cast<uint32_t>(i + 1), static_cast<uint32_t>(h >> 32) };
            m_used.push_back(static_cast<uint32_t>(at));
        }
        m_slots.swap(slots);
    }

    std::vector<Slot> m_slots;
    std::vector<uint32_t> m_used; //!< slots in use
    std::vector<uint32_t> m_offsets, m_lengths;
    std::string m_arena;
};

//! The open frame's columns as they arrive.
struct RawBatch::Columns {
    std::string status;
    std::vector<int64_t> times;
    std::vector<uint32_t> ads, countries, users;
    Interner adDict, countryDict, userDict;
    std::string ipKinds, ipData, clickLens, clickData;
    int64_t minMs = 0, maxMs = 0;
    uint32_t events = 0;
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    // Scratch of encodeOpen().
    std::string adsSection, colsSection, packed;

    ~Columns() { ZSTD_freeCCtx(cctx); }
    void clear()
    {
        status.clear();
        times.clear();
        ads.clear();
        countries.clear();
        users.clear();
        adDict.clear();
        countryDict.clear();
        userDict.clear();
        ipKinds.clear();
        ipData.clear();
        clickLens.clear();
        clickData.clear();
        events = 0;
    }
    std::size_t size() const
    {
        return status.size() * 16 + adDict.bytes() + userDict.bytes() + ipData.size() + clickData.size();
    }
};

RawBatch::RawBatch()
    : m_cols(std::make_unique<Columns>())
    , m_late(std::make_unique<Columns>())
{ }

RawBatch::~RawBatch() = default;

void RawBatch::add(RawStatus status, int64_t timeMs, std::string_view adId, std::string_view country,
    std::string_view userId, std::string_view ip, std::string_view clickId)
{
    if (!m_seen || timeMs > m_maxMs) m_maxMs = timeMs;
    m_seen = true;
    // (Unsigned: the difference of any two times fits.)
    const bool straggler = static_cast<uint64_t>(m_maxMs) - static_cast<uint64_t>(timeMs) > kRawStragglerMs;
    Columns& c = straggler ? *m_late : *m_cols;
    if (c.events == 0) c.minMs = c.maxMs = timeMs;
    c.minMs = std::min(c.minMs, timeMs);
    c.maxMs = std::max(c.maxMs, timeMs);
    c.status.push_back(static_cast<char>(status));
    c.times.push_back(timeMs);
    c.ads.push_back(c.adDict.intern(adId));
    c.countries.push_back(c.countryDict.intern(country));
    c.users.push_back(c.userDict.intern(userId));
    // An address is kept as its bytes when they give its text back exactly (the parser writes
    // canonical text, so that is every address it passed); anything else is kept as text.
    uint8_t bytes[16];
    const uint8_t length = ipBytesOf(ip, bytes);
    c.ipKinds.push_back(static_cast<char>(ip.empty() ? 0 : length == 0 ? 255 : length));
    if (length != 0) {
        c.ipData.append(reinterpret_cast<const char*>(bytes), length);
    } else if (!ip.empty()) {
        putVarint(c.ipData, ip.size());
        c.ipData.append(ip);
    }
    putVarint(c.clickLens, clickId.size());
    c.clickData.append(clickId);
    if (++c.events == kRawFrameEvents) seal(c);
}

std::size_t RawBatch::size() const
{
    return m_encoded.size() + m_cols->size() + m_late->size();
}

bool RawBatch::empty() const
{
    return m_encoded.empty() && m_cols->events == 0 && m_late->events == 0;
}

void RawBatch::continueFrom(const RawBatch& previous)
{
    m_maxMs = previous.m_maxMs;
    m_seen = previous.m_seen;
}

void RawBatch::clear()
{
    m_encoded.clear();
    m_cols->clear();
    m_late->clear();
}

void RawBatch::seal(Columns& c) const
{
    if (c.events == 0) return;
    encodeOpen(c, m_encoded);
    c.clear();
}

std::string_view RawBatch::frames() const
{
    seal(*m_cols);
    seal(*m_late);
    return m_encoded;
}

std::string RawBatch::takeFrames()
{
    frames();
    std::string out;
    out.swap(m_encoded);
    return out;
}

namespace {

void putIndexes(std::string& out, const std::vector<uint32_t>& indexes, std::size_t dictSize)
{
    const uint8_t width = indexWidth(dictSize);
    const std::size_t at = out.size();
    out.resize(at + indexes.size() * width);
    char* p = out.data() + at;
    for (const uint32_t i : indexes) {
        putLe(p, i, width);
        p += width;
    }
}

//! Appends `section` compressed; returns its compressed size.
std::size_t compressInto(ZSTD_CCtx* cctx, const std::string& section, std::string& out)
{
    const std::size_t at = out.size();
    out.resize(at + ZSTD_compressBound(section.size()));
    const std::size_t n = ZSTD_compressCCtx(
        cctx, out.data() + at, out.size() - at, section.data(), section.size(), kZstdLevel);
    if (ZSTD_isError(n)) std::abort(); // only on a bound the library itself gave: cannot happen
    out.resize(at + n);
    return n;
}

} // namespace

void RawBatch::encodeOpen(Columns& c, std::string& out) const
{
    c.adsSection.clear();
    c.adDict.writeTo(c.adsSection);
    std::string& cols = c.colsSection;
    cols.clear();
    cols.append(c.status);
    int64_t prev = c.minMs;
    for (const int64_t t : c.times) {
        putVarint(cols, zigzag(t - prev));
        prev = t;
    }
    putIndexes(cols, c.ads, c.adDict.size());
    c.countryDict.writeTo(cols);
    putIndexes(cols, c.countries, c.countryDict.size());
    c.userDict.writeTo(cols);
    putIndexes(cols, c.users, c.userDict.size());
    cols.append(c.ipKinds);
    cols.append(c.ipData);
    cols.append(c.clickLens);
    cols.append(c.clickData);

    const std::size_t at = out.size();
    out.resize(at + kRawFrameHeaderBytes);
    const std::size_t adsPacked = compressInto(c.cctx, c.adsSection, out);
    const std::size_t colsPacked = compressInto(c.cctx, cols, out);
    const uint8_t version = g_writeV1 ? 1 : kVersion;
    if (version >= 2) {
        const uint32_t crc = crc32Update(0, out.data() + at + kRawFrameHeaderBytes, adsPacked + colsPacked);
        out.resize(out.size() + 4);
        putLe(out.data() + out.size() - 4, crc, 4);
    }
    char* h = out.data() + at;
    putLe(h, kMagic, 4);
    h[4] = static_cast<char>(version);
    h[5] = static_cast<char>(kCodecZstd);
    putLe(h + 6, 0, 2);
    putLe(h + 8, c.events, 4);
    putLe(h + 12, adsPacked, 4);
    putLe(h + 16, c.adsSection.size(), 4);
    putLe(h + 20, colsPacked, 4);
    putLe(h + 24, cols.size(), 4);
    putLe(h + 28, static_cast<uint64_t>(c.minMs), 8);
    putLe(h + 36, static_cast<uint64_t>(c.maxMs), 8);
    putLe(h + 44, crcOf(h, 44), 4);
}

} // namespace adclick::core
