#pragma once

#include "core/base/big_alloc.h"
#include "core/pipeline/raw_format.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// The binary raw segment format (files `seg-NNNNNN.acr`, schema version 3 on): a segment is a
// sequence of self-delimiting frames, each holding up to kRawFrameEvents events of one batch in
// file (engine) order — except that stragglers (events more than kRawStragglerMs behind the
// largest time the writer has seen) go to frames of their own, so that the time span of the
// other frames, their index, stays about a minute wide (readers of a time range skip the rest):
//
//   header, 48 bytes little-endian:
//     0 magic "ACRF"   4 version (2; 1 is read too)   5 codec (1 = zstd)   6 reserved (0, 2 bytes)
//     8 events u32    12 ads_packed u32   16 ads_bytes u32   20 cols_packed u32   24 cols_bytes u32
//    28 min_ms i64    36 max_ms i64       44 CRC-32 of bytes 0..43
//   ads section (zstd, ads_packed bytes → ads_bytes): the frame's ad dictionary, varint count then
//     varint length + bytes per ad, in order of first use
//   columns section (zstd, cols_packed bytes → cols_bytes), each column for all events:
//     status (1 byte: 'A' 'L' 'U' 'D'); time (zigzag varint delta from the previous event, the
//     first from min_ms); ad (index into the ad dictionary, 1–4 bytes by its size); countries
//     (dictionary, then indexes); user ids (dictionary, then indexes); ip kind (0 absent, 4 or
//     16: address bytes follow in the ip data, 255: text that is not in canonical form, a varint
//     length + bytes); ip data; click id lengths (varints); click id bytes.
//   version 2 only: the CRC-32 of the two sections (4 bytes), so that a reader of a few frames
//     checks just their bytes, not the 1 MiB checksum blocks (raw_blocks.h) around them.
//
// The header lets a reader skip frames outside a time range without reading them, the separate
// ad dictionary lets it skip frames without an ad after decompressing a few kilobytes; the
// header's own CRC keeps a damaged header from misleading a skip; the frame's CRC (version 2) or
// the segment's CRC blocks (raw_blocks.h, version 1) cover every other byte a reader uses. Every
// event reads back exactly as it was given.

namespace adclick::core {

inline constexpr uint32_t kRawFrameEvents = 32768;
//! How far behind the largest time seen an event is stored apart (as a straggler). Out-of-order
//! clicks within it stay in the in-order frames: at 3 M clicks an hour with ~30 s of disorder
//! that keeps ~99.5% of events there, each frame spanning ~1.5 minutes.
inline constexpr int64_t kRawStragglerMs = 60'000;
inline constexpr std::size_t kRawFrameHeaderBytes = 48;
inline constexpr const char* kRawFrameExtension = ".acr";

//! A frame header as read from a file.
struct RawFrameHeader {
    uint32_t events = 0;
    uint32_t adsPacked = 0, adsBytes = 0, colsPacked = 0, colsBytes = 0;
    int64_t minMs = 0, maxMs = 0;
    uint8_t version = 2;
    //! The frame carries the CRC of its sections (version 2).
    bool selfChecked() const { return version >= 2; }
    uint64_t frameBytes() const
    {
        return kRawFrameHeaderBytes + uint64_t(adsPacked) + colsPacked + (selfChecked() ? 4 : 0);
    }
};

//! Parses and checks (magic, version, codec, CRC) the header at `p` (kRawFrameHeaderBytes).
bool parseRawFrameHeader(const char* p, RawFrameHeader& out);

//! The sections of `frame` (its bytes, header included) match the frame's CRC; true for a
//! version-1 frame, which has none (the segment's blocks check it).
bool rawFrameSectionsIntact(const RawFrameHeader& header, std::string_view frame);

//! Writes version-1 frames (no CRC of their own), as databases before version 2 hold: for tests
//! that old segments stay readable.
void writeRawFramesV1ForTest(bool on);

//! The raw events of one batch, encoded as they arrive into two open frames, the in-order one and
//! the stragglers' (raw_frame.h's header): every kRawFrameEvents events of one a frame is sealed
//! (compressed); the rest waits in column buffers for frames().
class RawBatch {
public:
    RawBatch();
    ~RawBatch();
    RawBatch(const RawBatch&) = delete;
    RawBatch& operator=(const RawBatch&) = delete;

    void add(RawStatus status, int64_t timeMs, std::string_view adId, std::string_view country,
        std::string_view userId, std::string_view ip, std::string_view clickId);

    //! Bytes held: sealed frames plus the column buffers of the open frame (a staging measure).
    std::size_t size() const;
    bool empty() const;
    //! Drops the events; the largest time seen stays (it sorts the next batch's stragglers).
    void clear();
    //! Takes over the largest time `previous` has seen, as if this batch had been it after
    //! clear(): a batch filled after another one (Engine::handOff) sorts its stragglers alike.
    void continueFrom(const RawBatch& previous);

    //! All events as frames. Seals the open frame first (the events stay the same; nothing is
    //! copied): valid until the next add() or clear().
    std::string_view frames() const;
    //! The same frames moved out (the batch is empty afterwards): raw bytes written ahead on
    //! another thread (ingest --threads, committer.h) while the batch fills on.
    std::string takeFrames();

private:
    class Interner;
    struct Columns;
    void seal(Columns& c) const;
    void encodeOpen(Columns& c, std::string& out) const;

    mutable std::string m_encoded; //!< sealed frames
    std::unique_ptr<Columns> m_cols; //!< the open in-order frame
    std::unique_ptr<Columns> m_late; //!< the open stragglers' frame
    int64_t m_maxMs = 0; //!< the largest time seen (valid once m_seen)
    bool m_seen = false;
};

class Filter;

//! The column groups of a frame, in their stored order: a reader that needs only the first ones
//! decompresses only the start of the columns section (each group includes those before it).
enum class RawColumns : uint8_t {
    Ads, //!< status, time, ad
    Countries, //!< + country
    Users, //!< + user id
    Ips, //!< + ip
    All, //!< + click id (and the whole section's layout checked)
};

//! Decodes one frame (its bytes, header included, checked by the caller's CRC blocks).
class RawFrameDecoder {
public:
    RawFrameDecoder();
    ~RawFrameDecoder();
    RawFrameDecoder(const RawFrameDecoder&) = delete;
    RawFrameDecoder& operator=(const RawFrameDecoder&) = delete;

    //! Decompresses the ad dictionary; false when the frame is unreadable.
    bool loadAds(const RawFrameHeader& header, std::string_view frame);
    //! Index of `adId` in the loaded dictionary, or -1.
    int64_t findAd(std::string_view adId) const;
    //! Decompresses and indexes the columns up to `upTo` — and those `filter` reads — (after
    //! loadAds); false when the frame is unreadable. Events handed out hold the fields of the
    //! loaded groups; the others are empty. `filter` (resolved, no saved references; kept alive
    //! by the caller until the next loadColumns) is then applied to the encoded columns:
    //! countries and user ids once per dictionary entry, ip conditions on the address bytes,
    //! with exactly Filter::matches' answer for every event.
    bool loadColumns(const RawFrameHeader& header, std::string_view frame, RawColumns upTo = RawColumns::All,
        const Filter* filter = nullptr);

    //! Which events to hand out; the others are stepped over without being materialised.
    struct Select {
        int64_t ad = -1; //!< only this ad index (-1: every ad)
        bool countedOnly = false; //!< only isCounted() events
        //! Only events whose time passes (null: every time); `ctx` is handed to it.
        bool (*timeOk)(const void* ctx, int64_t timeMs) = nullptr;
        const void* ctx = nullptr;
    };
    //! Calls `fn(event)` for every selected event that passes the filter, in frame order, until
    //! it returns false (then returns true with `stopped` set); false when the columns turn out
    //! unreadable.
    template <class Fn> bool forEach(const Select& select, bool& stopped, Fn&& fn);

private:
    struct Cursor;
    struct Inflater;
    struct RowFilter;
    bool next(Cursor& c, const Select& select, RawEvent& out, bool& done);
    bool parseColumns(RawColumns level);
    bool parseIpsAndClicks(RawColumns level, std::size_t pos); //!< parseColumns' last groups
    bool prepareFilter(const Filter& filter);
    //! 1: the event passes the filter, 0: not, -1: an index beyond its dictionary.
    int passes(const Cursor& c, uint32_t i, const unsigned char* ip, uint64_t ipLen) const;

    std::string m_ads;
    HugeBuffer m_cols; //!< the decompressed columns (only the bytes written are read)
    std::vector<std::string_view> m_adDict, m_countryDict, m_userDict;
    uint32_t m_events = 0;
    int64_t m_minMs = 0;
    RawColumns m_level = RawColumns::All;
    bool m_users = true; //!< the user ids are handed out or filtered (else only stepped over)
    std::unique_ptr<Cursor> m_cursor;
    std::unique_ptr<Inflater> m_inflater;
    std::unique_ptr<RowFilter> m_filter; //!< null fields: no condition on them
    void* m_dctx = nullptr; //!< ZSTD_DCtx
};

//! State of RawFrameDecoder::forEach between events (offsets into the columns).
struct RawFrameDecoder::Cursor {
    uint32_t index = 0;
    int64_t prevMs = 0;
    const unsigned char *status = nullptr, *time = nullptr, *ads = nullptr, *countries = nullptr,
                        *users = nullptr, *ipKinds = nullptr, *ipData = nullptr, *clickLens = nullptr,
                        *clickData = nullptr, *end = nullptr;
    const unsigned char* timeEnd = nullptr; //!< the end of the time column
    uint8_t adWidth = 0, countryWidth = 0, userWidth = 0;
    char ipText[48] = {};
};

template <class Fn> bool RawFrameDecoder::forEach(const Select& select, bool& stopped, Fn&& fn)
{
    Cursor& c = *m_cursor;
    RawEvent e;
    for (;;) {
        bool done = false;
        if (!next(c, select, e, done)) return false;
        if (done) return true;
        if (!fn(e)) {
            stopped = true;
            return true;
        }
    }
}

} // namespace adclick::core
