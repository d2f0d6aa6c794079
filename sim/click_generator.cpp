#include "sim/click_generator.h"

#include "core/base/click_event.h"
#include "core/input/line_splitter.h"
#include "core/base/timestamp.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>

namespace adclick::core {

namespace {

__extension__ typedef unsigned __int128 U128;

constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxEpochMs = 253'402'300'799'999; // 9999-12-31T23:59:59.999Z
//! Late and duplicate events keep this distance from every boundary of the semantics, so their
//! class does not hinge on a millisecond.
constexpr int64_t kMarginMs = 2000;
//! How far behind W − H the late events beyond the horizon go.
constexpr int64_t kBeyondSpanMs = 600'000;
constexpr std::size_t kRingSize = 256; //!< duplicates repeat one of the last kRingSize accepted events
constexpr std::size_t kFlushBytes = 1 << 20;
constexpr std::size_t kTooLongPad = 70'000; //!< > kMaxLineBytes
static_assert(kTooLongPad > kMaxLineBytes);

// ---------------------------------------------------------------------------------------------
// Randomness

//! splitmix64's finalizer (with its increment): a bijection of 64-bit values.
inline uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

inline uint64_t mulHi(uint64_t a, uint64_t b)
{
    return static_cast<uint64_t>((U128(a) * b) >> 64);
}

//! xoshiro256** (Blackman & Vigna), seeded with splitmix64.
class Rng {
public:
    explicit Rng(uint64_t seed)
    {
        uint64_t x = seed;
        for (auto& w : m_s) {
            w = mix64(x);
            x += 0x9E3779B97F4A7C15ull;
        }
    }
    uint64_t next()
    {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    //! Uniform in [0, n).
    uint64_t below(uint64_t n) { return mulHi(next(), n); }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return uniform() < p; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t m_s[4];
};

//! Zipf(s) over ranks 0..n-1 (weight 1/(rank+1)^s), sampled in O(1) with Vose's alias method.
class ZipfTable {
public:
    ZipfTable(std::size_t n, double s)
        : m_prob(n)
        , m_alias(n)
    {
        std::vector<double> p(n);
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = s == 0 ? 1.0 : std::pow(static_cast<double>(i + 1), -s);
            sum += p[i];
        }
        std::vector<uint32_t> small, large;
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = p[i] * static_cast<double>(n) / sum;
            (p[i] < 1 ? small : large).push_back(static_cast<uint32_t>(i));
        }
        while (!small.empty() && !large.empty()) {
            const uint32_t l = small.back(), g = large.back();
            small.pop_back();
            m_prob[l] = p[l];
            m_alias[l] = g;
            p[g] = (p[g] + p[l]) - 1;
            if (p[g] < 1) {
                large.pop_back();
                small.push_back(g);
            }
        }
        for (uint32_t i : large)
            m_prob[i] = 1, m_alias[i] = i;
        for (uint32_t i : small) // only rounding leftovers
            m_prob[i] = 1, m_alias[i] = i;
    }
    uint32_t sample(Rng& rng) const
    {
        const uint64_t x = rng.next();
        const auto i = static_cast<uint32_t>(mulHi(x, m_prob.size()));
        const double u = static_cast<double>(static_cast<uint32_t>(x)) * 0x1.0p-32;
        return u < m_prob[i] ? i : m_alias[i];
    }

private:
    std::vector<double> m_prob;
    std::vector<uint32_t> m_alias;
};

//! rank → id, a bijection of [0, n) (so the most popular ad is not always ad000000).
class Shuffle {
public:
    Shuffle(uint64_t n, Rng& rng)
        : m_n(n)
    {
        if (n <= 1) return;
        do
            m_a = 1 + rng.below(n - 1);
        while (std::gcd(m_a, n) != 1);
        m_b = rng.below(n);
    }
    //! rank, a, b < n ≤ 10^8, so rank · a + b fits in 64 bits.
    uint32_t operator()(uint64_t rank) const { return static_cast<uint32_t>((rank * m_a + m_b) % m_n); }

private:
    uint64_t m_n, m_a = 1, m_b = 0;
};

// ---------------------------------------------------------------------------------------------
// Text

inline void appendUint(std::string& o, uint64_t v)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    o.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

inline void appendPadded(std::string& o, uint64_t v, int width)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    for (int n = static_cast<int>(r.ptr - buf); n < width; ++n)
        o.push_back('0');
    o.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

inline void appendHex(std::string& o, uint64_t v, int digits)
{
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[16];
    for (int i = digits - 1; i >= 0; --i, v >>= 4)
        buf[i] = kHex[v & 15];
    o.append(buf, static_cast<std::size_t>(digits));
}

//! Hex without leading zeros (an IPv6 group).
inline void appendHexGroup(std::string& o, unsigned v)
{
    static constexpr char kHex[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned d = (v >> shift) & 15;
        if (d || started || shift == 0) {
            o.push_back(kHex[d]);
            started = true;
        }
    }
}

inline void appendDouble(std::string& o, double v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    o.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

std::string doubleText(double v)
{
    std::string s;
    appendDouble(s, v);
    return s;
}

std::string msAsSeconds(int64_t ms)
{
    if (ms % 1000 == 0) return std::to_string(ms / 1000);
    return doubleText(static_cast<double>(ms) / 1000);
}

//! `YYYY-MM-DD` + sep + `HH:MM:SS.fff` (+ `Z`) for t ≥ 0, with the date cached per day.
class TimeText {
public:
    void append(std::string& o, int64_t t, char sep, bool zulu)
    {
        const int64_t day = t / 86'400'000;
        const int64_t msOfDay = t % 86'400'000;
        if (day != m_day) setDay(day);
        char buf[24];
        std::memcpy(buf, m_date, 10);
        buf[10] = sep;
        const auto h = static_cast<int>(msOfDay / 3'600'000), mi = static_cast<int>(msOfDay / 60'000 % 60),
                   s = static_cast<int>(msOfDay / 1000 % 60), ms = static_cast<int>(msOfDay % 1000);
        buf[11] = static_cast<char>('0' + h / 10);
        buf[12] = static_cast<char>('0' + h % 10);
        buf[13] = ':';
        buf[14] = static_cast<char>('0' + mi / 10);
        buf[15] = static_cast<char>('0' + mi % 10);
        buf[16] = ':';
        buf[17] = static_cast<char>('0' + s / 10);
        buf[18] = static_cast<char>('0' + s % 10);
        buf[19] = '.';
        buf[20] = static_cast<char>('0' + ms / 100);
        buf[21] = static_cast<char>('0' + ms / 10 % 10);
        buf[22] = static_cast<char>('0' + ms % 10);
        buf[23] = 'Z';
        o.append(buf, zulu ? 24 : 23);
    }

private:
    void setDay(int64_t days)
    {
        const CivilDate date = civilFromDays(days);
        const unsigned m = date.month, d = date.day;
        const auto year = static_cast<unsigned>(date.year); // 1970..9999
        const unsigned parts[] = { year / 1000, year / 100 % 10, year / 10 % 10, year % 10, 10, m / 10,
            m % 10, 10, d / 10, d % 10 };
        for (int i = 0; i < 10; ++i)
            m_date[i] = parts[i] == 10 ? '-' : static_cast<char>('0' + parts[i]);
        m_day = days;
    }

    int64_t m_day = -1;
    char m_date[16] = {};
};

// ---------------------------------------------------------------------------------------------
// Output

class Sink {
public:
    virtual ~Sink() = default;
    virtual Status write(const char* data, std::size_t size) = 0;
    virtual Status close() = 0;
};

class StringSink final : public Sink {
public:
    explicit StringSink(std::string& out)
        : m_out(out)
    { }
    Status write(const char* data, std::size_t size) override
    {
        m_out.append(data, size);
        return {};
    }
    Status close() override { return {}; }

private:
    std::string& m_out;
};

class FileSink final : public Sink {
public:
    ~FileSink() override
    {
        if (m_file && m_file != stdout) std::fclose(m_file);
    }
    Status open(const std::string& path)
    {
        m_path = path;
        if (path == "-") {
            m_file = stdout;
            return {};
        }
        m_file = std::fopen(path.c_str(), "wb");
        if (!m_file) return Status::error("cannot write " + path + ": " + std::strerror(errno));
        return {};
    }
    Status write(const char* data, std::size_t size) override
    {
        if (size && std::fwrite(data, 1, size, m_file) != size)
            return Status::error("cannot write " + m_path + ": " + std::strerror(errno));
        return {};
    }
    Status close() override
    {
        if (!m_file) return {};
        FILE* f = m_file;
        m_file = nullptr;
        const bool ok = f == stdout ? std::fflush(f) == 0 : std::fclose(f) == 0;
        if (!ok) return Status::error("cannot write " + m_path + ": " + std::strerror(errno));
        return {};
    }

private:
    FILE* m_file = nullptr;
    std::string m_path;
};

//! gzip (one member) over a FileSink.
class GzipSink final : public Sink {
public:
    explicit GzipSink(std::unique_ptr<FileSink> file)
        : m_file(std::move(file))
        , m_buf(1 << 18)
    {
        // Level 1: rotated demo logs, not archives; it keeps `gen --gzip` fast.
        m_ok = deflateInit2(&m_z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~GzipSink() override
    {
        if (m_ok) deflateEnd(&m_z);
    }
    Status write(const char* data, std::size_t size) override { return run(data, size, Z_NO_FLUSH); }
    Status close() override
    {
        if (Status s = run(nullptr, 0, Z_FINISH); !s) return s;
        return m_file->close();
    }

private:
    Status run(const char* data, std::size_t size, int flush)
    {
        if (!m_ok) return Status::error("zlib: deflateInit2 failed");
        m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        m_z.avail_in = static_cast<uInt>(size); // callers pass ≤ a few MiB
        for (;;) {
            m_z.next_out = m_buf.data();
            m_z.avail_out = static_cast<uInt>(m_buf.size());
            const int rc = deflate(&m_z, flush);
            if (rc == Z_STREAM_ERROR) return Status::error("zlib: deflate failed");
            const std::size_t have = m_buf.size() - m_z.avail_out;
            if (Status s = m_file->write(reinterpret_cast<const char*>(m_buf.data()), have); !s) return s;
            if (flush == Z_FINISH ? rc == Z_STREAM_END : (m_z.avail_in == 0 && m_z.avail_out != 0)) return {};
        }
    }

    std::unique_ptr<FileSink> m_file;
    std::vector<Bytef> m_buf;
    z_stream m_z {};
    bool m_ok = false;
};

// ---------------------------------------------------------------------------------------------
// The truth: a literal, unoptimised model of docs/semantics.md. It shares nothing with the
// engine; keep it obviously right rather than fast.

class SemanticsModel {
public:
    SemanticsModel(int64_t latenessMs, int64_t horizonMs, bool lateUpdate)
        : m_lateness(latenessMs)
        , m_horizon(horizonMs)
        , m_update(lateUpdate)
    { }

    void onReject(RejectReason reason)
    {
        ++m_lines;
        ++m_rejected;
        ++m_rejectedBy[reason];
    }

    //! Steps 2–5 for one parsed event; returns the class it falls in.
    GenClass onEvent(const GenLine& e)
    {
        ++m_lines;
        GenClass result;
        // 2. Horizon: W = max_event_ms − lateness over the events before this one.
        const bool haveW = m_maxEventMs.has_value();
        const int64_t w = haveW ? *m_maxEventMs - m_lateness : 0;
        const int64_t minute = paneOf(e.timeMs);
        if (haveW && e.timeMs < w - m_horizon) {
            // Late without a dedup check; its key is not kept; never applied.
            ++m_late;
            ++m_panes[{ minute, e.adId, e.country }].late;
            result = GenClass::LateBeyondHorizon;
        } else {
            // 3. Dedup.
            const auto [kept, added] = m_keys.try_emplace(identity(e), e.timeMs);
            if (!added && (!haveW || kept->second >= w - m_horizon)) {
                ++m_duplicates;
                result = GenClass::Duplicate;
            } else {
                kept->second = e.timeMs; // new, or an expired key (treated as absent) kept anew
                // 4. Window.
                Cell& cell = m_panes[{ minute, e.adId, e.country }];
                const bool final = haveW && w >= (minute + 1) * kMinuteMs;
                if (final) {
                    ++m_late;
                    ++cell.late;
                    if (m_update) {
                        ++cell.clicks;
                        ++m_lateApplied;
                    }
                    result = GenClass::Late;
                } else {
                    ++m_accepted;
                    ++cell.clicks;
                    result = GenClass::Accepted;
                }
            }
        }
        // 5. Watermark.
        if (!haveW || e.timeMs > *m_maxEventMs) m_maxEventMs = e.timeMs;
        // Keys older than W − H are absent forever (W never decreases): dropping them changes
        // nothing but memory. Done each time W moved on by H, so the map holds about 2·H of keys.
        const int64_t cutoff = *m_maxEventMs - m_lateness - m_horizon;
        if (!m_lastPrune || cutoff - *m_lastPrune >= m_horizon) {
            m_lastPrune = cutoff;
            std::erase_if(m_keys, [cutoff](const auto& kv) { return kv.second < cutoff; });
        }
        return result;
    }

    void fill(ClickTruth& t) const
    {
        t.counters = { { "lines", m_lines }, { "accepted", m_accepted }, { "duplicates", m_duplicates },
            { "late", m_late }, { "late_applied", m_lateApplied }, { "rejected", m_rejected } };
        if (m_maxEventMs) t.counters["max_event_ms"] = *m_maxEventMs;
        t.rejectedByReason.clear();
        for (std::size_t r = 0; r < kRejectReasonCount; ++r) {
            const auto reason = static_cast<RejectReason>(r);
            const auto it = m_rejectedBy.find(reason);
            t.rejectedByReason[std::string(rejectReasonName(reason))]
                = it == m_rejectedBy.end() ? 0 : it->second;
        }
        t.panes.clear();
        for (const auto& [key, cell] : m_panes)
            t.panes.emplace(key, std::make_pair(cell.clicks, cell.late));
    }

private:
    struct Cell {
        int64_t clicks = 0, late = 0;
    };
    //! "c" + click_id, or "t" + ad_id, time, user_id, ip (NUL-separated: no field holds a NUL).
    static std::string identity(const GenLine& e)
    {
        if (!e.clickId.empty()) return "c" + e.clickId;
        return "t" + e.adId + '\0' + std::to_string(e.timeMs) + '\0' + e.userId + '\0' + e.ip;
    }

    int64_t m_lateness, m_horizon;
    bool m_update;
    std::optional<int64_t> m_maxEventMs;
    std::unordered_map<std::string, int64_t> m_keys; //!< kept identity → its event time
    std::map<ClickTruth::PaneKey, Cell> m_panes;
    int64_t m_lines = 0, m_accepted = 0, m_duplicates = 0, m_late = 0, m_lateApplied = 0, m_rejected = 0;
    std::map<RejectReason, int64_t> m_rejectedBy;
    std::optional<int64_t> m_lastPrune; //!< the cutoff of the last pruning
};

// ---------------------------------------------------------------------------------------------
// The generator

//! Identities (64-bit hashes of ad, time, user, ip) of recent events without a click_id, so
//! that no two generated events share one by accident. Entries older than the caller's cutoff
//! are dropped when the table grows; a false positive only costs a needless perturbation.
class RecentIdentities {
public:
    RecentIdentities() { m_slots.assign(1 << 12, Slot {}); }

    //! False when `key` is present; otherwise inserts it.
    bool insert(uint64_t key, int64_t timeMs, int64_t cutoffMs)
    {
        key |= key == 0; // 0 marks an empty slot
        if ((m_used + 1) * 2 > m_slots.size()) rebuild(cutoffMs);
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = key & mask;; i = (i + 1) & mask) {
            Slot& s = m_slots[i];
            if (s.key == key) return false;
            if (s.key == 0) {
                s = { key, timeMs };
                ++m_used;
                return true;
            }
        }
    }

private:
    struct Slot {
        uint64_t key = 0;
        int64_t timeMs = 0;
    };
    void rebuild(int64_t cutoffMs)
    {
        std::vector<Slot> old;
        old.swap(m_slots);
        std::size_t live = 0;
        for (const Slot& s : old)
            live += s.key != 0 && s.timeMs >= cutoffMs;
        std::size_t size = 1 << 12;
        while (size < live * 4)
            size *= 2;
        m_slots.assign(size, Slot {});
        m_used = 0;
        const std::size_t mask = size - 1;
        for (const Slot& s : old) {
            if (s.key == 0 || s.timeMs < cutoffMs) continue;
            std::size_t i = s.key & mask;
            while (m_slots[i].key != 0)
                i = (i + 1) & mask;
            m_slots[i] = s;
            ++m_used;
        }
    }

    std::vector<Slot> m_slots;
    std::size_t m_used = 0;
};

//! An IP as generated; its text is an injective function of it, and two different texts are
//! always two different addresses (so normalising the text could not merge identities).
struct Ip {
    uint8_t kind = 0; //!< 0 IPv4; 1 `2001:db8:g0:g1:g2:g3:g4:g5` (g0 ≠ 0); 2 `2001:db8::g0:g1:g2:g3`
    uint32_t v4 = 0;
    uint16_t g[6] = {};
};

enum Flag : uint8_t {
    kLowerCountry = 1,
    kEscapeUser = 2, //!< JSON: one character of the user id as \u0075
    kAltTimeKey = 4, //!< JSON: "timestamp" instead of "click_timestamp"
    kShuffleKeys = 8, //!< JSON: keys in a shuffled order
    kExtra = 16, //!< JSON: an unknown extra key
    kQuote = 32, //!< CSV: one field in quotes
    kJsonSpaces = 64, //!< JSON: `", "` and `": "`
};

struct Event {
    int64_t timeMs = 0;
    uint32_t ad = 0, user = 0, country = 0;
    Ip ip;
    uint64_t clickSeq = 0; //!< 0: no click_id
    uint8_t tsForm
        = 0; //!< 0 `YYYY-MM-DD HH:MM:SS.fff`, 1 ISO with Z, 2 epoch ms (JSON: number), 3 JSON "epoch"
    uint8_t flags = 0;
    uint32_t variant = 0; //!< random bits for the style choices
    uint32_t spacing = 0; //!< book/CSV: 0 canonical separators, else a seed for other whitespace
};

enum class Defect : uint8_t {
    None,
    MissingField,
    BadTimestamp,
    BadIp,
    EmptyAdId,
    BadCountry,
    BinaryBytes,
    InvalidUtf8,
    BadJson,
    TooLong
};

RejectReason reasonOf(Defect d)
{
    switch (d) {
    case Defect::MissingField:
        return RejectReason::MissingField;
    case Defect::BadTimestamp:
        return RejectReason::BadTimestamp;
    case Defect::BadIp:
        return RejectReason::BadIp;
    case Defect::EmptyAdId:
        return RejectReason::EmptyAdId;
    case Defect::BadCountry:
        return RejectReason::BadCountry;
    case Defect::BinaryBytes:
        return RejectReason::BinaryBytes;
    case Defect::InvalidUtf8:
        return RejectReason::InvalidUtf8;
    case Defect::BadJson:
        return RejectReason::BadJson;
    case Defect::TooLong:
        return RejectReason::LineTooLong;
    case Defect::None:
        break;
    }
    return RejectReason::Count;
}

enum Field : uint8_t { kAd, kTime, kUser, kIp, kCountry, kClick, kExtraField, kFieldCount };

constexpr std::string_view kJsonExtraKeys[] = { "ua", "session", "referrer", "campaign", "meta" };
constexpr std::string_view kJsonExtraValues[] = {
    R"j("Mozilla/5.0 (X11; Linux x86_64)")j",
    "12345",
    "-4.5e3",
    "true",
    "false",
    "null",
    R"({"a":[1,2,{"b":null}],"c":"d"})",
    "[]",
    R"("caf\u00e9 \"quoted\" \\ \/")",
    "\"\xE6\x9D\xB1\xE4\xBA\xAC\"", // 東京
    R"("\ud83d\ude00")",
};
constexpr std::string_view kCsvExtraNames[] = { "campaign", "referrer", "session", "note" };
constexpr std::string_view kCsvExtraValues[] = {
    "spring",
    "",
    R"("spring, sale")",
    R"("say ""hi""")",
    "caf\xC3\xA9",
    "\xE6\x9D\xB1\xE4\xBA\xAC",
    "a b c",
};

class Generator {
public:
    Generator(const GenOptions& o, std::vector<GenLine>* lines)
        : m_o(o)
        , m_countries(o.countries.empty() ? defaultGenCountries() : o.countries)
        , m_rng(mix64(o.seed ^ 0x6164636C69636B21ull))
        , m_adZipf(o.ads, o.zipf)
        , m_userZipf(o.users, o.zipf)
        , m_countryZipf(m_countries.size(), o.zipf)
        , m_adShuffle(o.ads, m_rng)
        , m_userShuffle(o.users, m_rng)
        , m_clickSalt(m_rng.next())
        , m_ipSalt(m_rng.next())
        , m_msPerEvent(1000.0 / o.rate)
        , m_lines(lines)
    {
        for (uint64_t n = o.ads > 0 ? o.ads - 1 : 0; n >= 10; n /= 10)
            ++m_adDigits;
        m_adDigits = std::max(m_adDigits, 6);
        if (o.truth) m_model.emplace(o.latenessMs, o.dedupHorizonMs, o.lateUpdate);
        // CSV layout, fixed per seed: shuffled columns, one unknown column, name variants.
        std::array<Field, kFieldCount> cols { kAd, kTime, kUser, kIp, kCountry, kClick, kExtraField };
        for (std::size_t i = cols.size() - 1; i > 0; --i)
            std::swap(cols[i], cols[m_rng.below(i + 1)]);
        m_csvCols = cols;
        m_csvMissingCount = 0;
        for (std::size_t i = 0; i < cols.size(); ++i)
            if (cols[i] != kClick && cols[i] != kExtraField)
                m_csvMissingCount = i; // fields before the last required column
        m_csvTimeName = m_rng.below(4) == 0 ? "timestamp" : "click_timestamp";
        m_csvExtraName = kCsvExtraNames[m_rng.below(std::size(kCsvExtraNames))];
        m_csvUpperHeader = m_rng.below(5) == 0;
    }

    Status run(Sink& sink, GenReport& report)
    {
        m_sink = &sink;
        m_buf.reserve(kFlushBytes + (1 << 17));
        if (m_o.format == LineFormat::Csv) emitCsvHeader();
        const double pMal = m_o.malformedRate, pDup = pMal + m_o.dupRate, pLate = pDup + m_o.lateRate;
        for (int64_t i = 0; i < m_o.events && m_error.isOk(); ++i) {
            const double u = m_rng.uniform();
            bool done = false;
            if (i > 0) { // the first line is a plain event, so format detection sees one
                if (u < pMal) {
                    emitMalformed();
                    done = true;
                } else if (u < pDup) {
                    done = emitDuplicate();
                } else if (u < pLate) {
                    done = emitLate();
                }
            }
            if (!done) emitOnTime();
            if (m_o.blankRate > 0 && m_rng.chance(m_o.blankRate)) emitBlank();
            if (m_buf.size() >= kFlushBytes) {
                if (Status s = flush(); !s) return s;
            }
        }
        if (!m_error) return m_error;
        if (Status s = flush(); !s) return s;
        if (Status s = sink.close(); !s) return s;

        report.bytes = m_bytes;
        report.blankLines = m_blank;
        report.headerLines = m_header;
        ClickTruth& t = report.truth;
        if (m_model) {
            m_model->fill(t);
            report.modelChecked = true;
            // The per-line check makes these equal; compare anyway.
            if (t.counter("accepted") != m_accepted || t.counter("duplicates") != m_duplicates
                || t.counter("late") != m_late || t.counter("late_applied") != m_lateApplied
                || t.counter("rejected") != m_rejected)
                return Status::error(
                    "generator bug: the semantics model's counters differ from the intended ones");
        } else {
            t.counters = { { "lines", m_accepted + m_duplicates + m_late + m_rejected },
                { "accepted", m_accepted }, { "duplicates", m_duplicates }, { "late", m_late },
                { "late_applied", m_lateApplied }, { "rejected", m_rejected } };
            if (m_maxMs != kNone) t.counters["max_event_ms"] = m_maxMs;
            for (std::size_t r = 0; r < kRejectReasonCount; ++r)
                t.rejectedByReason[std::string(rejectReasonName(static_cast<RejectReason>(r)))]
                    = m_rejectedBy[r];
        }
        t.settings = settingsOf(m_o, m_countries);
        return {};
    }

    static std::map<std::string, std::string> settingsOf(
        const GenOptions& o, const std::vector<std::string>& countries)
    {
        std::string list;
        for (const auto& c : countries)
            list += (list.empty() ? "" : ",") + c;
        return {
            { "generator", "adclick-gen-1" },
            { "format", std::string(lineFormatName(o.format)) },
            { "seed", std::to_string(o.seed) },
            { "events", std::to_string(o.events) },
            { "ads", std::to_string(o.ads) },
            { "users", std::to_string(o.users) },
            { "countries", list },
            { "zipf", doubleText(o.zipf) },
            { "start", formatIsoUtc(o.startMs) },
            { "start_ms", std::to_string(o.startMs) },
            { "rate", doubleText(o.rate) },
            { "disorder_ms", std::to_string(o.disorderMs) },
            { "dup_rate", doubleText(o.dupRate) },
            { "late_rate", doubleText(o.lateRate) },
            { "malformed_rate", doubleText(o.malformedRate) },
            { "click_ids", doubleText(o.clickIdFraction) },
            { "blank_rate", doubleText(o.blankRate) },
            { "lateness", msAsSeconds(o.latenessMs) },
            { "dedup_horizon", msAsSeconds(o.dedupHorizonMs) },
            { "late", o.lateUpdate ? "update" : "drop" },
        };
    }

private:
    // --- state helpers -------------------------------------------------------------------

    int64_t watermark() const { return m_maxMs == kNone ? kNone : m_maxMs - m_o.latenessMs; }
    Status flush()
    {
        m_bytes += m_buf.size();
        Status s = m_sink->write(m_buf.data(), m_buf.size());
        m_buf.clear();
        return s;
    }

    void setUser(Event& e, uint32_t user, bool roaming)
    {
        e.user = user;
        e.ip = Ip {}; // unused parts stay zero: the identity hash covers all of them
        if (roaming) {
            // A click from somewhere else than the user's usual address.
            const uint64_t r = m_rng.next();
            if ((r & 63) == 0) {
                e.ip.kind = 2;
                for (int k = 0; k < 4; ++k)
                    e.ip.g[k] = static_cast<uint16_t>(mix64(r + k));
            } else {
                e.ip.v4 = outsideCgnat(static_cast<uint32_t>(r >> 32));
            }
            return;
        }
        const uint64_t h = mix64(m_ipSalt ^ user);
        if ((h & 255) < 15) { // ~6% of the users are on IPv6
            e.ip.kind = (h & 256) ? 1 : 2;
            for (int k = 0; k < (e.ip.kind == 1 ? 6 : 4); ++k)
                e.ip.g[k] = static_cast<uint16_t>(mix64(h + k));
            if (e.ip.kind == 1 && e.ip.g[0] == 0) e.ip.g[0] = 1;
        } else {
            e.ip.v4 = outsideCgnat(static_cast<uint32_t>(h >> 32));
        }
    }

    //! On-time events never use 100.64.0.0/10, the late ones without a click_id always do: so
    //! their identities can never meet, and each kind is checked among its own kind only.
    static uint32_t outsideCgnat(uint32_t v4)
    {
        return (v4 & 0xFFC00000u) == kCgnat ? v4 & ~0x00400000u : v4;
    }
    static constexpr uint32_t kCgnat = 0x64400000u; // 100.64.0.0

    //! The fields and the style of a fresh event at `t`.
    Event makeEvent(int64_t t)
    {
        Event e;
        e.timeMs = t;
        e.ad = m_adShuffle(m_adZipf.sample(m_rng));
        e.country = m_countryZipf.sample(m_rng);
        const uint64_t r = m_rng.next();
        setUser(e, m_userShuffle(m_userZipf.sample(m_rng)), (r & 0xFF) < 26); // ~10% roaming
        if (m_o.clickIdFraction > 0 && m_rng.chance(m_o.clickIdFraction)) e.clickSeq = ++m_clickCount;
        const unsigned b1 = (r >> 8) & 0xFF, b2 = (r >> 16) & 0xFF, b3 = (r >> 24) & 0xFF;
        if (m_o.format == LineFormat::Book)
            e.tsForm = b1 < 77 ? 1 : 0; // 30% ISO
        else if (m_o.format == LineFormat::Csv)
            e.tsForm = b1 < 128 ? 0 : (b1 < 192 ? 1 : 2);
        else
            e.tsForm = b1 < 96 ? 0 : (b1 < 160 ? 1 : (b1 < 224 ? 2 : 3));
        e.flags = 0;
        if (b2 < 3) e.flags |= kLowerCountry;
        if (m_o.format == LineFormat::Jsonl) {
            const unsigned b4 = (r >> 32) & 0xFF, b5 = (r >> 40) & 0xFF;
            if (b3 < 3) e.flags |= kEscapeUser;
            if (b4 < 26) e.flags |= kAltTimeKey;
            if (b4 >= 128 && b4 < 154) e.flags |= kShuffleKeys;
            if (b5 < 51) e.flags |= kExtra;
            if (b5 >= 200 && b5 < 226) e.flags |= kJsonSpaces;
        } else if (m_o.format == LineFormat::Csv && b3 < 8) {
            e.flags |= kQuote;
        }
        e.variant = static_cast<uint32_t>(r >> 48);
        return e;
    }

    uint64_t identityHash(const Event& e) const
    {
        uint64_t h = mix64(e.ad ^ (uint64_t(e.user) << 32));
        h = mix64(h ^ static_cast<uint64_t>(e.timeMs));
        h = mix64(h ^ e.ip.kind ^ (uint64_t(e.ip.v4) << 8));
        h = mix64(h ^ e.ip.g[0] ^ (uint64_t(e.ip.g[1]) << 16) ^ (uint64_t(e.ip.g[2]) << 32)
            ^ (uint64_t(e.ip.g[3]) << 48));
        return mix64(h ^ e.ip.g[4] ^ (uint64_t(e.ip.g[5]) << 16));
    }

    //! Makes the identity of an on-time event new by changing its user (or ip). An on-time event
    //! is at most D behind the newest event, and so are all on-time events it could equal
    //! (identities include the time): older ones are forgotten. That keeps the table small and hot.
    void makeUniqueOnTime(Event& e)
    {
        if (e.clickSeq) return; // click ids are unique by construction
        const int64_t cutoff = m_maxMs == kNone ? kNone : m_maxMs - m_o.disorderMs - 1000;
        for (int attempt = 0;; ++attempt) {
            if (m_recentOnTime.insert(identityHash(e), e.timeMs, cutoff)) return;
            if (attempt < 4)
                setUser(e, m_userShuffle(m_userZipf.sample(m_rng)), false);
            else
                setUser(e, e.user, true);
        }
    }

    //! A late event without a click_id gets a 100.64.0.0/10 address (a carrier NAT: phones that
    //! were offline), unused by on-time events, and one no recent late event has.
    void makeUniqueLate(Event& e)
    {
        if (e.clickSeq) return;
        // Late times are ≥ W − H − span; W is known (there are no late events before it).
        const int64_t cutoff = watermark() - m_o.dedupHorizonMs - kBeyondSpanMs - kMarginMs;
        for (;;) {
            e.ip = Ip {};
            e.ip.v4 = kCgnat | static_cast<uint32_t>(m_rng.next() & 0x3FFFFF);
            if (m_recentLate.insert(identityHash(e), e.timeMs, cutoff)) return;
        }
    }

    // --- the kinds of lines ----------------------------------------------------------------

    void emitOnTime()
    {
        const auto nominal = m_o.startMs + static_cast<int64_t>(static_cast<double>(m_onTime) * m_msPerEvent);
        ++m_onTime;
        const int64_t jitter
            = m_o.disorderMs > 0 ? static_cast<int64_t>(m_rng.below(uint64_t(m_o.disorderMs) + 1)) : 0;
        Event e = makeEvent(std::max<int64_t>(0, nominal - jitter));
        makeUniqueOnTime(e);
        const int64_t index = emitEvent(e, GenClass::Accepted, -1);
        m_ring[m_ringNext] = { e, index };
        m_ringNext = (m_ringNext + 1) % kRingSize;
        m_ringCount = std::min(m_ringCount + 1, kRingSize);
        m_maxMs = std::max(m_maxMs, e.timeMs);
    }

    bool emitDuplicate()
    {
        if (m_ringCount == 0) return false;
        const auto& [original, index] = m_ring[m_rng.below(m_ringCount)];
        // Certainly within the dedup horizon: time ≥ W − H (its key is kept, so: duplicate).
        if (original.timeMs < watermark() - m_o.dedupHorizonMs + kMarginMs) return false;
        Event d = original;
        if (m_o.format != LineFormat::Jsonl && m_rng.chance(0.5))
            d.spacing = static_cast<uint32_t>(m_rng.next() | 1); // same fields, other whitespace
        emitEvent(d, GenClass::Duplicate, index);
        return true;
    }

    bool emitLate()
    {
        const int64_t w = watermark();
        if (w == kNone) return false;
        const int64_t h = m_o.dedupHorizonMs;
        // Within the horizon (pane certainly final): [W − H + m, W − 60 s − m].
        const int64_t inLo = w - h + kMarginMs, inHi = w - kMinuteMs - kMarginMs;
        // Beyond it: [W − H − span, W − H − m].
        const int64_t outLo = std::max<int64_t>(0, w - h - kBeyondSpanMs), outHi = w - h - kMarginMs;
        const bool inOk = inLo >= 0 && inLo <= inHi, outOk = outLo <= outHi;
        if (!inOk && !outOk) return false;
        const bool beyond = !inOk || (outOk && m_rng.chance(0.5));
        const int64_t lo = beyond ? outLo : inLo, hi = beyond ? outHi : inHi;
        Event e = makeEvent(lo + static_cast<int64_t>(m_rng.below(uint64_t(hi - lo) + 1)));
        makeUniqueLate(e); // a fresh identity
        emitEvent(e, beyond ? GenClass::LateBeyondHorizon : GenClass::Late, -1);
        return true;
    }

    void emitMalformed()
    {
        static constexpr Defect kCommon[]
            = { Defect::MissingField, Defect::BadTimestamp, Defect::BadIp, Defect::EmptyAdId,
                  Defect::BadCountry, Defect::BinaryBytes, Defect::InvalidUtf8, Defect::BadJson };
        Defect d;
        if (m_rng.below(200) == 0)
            d = Defect::TooLong;
        else
            d = kCommon[m_rng.below(std::size(kCommon) - (m_o.format == LineFormat::Jsonl ? 0 : 1))];
        const auto nominal = m_o.startMs + static_cast<int64_t>(static_cast<double>(m_onTime) * m_msPerEvent);
        const int64_t jitter
            = m_o.disorderMs > 0 ? static_cast<int64_t>(m_rng.below(uint64_t(m_o.disorderMs) + 1)) : 0;
        Event e = makeEvent(std::max<int64_t>(0, nominal - jitter));
        const auto defectVariant = static_cast<uint32_t>(m_rng.next());
        const std::size_t start = m_buf.size();
        render(e, d, defectVariant, m_buf);
        assert(m_buf.size() - start > 0);
        (void)start;
        m_buf.push_back('\n');
        const RejectReason reason = reasonOf(d);
        ++m_rejected;
        ++m_rejectedBy[static_cast<std::size_t>(reason)];
        if (m_model) m_model->onReject(reason);
        if (m_lines) {
            GenLine gl;
            gl.cls = GenClass::Rejected;
            gl.reason = reason;
            m_lines->push_back(std::move(gl));
        }
    }

    void emitBlank()
    {
        static constexpr std::string_view kBlanks[] = { "", "   ", " \t ", "\r" };
        m_buf.append(kBlanks[m_rng.below(std::size(kBlanks))]);
        m_buf.push_back('\n');
        ++m_blank;
        if (m_lines) m_lines->push_back(GenLine {});
    }

    void emitCsvHeader()
    {
        for (std::size_t c = 0; c < m_csvCols.size(); ++c) {
            if (c) m_buf.push_back(',');
            std::string name;
            switch (m_csvCols[c]) {
            case kAd:
                name = "ad_id";
                break;
            case kTime:
                name = m_csvTimeName;
                break;
            case kUser:
                name = "user_id";
                break;
            case kIp:
                name = "ip";
                break;
            case kCountry:
                name = "country";
                break;
            case kClick:
                name = "click_id";
                break;
            default:
                name = m_csvExtraName;
            }
            if (m_csvUpperHeader)
                for (char& ch : name)
                    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            m_buf += name;
        }
        m_buf.push_back('\n');
        ++m_header;
        if (m_lines) {
            GenLine gl;
            gl.cls = GenClass::Header;
            m_lines->push_back(std::move(gl));
        }
    }

    //! Writes a counted event line; returns its index in m_lines (or -1).
    int64_t emitEvent(const Event& e, GenClass cls, int64_t original)
    {
        render(e, Defect::None, 0, m_buf);
        m_buf.push_back('\n');
        switch (cls) {
        case GenClass::Accepted:
            ++m_accepted;
            break;
        case GenClass::Duplicate:
            ++m_duplicates;
            break;
        case GenClass::Late:
            ++m_late;
            m_lateApplied += m_o.lateUpdate;
            break;
        case GenClass::LateBeyondHorizon:
            ++m_late;
            break;
        default:
            assert(false);
        }
        if (!m_model && !m_lines) return -1;
        GenLine gl;
        gl.cls = cls;
        gl.timeMs = e.timeMs;
        appendText(kAd, e, Defect::None, 0, gl.adId);
        appendText(kUser, e, Defect::None, 0, gl.userId);
        appendText(kIp, e, Defect::None, 0, gl.ip);
        gl.country = m_countries[e.country];
        if (e.clickSeq) appendText(kClick, e, Defect::None, 0, gl.clickId);
        gl.original = original;
        if (m_model) {
            const GenClass verdict = m_model->onEvent(gl);
            if (verdict != cls && m_error) {
                m_error = Status::error("generator bug: event line "
                    + std::to_string(m_accepted + m_duplicates + m_late + m_rejected) + " was generated as "
                    + std::string(genClassName(cls)) + " but docs/semantics.md makes it "
                    + std::string(genClassName(verdict)));
                assert(!"intended class differs from the semantics model");
            }
        }
        if (!m_lines) return -1;
        m_lines->push_back(std::move(gl));
        return static_cast<int64_t>(m_lines->size()) - 1;
    }

    // --- rendering ---------------------------------------------------------------------------

    void appendIp(const Ip& ip, std::string& o) const
    {
        if (ip.kind == 0) {
            appendUint(o, ip.v4 >> 24);
            o.push_back('.');
            appendUint(o, (ip.v4 >> 16) & 255);
            o.push_back('.');
            appendUint(o, (ip.v4 >> 8) & 255);
            o.push_back('.');
            appendUint(o, ip.v4 & 255);
            return;
        }
        o.append(ip.kind == 1 ? "2001:db8" : "2001:db8:");
        for (int k = 0; k < (ip.kind == 1 ? 6 : 4); ++k) {
            o.push_back(':');
            appendHexGroup(o, ip.g[k]);
        }
    }

    //! The bare text of a field (no quotes; for JSON, escapes only in the user id).
    void appendText(Field f, const Event& e, Defect d, uint32_t dv, std::string& o, bool json = false)
    {
        switch (f) {
        case kAd:
            if (d != Defect::EmptyAdId) {
                o += "ad";
                appendPadded(o, e.ad, m_adDigits);
            }
            return;
        case kTime:
            if (d == Defect::BadTimestamp)
                o += "2021-13-45 99:00:00";
            else if (e.tsForm >= 2)
                appendUint(o, static_cast<uint64_t>(e.timeMs));
            else
                m_time.append(o, e.timeMs, e.tsForm == 1 ? 'T' : ' ', e.tsForm == 1);
            return;
        case kUser:
            if (d == Defect::BinaryBytes) {
                o += "us";
                o.push_back((dv & 1) ? '\x01' : '\0');
                o += "er";
            } else if (json && d == Defect::None && (e.flags & kEscapeUser)) {
                o += "\\u0075ser";
            } else {
                o += "user";
            }
            if (d == Defect::InvalidUtf8) o.push_back('\xFF');
            appendUint(o, e.user);
            if (d == Defect::TooLong) o.append(kTooLongPad, 'x');
            return;
        case kIp:
            if (d == Defect::BadIp)
                o += "999.1.1.1";
            else
                appendIp(e.ip, o);
            return;
        case kCountry:
            if (d == Defect::BadCountry) {
                o += "U5";
            } else if (e.flags & kLowerCountry) {
                for (char c : m_countries[e.country])
                    o.push_back(static_cast<char>(c - 'A' + 'a'));
            } else {
                o += m_countries[e.country];
            }
            return;
        case kClick:
            o.push_back('c');
            appendHex(o, mix64(m_clickSalt + e.clickSeq), 16);
            return;
        default:
            return;
        }
    }

    //! Whitespace before/after a separator: canonical unless the event has a spacing seed.
    static void appendSpace(std::string& o, uint64_t bits)
    {
        static constexpr std::string_view kSpaces[] = { "", " ", "  ", "\t", " \t" };
        o += kSpaces[bits % std::size(kSpaces)];
    }

    void render(const Event& e, Defect d, uint32_t dv, std::string& o)
    {
        switch (m_o.format) {
        case LineFormat::Book:
            renderBook(e, d, dv, o);
            break;
        case LineFormat::Jsonl:
            renderJson(e, d, dv, o);
            break;
        default:
            renderCsv(e, d, dv, o);
        }
    }

    void renderBook(const Event& e, Defect d, uint32_t dv, std::string& o)
    {
        o += "[AdClickEvent]";
        uint64_t sp = e.spacing ? mix64(e.spacing) : 0;
        o += sp ? ((sp & 1) ? "  " : " ") : " ";
        sp >>= 1;
        // Missing field: the country (and the click id) dropped: four fields.
        const int n = d == Defect::MissingField ? 4 : (e.clickSeq ? 6 : 5);
        static constexpr Field kOrder[] = { kAd, kTime, kUser, kIp, kCountry, kClick };
        for (int k = 0; k < n; ++k) {
            if (k) {
                if (sp) {
                    appendSpace(o, (sp & 7) < 5 ? 0 : 1);
                    o.push_back(',');
                    appendSpace(o, (sp >> 3) & 7);
                    sp >>= 6;
                } else {
                    o += ", ";
                }
            }
            appendText(kOrder[k], e, d, dv, o);
        }
        if (e.spacing) {
            const uint64_t tail = mix64(e.spacing + 1);
            appendSpace(o, tail & 7);
            if (tail & 8) o.push_back('\r');
        }
    }

    void renderCsv(const Event& e, Defect d, uint32_t dv, std::string& o)
    {
        const std::size_t n = d == Defect::MissingField ? m_csvMissingCount : m_csvCols.size();
        const std::size_t quoted = (e.flags & kQuote) ? e.variant % m_csvCols.size() : m_csvCols.size();
        uint64_t sp = e.spacing ? mix64(e.spacing) : 0;
        for (std::size_t c = 0; c < n; ++c) {
            if (c) o.push_back(',');
            if (sp) appendSpace(o, sp & 3);
            const Field f = m_csvCols[c];
            if (f == kExtraField) {
                o += kCsvExtraValues[(e.variant >> 8) % std::size(kCsvExtraValues)];
            } else if (f == kClick && !e.clickSeq) {
                if (c == quoted) o += "\"\"";
            } else {
                if (c == quoted) o.push_back('"');
                appendText(f, e, d, dv, o);
                if (c == quoted) o.push_back('"');
            }
            if (sp) {
                appendSpace(o, (sp >> 2) & 3);
                sp = (sp >> 4) | (uint64_t(1) << 60);
            }
        }
        if (e.spacing && (mix64(e.spacing + 1) & 1)) o.push_back('\r');
    }

    void renderJson(const Event& e, Defect d, uint32_t dv, std::string& o)
    {
        std::array<Field, kFieldCount> keys {};
        std::size_t n = 0;
        for (Field f : { kAd, kTime, kUser, kIp, kCountry })
            keys[n++] = f;
        if (e.clickSeq) keys[n++] = kClick;
        if (e.flags & kExtra) keys[n++] = kExtraField;
        if (e.flags & kShuffleKeys) {
            uint64_t bits = mix64(e.variant);
            for (std::size_t i = n - 1; i > 0; --i, bits >>= 4)
                std::swap(keys[i], keys[(bits & 15) % (i + 1)]);
        }
        static constexpr Field kRequired[] = { kAd, kTime, kUser, kIp, kCountry };
        const Field dropped = d == Defect::MissingField ? kRequired[dv % 5] : kFieldCount;
        const bool spaces = e.flags & kJsonSpaces;
        o.push_back('{');
        bool first = true;
        for (std::size_t k = 0; k < n; ++k) {
            const Field f = keys[k];
            if (f == dropped) continue;
            if (!first) o += spaces ? ", " : ",";
            first = false;
            o.push_back('"');
            switch (f) {
            case kAd:
                o += "ad_id";
                break;
            case kTime:
                o += (e.flags & kAltTimeKey) ? "timestamp" : "click_timestamp";
                break;
            case kUser:
                o += "user_id";
                break;
            case kIp:
                o += "ip";
                break;
            case kCountry:
                o += "country";
                break;
            case kClick:
                o += "click_id";
                break;
            default:
                o += kJsonExtraKeys[(e.variant >> 4) % std::size(kJsonExtraKeys)];
            }
            o += spaces ? "\": " : "\":";
            if (f == kExtraField) {
                o += kJsonExtraValues[(e.variant >> 8) % std::size(kJsonExtraValues)];
            } else if (f == kTime && e.tsForm == 2 && d != Defect::BadTimestamp) {
                appendText(f, e, d, dv, o, true); // a JSON number
            } else {
                o.push_back('"');
                appendText(f, e, d, dv, o, true);
                o.push_back('"');
            }
        }
        if (d != Defect::BadJson) o.push_back('}');
    }

    const GenOptions& m_o;
    const std::vector<std::string>& m_countries;
    Rng m_rng;
    ZipfTable m_adZipf, m_userZipf, m_countryZipf;
    Shuffle m_adShuffle, m_userShuffle;
    uint64_t m_clickSalt, m_ipSalt;
    double m_msPerEvent;
    int m_adDigits = 1;
    std::vector<GenLine>* m_lines;
    std::optional<SemanticsModel> m_model;
    Status m_error;

    std::array<Field, kFieldCount> m_csvCols {};
    std::size_t m_csvMissingCount = 0;
    std::string m_csvTimeName, m_csvExtraName;
    bool m_csvUpperHeader = false;

    Sink* m_sink = nullptr;
    std::string m_buf;
    TimeText m_time;
    RecentIdentities m_recentOnTime, m_recentLate;
    struct RingEntry {
        Event event;
        int64_t line = -1;
    };
    std::array<RingEntry, kRingSize> m_ring {};
    std::size_t m_ringNext = 0, m_ringCount = 0;

    int64_t m_onTime = 0;
    int64_t m_maxMs = kNone;
    uint64_t m_clickCount = 0;
    int64_t m_accepted = 0, m_duplicates = 0, m_late = 0, m_lateApplied = 0, m_rejected = 0;
    std::array<int64_t, kRejectReasonCount> m_rejectedBy {};
    int64_t m_blank = 0, m_header = 0;
    uint64_t m_bytes = 0;
};

// ---------------------------------------------------------------------------------------------
// Truth files

//! Just enough JSON for the truth file: objects, strings, numbers (kept as text), literals.
struct JsonNode {
    enum Type { Null, Bool, Number, String, Object, Array } type = Null;
    std::string text; //!< Number: its text; String: the unescaped value; Bool: "true"/"false"
    // Keys and values of an object in two vectors: a std::pair<std::string, JsonNode> member
    // would need JsonNode complete here, which clang's library refuses.
    std::vector<std::string> keys;
    std::vector<JsonNode> values;
    std::vector<JsonNode> items;

    const JsonNode* find(std::string_view key) const
    {
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == key) return &values[i];
        return nullptr;
    }
};

class JsonText {
public:
    explicit JsonText(std::string_view s)
        : m_s(s)
    { }
    bool document(JsonNode& out)
    {
        if (!value(out, 0)) return false;
        ws();
        return m_p == m_s.size();
    }

private:
    void ws()
    {
        while (
            m_p < m_s.size() && (m_s[m_p] == ' ' || m_s[m_p] == '\n' || m_s[m_p] == '\r' || m_s[m_p] == '\t'))
            ++m_p;
    }
    bool eat(char c)
    {
        ws();
        if (m_p < m_s.size() && m_s[m_p] == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    bool string(std::string& out)
    {
        if (!eat('"')) return false;
        out.clear();
        while (m_p < m_s.size()) {
            const char c = m_s[m_p++];
            if (c == '"') return true;
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (m_p >= m_s.size()) return false;
            const char esc = m_s[m_p++];
            switch (esc) {
            case 'n':
                out.push_back('\n');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'u': {
                if (m_p + 4 > m_s.size()) return false;
                unsigned v = 0;
                if (std::from_chars(m_s.data() + m_p, m_s.data() + m_p + 4, v, 16).ptr
                    != m_s.data() + m_p + 4)
                    return false;
                m_p += 4;
                if (v < 0x80) {
                    out.push_back(static_cast<char>(v));
                } else if (v < 0x800) {
                    out.push_back(static_cast<char>(0xC0 | v >> 6));
                    out.push_back(static_cast<char>(0x80 | (v & 0x3F)));
                } else {
                    out.push_back(static_cast<char>(0xE0 | v >> 12));
                    out.push_back(static_cast<char>(0x80 | (v >> 6 & 0x3F)));
                    out.push_back(static_cast<char>(0x80 | (v & 0x3F)));
                }
                break;
            }
            default:
                out.push_back(esc);
            }
        }
        return false;
    }
    bool value(JsonNode& out, int depth)
    {
        if (depth > 32) return false;
        ws();
        if (m_p >= m_s.size()) return false;
        const char c = m_s[m_p];
        if (c == '{') {
            ++m_p;
            out.type = JsonNode::Object;
            if (eat('}')) return true;
            do {
                std::string key;
                JsonNode v;
                if (!string(key) || !eat(':') || !value(v, depth + 1)) return false;
                out.keys.push_back(std::move(key));
                out.values.push_back(std::move(v));
            } while (eat(','));
            return eat('}');
        }
        if (c == '[') {
            ++m_p;
            out.type = JsonNode::Array;
            if (eat(']')) return true;
            do {
                JsonNode v;
                if (!value(v, depth + 1)) return false;
                out.items.push_back(std::move(v));
            } while (eat(','));
            return eat(']');
        }
        if (c == '"') {
            out.type = JsonNode::String;
            return string(out.text);
        }
        for (std::string_view lit : { "true", "false", "null" }) {
            if (m_s.substr(m_p, lit.size()) == lit) {
                m_p += lit.size();
                out.type = lit == "null" ? JsonNode::Null : JsonNode::Bool;
                out.text = lit;
                return true;
            }
        }
        const std::size_t start = m_p;
        while (m_p < m_s.size() && std::strchr("+-0123456789.eE", m_s[m_p]) && m_s[m_p] != '\0')
            ++m_p;
        if (m_p == start) return false;
        out.type = JsonNode::Number;
        out.text = m_s.substr(start, m_p - start);
        return true;
    }

    std::string_view m_s;
    std::size_t m_p = 0;
};

std::string jsonQuote(std::string_view s)
{
    std::string out = "\"";
    for (const unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
    return out;
}

bool isJsonNumber(std::string_view s)
{
    if (s.empty()) return false;
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return false;
    // JSON: no leading '+', no leading zeros, digits around the '.'.
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    if (s[i] == '0' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) return false;
    const std::size_t dot = s.find('.');
    return dot == std::string_view::npos
        || (dot + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[dot + 1])));
}

constexpr std::string_view kCounterOrder[]
    = { "lines", "accepted", "duplicates", "late", "late_applied", "rejected" };

std::string countersBody(const ClickTruth& t, std::string_view indent, std::string_view nl)
{
    std::string o;
    for (std::string_view name : kCounterOrder) {
        o += indent;
        o += jsonQuote(name);
        o += ":";
        o += std::to_string(t.counter(name));
        o += ",";
        o += nl;
    }
    o += indent;
    o += "\"rejected_by_reason\":{";
    bool first = true;
    for (const auto& [name, n] : t.rejectedByReason) {
        o += first ? "" : ",";
        first = false;
        o += jsonQuote(name) + ":" + std::to_string(n);
    }
    o += "},";
    o += nl;
    o += indent;
    o += "\"max_event_ms\":";
    const auto it = t.counters.find("max_event_ms");
    o += it == t.counters.end() ? "null" : std::to_string(it->second);
    return o;
}

Status writeWhole(const std::string& path, const std::string& text)
{
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Status::error("cannot write " + path + ": " + std::strerror(errno));
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    const int err = errno;
    if (std::fclose(f) != 0 || !ok)
        return Status::error("cannot write " + path + ": " + std::strerror(ok ? errno : err));
    return {};
}

Result<std::string> readWhole(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Result<std::string>::error("cannot read " + path + ": " + std::strerror(errno));
    std::string text;
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
    const bool bad = std::ferror(f);
    std::fclose(f);
    if (bad) return Result<std::string>::error("cannot read " + path);
    return text;
}

bool parseInt(std::string_view s, int64_t& out)
{
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

//! Opens (creates) every output before the work starts, so a bad path fails at once.
Status checkWritable(const std::string& path)
{
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Status::error("cannot write " + path + ": " + std::strerror(errno));
    std::fclose(f);
    return {};
}

} // namespace

// ---------------------------------------------------------------------------------------------

const std::vector<std::string>& defaultGenCountries()
{
    static const std::vector<std::string> kDefault = { "US", "KR", "JP", "DE", "GB", "FR", "IN", "BR", "CA",
        "AU", "CN", "IT", "ES", "MX", "NL", "SE", "SG", "TW", "ID", "TR" };
    return kDefault;
}

std::vector<std::string> genCountryCodes(std::size_t n)
{
    static const char* const kMore[]
        = { "CH", "AT", "BE", "PL", "RU", "UA", "AR", "CL", "CO", "PE", "ZA", "NG", "EG", "SA", "AE", "IL",
              "TH", "VN", "PH", "MY", "NZ", "IE", "PT", "GR", "CZ", "HU", "RO", "DK", "NO", "FI" };
    std::vector<std::string> out;
    std::set<std::string> used;
    auto add = [&](const std::string& c) {
        if (out.size() < n && used.insert(c).second) out.push_back(c);
    };
    for (const auto& c : defaultGenCountries())
        add(c);
    for (const char* c : kMore)
        add(c);
    for (char a = 'A'; a <= 'Z' && out.size() < n; ++a)
        for (char b = 'A'; b <= 'Z'; ++b)
            add(std::string { a, b });
    for (char a = 'A'; a <= 'Z' && out.size() < n; ++a)
        for (char b = 'A'; b <= 'Z'; ++b)
            for (char c = 'A'; c <= 'Z'; ++c)
                add(std::string { a, b, c });
    return out;
}

std::string_view genClassName(GenClass cls)
{
    switch (cls) {
    case GenClass::Header:
        return "header";
    case GenClass::Blank:
        return "blank";
    case GenClass::Accepted:
        return "accepted";
    case GenClass::Duplicate:
        return "duplicate";
    case GenClass::Late:
        return "late";
    case GenClass::LateBeyondHorizon:
        return "late_beyond_horizon";
    case GenClass::Rejected:
        return "rejected";
    }
    return "unknown";
}

int64_t ClickTruth::counter(std::string_view name) const
{
    const auto it = counters.find(std::string(name));
    return it == counters.end() ? 0 : it->second;
}

Status validateGenOptions(const GenOptions& o)
{
    auto fraction = [](double v) { return std::isfinite(v) && v >= 0 && v <= 1; };
    if (o.events < 0) return Status::error("--events must be ≥ 0");
    if (o.format != LineFormat::Book && o.format != LineFormat::Csv && o.format != LineFormat::Jsonl)
        return Status::error("--format must be book, csv or jsonl");
    if (o.ads < 1 || o.ads > 100'000'000) return Status::error("--ads must be between 1 and 100000000");
    if (o.users < 1 || o.users > 100'000'000) return Status::error("--users must be between 1 and 100000000");
    std::set<std::string> seen;
    for (const auto& c : o.countries) {
        if (c.size() < 2 || c.size() > 3
            || !std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
            return Status::error("country codes must be 2 or 3 upper-case letters: '" + c + "'");
        if (!seen.insert(c).second) return Status::error("country code listed twice: " + c);
    }
    if (!std::isfinite(o.zipf) || o.zipf < 0 || o.zipf > 10)
        return Status::error("--zipf must be between 0 and 10");
    if (!std::isfinite(o.rate) || o.rate < 0.001 || o.rate > 1e7)
        return Status::error("--rate must be between 0.001 and 10000000 clicks per second");
    if (o.latenessMs < 0 || o.latenessMs > 86'400'000LL * 365)
        return Status::error("--lateness must be between 0 and one year");
    if (o.dedupHorizonMs < 60'000 || o.dedupHorizonMs > 86'400'000LL * 365)
        return Status::error("--dedup-horizon must be at least 60 s (and at most one year)");
    // An on-time event is at most D behind the newest one, so with D ≤ lateness it is never behind W.
    if (o.disorderMs < 0 || o.disorderMs > o.latenessMs)
        return Status::error("--disorder-ms must be ≥ 0 and at most the lateness ("
            + std::to_string(o.latenessMs) + " ms): on-time events must never be late");
    if (!fraction(o.dupRate) || !fraction(o.lateRate) || !fraction(o.malformedRate)
        || !fraction(o.clickIdFraction) || !fraction(o.blankRate))
        return Status::error(
            "--dup-rate, --late-rate, --malformed-rate and --click-ids must be between 0 and 1");
    if (o.dupRate + o.lateRate + o.malformedRate > 1)
        return Status::error("--dup-rate + --late-rate + --malformed-rate must not exceed 1");
    const double spanMs = static_cast<double>(o.events) * 1000.0 / o.rate;
    if (o.startMs < 0
        || static_cast<double>(o.startMs) + spanMs > static_cast<double>(kMaxEpochMs - 86'400'000))
        return Status::error("--start must be from 1970 on, and the clicks must end before the year 9999");
    return {};
}

Result<GenReport> generateClicksToString(
    const GenOptions& options, std::string& out, std::vector<GenLine>* lines)
{
    if (Status s = validateGenOptions(options); !s) return s;
    if (lines) lines->clear();
    StringSink sink(out);
    Generator gen(options, lines);
    GenReport report;
    if (Status s = gen.run(sink, report); !s) return s;
    return report;
}

Result<GenReport> generateClicks(const GenOptions& options)
{
    if (Status s = validateGenOptions(options); !s) return s;
    if (options.out.empty()) return Status::error("no output file (--out FILE, or - for stdout)");
    std::string prefix = options.truthPrefix.empty() ? options.out : options.truthPrefix;
    if (options.truth && prefix == "-")
        return Status::error(
            "writing the log to stdout: give the truth files a place with --truth PREFIX (or --no-truth)");
    auto file = std::make_unique<FileSink>();
    if (Status s = file->open(options.out); !s) return s;
    GenReport report;
    if (options.truth) {
        report.truthJsonPath = prefix + ".truth.json";
        report.truthCsvPath = prefix + ".truth.csv";
        for (const auto& p : { report.truthJsonPath, report.truthCsvPath })
            if (Status s = checkWritable(p); !s) return s;
    }
    std::unique_ptr<Sink> sink;
    if (options.gzip)
        sink = std::make_unique<GzipSink>(std::move(file));
    else
        sink = std::move(file);
    Generator gen(options, nullptr);
    if (Status s = gen.run(*sink, report); !s) return s;
    if (options.truth) {
        if (Status s = writeTruthFiles(report.truth, prefix); !s) return s;
    }
    return report;
}

std::string truthCountersJson(const ClickTruth& truth)
{
    return "{" + countersBody(truth, "", "") + "}";
}

Status writeTruthFiles(const ClickTruth& t, const std::string& prefix)
{
    std::string json = "{\n" + countersBody(t, "  ", "\n") + ",\n  \"settings\":{";
    bool first = true;
    for (const auto& [key, value] : t.settings) {
        json += first ? "\n    " : ",\n    ";
        first = false;
        json += jsonQuote(key) + ":" + (isJsonNumber(value) ? value : jsonQuote(value));
    }
    json += "\n  }\n}\n";
    if (Status s = writeWhole(prefix + ".truth.json", json); !s) return s;

    std::string csv = "minute,ad_id,country,clicks,late\n";
    for (const auto& [key, cell] : t.panes) {
        const auto& [minute, ad, country] = key;
        csv += std::to_string(minute);
        csv += ',';
        csv += ad;
        csv += ',';
        csv += country;
        csv += ',';
        csv += std::to_string(cell.first);
        csv += ',';
        csv += std::to_string(cell.second);
        csv += '\n';
    }
    return writeWhole(prefix + ".truth.csv", csv);
}

Result<ClickTruth> loadTruth(const std::string& prefix)
{
    ClickTruth t;
    const std::string jsonPath = prefix + ".truth.json", csvPath = prefix + ".truth.csv";
    auto json = readWhole(jsonPath);
    if (!json) return json.status();
    JsonNode root;
    if (!JsonText(*json).document(root) || root.type != JsonNode::Object)
        return Status::error(jsonPath + ": not a JSON object");
    for (std::size_t i = 0; i < root.keys.size(); ++i) {
        const std::string& key = root.keys[i];
        const JsonNode& v = root.values[i];
        if (key == "rejected_by_reason" || key == "settings") {
            if (v.type != JsonNode::Object) return Status::error(jsonPath + ": " + key + " is not an object");
            for (std::size_t j = 0; j < v.keys.size(); ++j) {
                const std::string& k2 = v.keys[j];
                const JsonNode& v2 = v.values[j];
                if (key == "settings") {
                    t.settings[k2] = v2.text;
                    continue;
                }
                int64_t n = 0;
                if (v2.type != JsonNode::Number || !parseInt(v2.text, n))
                    return Status::error(jsonPath + ": rejected_by_reason." + k2 + " is not an integer");
                t.rejectedByReason[k2] = n;
            }
            continue;
        }
        if (v.type == JsonNode::Null) continue; // max_event_ms of a log without events
        int64_t n = 0;
        if (v.type != JsonNode::Number || !parseInt(v.text, n))
            return Status::error(jsonPath + ": " + key + " is not an integer");
        t.counters[key] = n;
    }
    for (std::string_view name : kCounterOrder)
        if (!t.counters.count(std::string(name)))
            return Status::error(jsonPath + ": no \"" + std::string(name) + "\"");

    auto csv = readWhole(csvPath);
    if (!csv) return csv.status();
    std::string_view rest = *csv;
    bool header = true;
    int64_t lineNo = 0;
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        ++lineNo;
        if (header) {
            if (line != "minute,ad_id,country,clicks,late")
                return Status::error(csvPath + ": unexpected header");
            header = false;
            continue;
        }
        if (line.empty()) continue;
        std::string_view f[5];
        std::size_t n = 0;
        for (;;) {
            const std::size_t comma = line.find(',');
            if (n == 5) return Status::error(csvPath + ":" + std::to_string(lineNo) + ": too many fields");
            f[n++] = line.substr(0, comma);
            if (comma == std::string_view::npos) break;
            line.remove_prefix(comma + 1);
        }
        int64_t minute = 0, clicks = 0, late = 0;
        if (n != 5 || !parseInt(f[0], minute) || !parseInt(f[3], clicks) || !parseInt(f[4], late))
            return Status::error(csvPath + ":" + std::to_string(lineNo) + ": malformed row");
        t.panes[{ minute, std::string(f[1]), std::string(f[2]) }] = { clicks, late };
    }
    if (header) return Status::error(csvPath + ": empty file");
    return t;
}

} // namespace adclick::core
