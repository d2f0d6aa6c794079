#include "core/ingest/cluster_unit.h"

#include "core/base/byte_codec.h"

#include <cstring>

namespace adclick::core {

namespace {

constexpr std::string_view kMagic = "ACU1";

void writeHeader(ByteWriter& w, const Unit& u)
{
    w.out.append(kMagic);
    w.str(u.topic);
    w.i64(u.partition);
    w.i64(u.partitions);
    w.u64(u.from);
    w.u64(u.to);
    w.i64(u.maxEventMs);
    writeEngineConfig(w, u.config);
}

Result<Unit> readHeader(ByteReader& r, std::string_view bytes)
{
    using R = Result<Unit>;
    if (bytes.substr(0, kMagic.size()) != kMagic) return R::error("not an aggregate unit (no ACU1 header)");
    Unit u;
    u.topic = r.str();
    u.partition = static_cast<int32_t>(r.i64());
    u.partitions = static_cast<int32_t>(r.i64());
    r.u64(u.from);
    r.u64(u.to);
    u.maxEventMs = r.i64();
    if (!readEngineConfig(r, u.config) || u.to < u.from || u.partition < 0 || u.partition >= u.partitions)
        return R::error("aggregate unit: damaged header");
    return u;
}

} // namespace

void writeCounters(ByteWriter& w, const Counters& c)
{
    for (int64_t v : { c.lines, c.accepted, c.duplicates, c.late, c.lateApplied, c.rejected })
        w.i64(v);
    w.u64(c.rejectedBy.size());
    for (int64_t v : c.rejectedBy)
        w.i64(v);
}

bool readCounters(ByteReader& r, Counters& c)
{
    for (int64_t* v : { &c.lines, &c.accepted, &c.duplicates, &c.late, &c.lateApplied, &c.rejected })
        *v = r.i64();
    const uint64_t n = r.count(8);
    if (n != c.rejectedBy.size()) return false;
    for (int64_t& v : c.rejectedBy)
        v = r.i64();
    return r.ok();
}

void writeEngineConfig(ByteWriter& w, const EngineConfig& c)
{
    w.i64(c.latenessMs);
    w.i64(c.dedupHorizonMs);
    w.i64(c.late == LatePolicy::Update ? 1 : 0);
}

bool readEngineConfig(ByteReader& r, EngineConfig& c)
{
    c.latenessMs = r.i64();
    c.dedupHorizonMs = r.i64();
    const int64_t late = r.i64();
    c.late = late == 1 ? LatePolicy::Update : LatePolicy::Drop;
    return r.ok() && (late == 0 || late == 1);
}

std::string unitKey(const std::string& topic, int32_t partition)
{
    return topic + "/" + std::to_string(partition);
}

std::string encodeUnit(const Unit& u)
{
    ByteWriter w;
    writeHeader(w, u);
    writeCounters(w, u.counters);
    w.u64(u.minutes.size());
    for (const auto& [minute, m] : u.minutes) {
        w.i64(minute);
        w.i64(m.accepted);
        w.i64(m.duplicates);
        w.i64(m.late);
    }
    w.u64(u.cells.size());
    for (const UnitCell& c : u.cells) {
        w.i64(c.minute);
        w.str(c.ad);
        w.u64(c.country);
        w.i64(c.clicks);
        w.i64(c.late);
    }
    w.u64(u.rejects.size());
    for (const RejectSample& s : u.rejects) {
        w.str(s.source);
        w.u64(s.offset);
        w.u64(static_cast<uint64_t>(s.reason));
        w.str(s.line);
    }
    return std::move(w.out);
}

Result<Unit> decodeUnitHeader(std::string_view bytes)
{
    ByteReader r(bytes.size() >= kMagic.size() ? bytes.substr(kMagic.size()) : std::string_view());
    return readHeader(r, bytes);
}

Result<Unit> decodeUnit(std::string_view bytes)
{
    using R = Result<Unit>;
    ByteReader r(bytes.size() >= kMagic.size() ? bytes.substr(kMagic.size()) : std::string_view());
    auto unit = readHeader(r, bytes);
    if (!unit) return unit;
    Unit& u = *unit;
    if (!readCounters(r, u.counters)) return R::error("aggregate unit: damaged counters");
    for (uint64_t i = 0, n = r.count(32); i < n; ++i) {
        const int64_t minute = r.i64();
        MinuteDelta m { r.i64(), r.i64(), r.i64() };
        u.minutes.emplace_back(minute, m);
    }
    for (uint64_t i = 0, n = r.count(48); i < n; ++i) {
        UnitCell c;
        c.minute = r.i64();
        c.ad = r.str();
        uint64_t country = 0;
        r.u64(country);
        c.country = static_cast<uint32_t>(country);
        c.clicks = r.i64();
        c.late = r.i64();
        u.cells.push_back(std::move(c));
    }
    for (uint64_t i = 0, n = r.count(32); i < n; ++i) {
        RejectSample s;
        s.source = r.str();
        r.u64(s.offset);
        uint64_t reason = 0;
        r.u64(reason);
        s.reason = reason < kRejectReasonCount ? static_cast<RejectReason>(reason) : RejectReason::Count;
        s.line = r.str();
        u.rejects.push_back(std::move(s));
    }
    if (!r.ok() || !r.atEnd()) return R::error("aggregate unit: damaged body");
    for (const RejectSample& s : u.rejects)
        if (s.reason == RejectReason::Count) return R::error("aggregate unit: unknown reject reason");
    return unit;
}

} // namespace adclick::core
