#include "core/cluster/checkpoint.h"

#include "core/base/byte_codec.h"
#include "core/base/crc32.h"
#include "core/ingest/cluster_unit.h"
#include "core/input/line_parser.h"
#include "core/pipeline/engine.h"

#include <charconv>
#include <map>

namespace adclick::core {

namespace {

constexpr std::string_view kMagic = "ACK1";
constexpr std::string_view kRefMark = "adclick-checkpoint/1";
constexpr std::size_t kKeyBytes = 24;

//! A chunk: magic, header (whose checkpoint, which chunk, the body's CRC-32), body. Chunk 0's body
//! starts with the partition's scalar state; every body ends with a run of keys.
struct ChunkHeader {
    std::string topic;
    int32_t partition = 0;
    uint64_t offset = 0, nonce = 0, index = 0;
    uint32_t crc = 0;
};

void writeScalars(ByteWriter& w, const PartitionCheckpoint& c)
{
    writeEngineConfig(w, c.config);
    w.i64(c.maxEventMs);
    w.i64(c.rejectSamples);
    writeCounters(w, c.totals);
    w.str(c.parserState);
}

bool readScalars(ByteReader& r, PartitionCheckpoint& c)
{
    if (!readEngineConfig(r, c.config)) return false;
    c.maxEventMs = r.i64();
    c.rejectSamples = r.i64();
    if (!readCounters(r, c.totals)) return false;
    c.parserState = r.str();
    return r.ok();
}

std::string chunkMessage(
    const PartitionCheckpoint& c, uint64_t nonce, uint64_t index, const std::string& body)
{
    ByteWriter w;
    w.out.append(kMagic);
    w.str(c.topic);
    w.i64(c.partition);
    w.u64(c.offset);
    w.u64(nonce);
    w.u64(index);
    w.u64(crc32Update(0, body.data(), body.size()));
    w.out += body;
    return std::move(w.out);
}

bool readChunkHeader(ByteReader& r, ChunkHeader& h)
{
    h.topic = r.str();
    h.partition = static_cast<int32_t>(r.i64());
    r.u64(h.offset);
    r.u64(h.nonce);
    r.u64(h.index);
    uint64_t crc = 0;
    r.u64(crc);
    h.crc = static_cast<uint32_t>(crc);
    return r.ok();
}

template <class T> bool parseNumber(std::string_view text, T& out)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

} // namespace

PartitionCheckpoint captureCheckpoint(const Engine& engine, int stream, const LineParser& parser,
    const std::string& topic, int32_t partition, uint64_t offset)
{
    PartitionCheckpoint c;
    c.topic = topic;
    c.partition = partition;
    c.offset = offset;
    c.config = engine.config();
    c.maxEventMs = engine.streamMaxEventMs(stream);
    c.rejectSamples = engine.rejectSamples();
    c.totals = engine.totals();
    c.parserState = parser.state();
    engine.forEachStreamKey(stream, [&](const Hash128& key, int64_t timeMs) {
        c.keys.push_back({ key, timeMs });
    });
    return c;
}

int restoreCheckpoint(const PartitionCheckpoint& c, Engine& engine, LineParser& parser)
{
    engine.restore(kNoTime, kNoTime, c.totals, {}, c.rejectSamples);
    const int stream = engine.addStream(c.maxEventMs);
    // Every key was at or after the stream's cutoff when captured; none is below it now.
    const int64_t since
        = c.maxEventMs == kNoTime ? kNoTime : c.maxEventMs - c.config.latenessMs - c.config.dedupHorizonMs;
    for (const CheckpointKey& k : c.keys)
        engine.restoreIdentity(k.identity, k.timeMs, since);
    parser.restore(c.parserState);
    return stream;
}

std::vector<std::string> encodeCheckpoint(
    const PartitionCheckpoint& c, uint64_t nonce, std::size_t chunkBytes)
{
    std::vector<std::string> out;
    ByteWriter body;
    writeScalars(body, c);
    const std::size_t keysPerChunk = std::max<std::size_t>(1, chunkBytes / kKeyBytes);
    std::size_t next = 0;
    do {
        const std::size_t n = std::min(keysPerChunk, c.keys.size() - next);
        body.u64(n);
        for (std::size_t i = next; i < next + n; ++i) {
            body.u64(c.keys[i].identity.lo);
            body.u64(c.keys[i].identity.hi);
            body.i64(c.keys[i].timeMs);
        }
        next += n;
        out.push_back(chunkMessage(c, nonce, out.size(), body.out));
        body.out.clear();
    } while (next < c.keys.size());
    return out;
}

std::string formatCheckpointRef(const CheckpointRef& r)
{
    // Text, so that `kafka-consumer-groups --describe` and kcat show it readably.
    return std::string(kRefMark) + " topic=" + r.stateTopic + " partition=" + std::to_string(r.statePartition)
        + " first=" + std::to_string(r.first) + " last=" + std::to_string(r.last)
        + " chunks=" + std::to_string(r.chunks) + " nonce=" + std::to_string(r.nonce)
        + " offset=" + std::to_string(r.offset) + " aggregate_from=" + std::to_string(r.aggregateFrom);
}

std::optional<CheckpointRef> parseCheckpointRef(std::string_view text)
{
    if (text.substr(0, kRefMark.size()) != kRefMark) return std::nullopt;
    text.remove_prefix(kRefMark.size());
    std::map<std::string_view, std::string_view> fields;
    while (!text.empty()) {
        if (text.front() != ' ') return std::nullopt;
        text.remove_prefix(1);
        const std::size_t end = std::min(text.find(' '), text.size());
        const std::string_view field = text.substr(0, end);
        const std::size_t eq = field.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        fields[field.substr(0, eq)] = field.substr(eq + 1);
        text.remove_prefix(end);
    }
    CheckpointRef r;
    r.stateTopic = std::string(fields["topic"]);
    const bool ok = !r.stateTopic.empty() && parseNumber(fields["partition"], r.statePartition)
        && parseNumber(fields["first"], r.first) && parseNumber(fields["last"], r.last)
        && parseNumber(fields["chunks"], r.chunks) && parseNumber(fields["nonce"], r.nonce)
        && parseNumber(fields["offset"], r.offset) && parseNumber(fields["aggregate_from"], r.aggregateFrom);
    if (!ok || r.chunks == 0 || r.first > r.last || r.statePartition < 0) return std::nullopt;
    return r;
}

CheckpointAssembler::CheckpointAssembler(CheckpointRef ref, std::string topic, int32_t partition)
    : m_ref(std::move(ref))
{
    m_checkpoint.topic = std::move(topic);
    m_checkpoint.partition = partition;
    m_checkpoint.offset = m_ref.offset;
    // A reference claims at most one chunk per state message between its first and last.
    m_have.assign(
        std::min<uint64_t>(m_ref.chunks, static_cast<uint64_t>(m_ref.last - m_ref.first + 1)), false);
}

Status CheckpointAssembler::add(std::string_view message)
{
    if (message.substr(0, kMagic.size()) != kMagic) return Status::ok(); // not a checkpoint chunk
    ByteReader r(message.substr(kMagic.size()));
    ChunkHeader h;
    if (!readChunkHeader(r, h)) return Status::ok(); // unknown to us: not ours to judge
    if (h.topic != m_checkpoint.topic || h.partition != m_checkpoint.partition || h.offset != m_ref.offset
        || h.nonce != m_ref.nonce)
        return Status::ok();
    const std::string_view body = message.substr(message.size() - r.remaining());
    if (h.index >= m_have.size() || crc32Update(0, body.data(), body.size()) != h.crc)
        return Status::error("chunk " + std::to_string(h.index) + " is damaged");
    if (m_have[h.index]) return Status::ok(); // a producer retry's copy
    ByteReader b(body);
    if (h.index == 0 && !readScalars(b, m_checkpoint)) return Status::error("chunk 0 is damaged");
    for (uint64_t i = 0, n = b.count(kKeyBytes); i < n; ++i) {
        CheckpointKey k;
        b.u64(k.identity.lo);
        b.u64(k.identity.hi);
        k.timeMs = b.i64();
        m_checkpoint.keys.push_back(k);
    }
    if (!b.ok() || !b.atEnd()) return Status::error("chunk " + std::to_string(h.index) + " is damaged");
    m_have[h.index] = true;
    ++m_received;
    return Status::ok();
}

Result<PartitionCheckpoint> CheckpointAssembler::take()
{
    using R = Result<PartitionCheckpoint>;
    if (!complete())
        return R::error("only " + std::to_string(m_received) + " of its " + std::to_string(m_ref.chunks)
            + " chunks were found");
    return std::move(m_checkpoint);
}

} // namespace adclick::core
