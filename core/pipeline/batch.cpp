#include "core/pipeline/batch.h"

#include "core/base/big_alloc.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <tuple>

namespace adclick::core {

Counters& Counters::operator+=(const Counters& o)
{
    lines += o.lines;
    accepted += o.accepted;
    duplicates += o.duplicates;
    late += o.late;
    lateApplied += o.lateApplied;
    rejected += o.rejected;
    lostBytes += o.lostBytes;
    lostPredecessors += o.lostPredecessors;
    for (std::size_t i = 0; i < rejectedBy.size(); ++i)
        rejectedBy[i] += o.rejectedBy[i];
    return *this;
}

Counters& Counters::operator-=(const Counters& o)
{
    lines -= o.lines;
    accepted -= o.accepted;
    duplicates -= o.duplicates;
    late -= o.late;
    lateApplied -= o.lateApplied;
    rejected -= o.rejected;
    lostBytes -= o.lostBytes;
    lostPredecessors -= o.lostPredecessors;
    for (std::size_t i = 0; i < rejectedBy.size(); ++i)
        rejectedBy[i] -= o.rejectedBy[i];
    return *this;
}

std::string unpackCountry(uint32_t packed)
{
    std::string s;
    for (; packed; packed >>= 8)
        s.push_back(static_cast<char>(packed & 0xff));
    return s;
}

namespace {

//! Tables of at least this many bytes come from allocateZeroed (huge pages); smaller ones from
//! calloc, as thousands of tiny mappings would exhaust the process's map count.
constexpr std::size_t kMappedBytes = 2u << 20;

void* allocateTable(std::size_t bytes)
{
    if (bytes >= kMappedBytes) return allocateZeroed(bytes);
    void* p = std::calloc(1, bytes);
    if (!p) throw std::bad_alloc();
    return p;
}

void freeTable(void* p, std::size_t bytes)
{
    if (bytes >= kMappedBytes)
        freeZeroed(p, bytes);
    else
        std::free(p);
}

} // namespace

PaneDeltaMap::MinuteTable::MinuteTable(int64_t minute)
    : m_minute(minute)
{ }

PaneDeltaMap::MinuteTable::~MinuteTable()
{
    if (m_entries != m_inline) freeTable(m_entries, m_capacity * sizeof(Entry));
}

PaneDelta& PaneDeltaMap::MinuteTable::at(
    uint32_t filterId, uint32_t ad, uint32_t country, uint32_t hash, bool& added)
{
    std::size_t i = hash & m_mask;
    for (;; i = (i + 1) & m_mask) {
        Entry& e = m_entries[i];
        if (e.ad == 0) break;
        if (e.hash == hash && e.ad == ad && e.country == country && e.filterId == filterId) {
            added = false;
            return e.delta;
        }
    }
    if ((m_size + 1) * 2 > m_capacity) {
        grow();
        return at(filterId, ad, country, hash, added);
    }
    Entry& e = m_entries[i];
    e.filterId = filterId;
    e.ad = ad;
    e.country = country;
    e.hash = hash;
    ++m_size;
    added = true;
    return e.delta;
}

void PaneDeltaMap::MinuteTable::grow()
{
    Entry* old = m_entries;
    const std::size_t oldCapacity = m_capacity;
    m_entries = static_cast<Entry*>(allocateTable(2 * oldCapacity * sizeof(Entry)));
    m_capacity = 2 * oldCapacity;
    m_mask = m_capacity - 1;
    for (std::size_t k = 0; k < oldCapacity; ++k) {
        if (old[k].ad == 0) continue;
        std::size_t i = old[k].hash & m_mask;
        while (m_entries[i].ad != 0)
            i = (i + 1) & m_mask;
        m_entries[i] = old[k];
    }
    if (old != m_inline) freeTable(old, oldCapacity * sizeof(Entry));
}

void PaneDeltaMap::MinuteTable::appendTo(PaneCells& out) const
{
    for (std::size_t k = 0; k < m_capacity; ++k) {
        const Entry& e = m_entries[k];
        if (e.ad != 0) out.emplace_back(PaneKey { e.filterId, e.ad, m_minute, e.country }, e.delta);
    }
}

PaneDeltaMap::PaneDeltaMap() = default;
PaneDeltaMap::~PaneDeltaMap() = default;

PaneDeltaMap::MinuteTable* PaneDeltaMap::findAndRemember(int64_t minute) const
{
    const auto it = m_byMinute.find(minute);
    if (it == m_byMinute.end()) return nullptr;
    m_recent[uint64_t(minute) % m_recent.size()] = { minute, it->second };
    return it->second;
}

PaneDeltaMap::MinuteTable& PaneDeltaMap::tableOf(int64_t minute)
{
    if (MinuteTable* t = find(minute)) return *t;
    MinuteTable* t = &m_tables.emplace_back(minute);
    m_byMinute.emplace(minute, t);
    m_recent[uint64_t(minute) % m_recent.size()] = { minute, t };
    return *t;
}

PaneDelta& PaneDeltaMap::at(const PaneKey& key, uint64_t adHash)
{
    bool added = false;
    PaneDelta& d
        = tableOf(key.minute)
              .at(key.filterId, key.ad, key.country, cellHash(adHash, key.country, key.filterId), added);
    m_size += added;
    return d;
}

void PaneDeltaMap::clear()
{
    // Tables are not kept for the next batch: its minutes are others, and a busy minute's table
    // given to a sparse one would hold its memory while the busy one grew another.
    m_tables.clear();
    m_byMinute.clear();
    m_recent = {};
    m_size = 0;
}

PaneCells PaneDeltaMap::items() const
{
    PaneCells out;
    out.reserve(m_size);
    for (const MinuteTable& t : m_tables)
        t.appendTo(out);
    return out;
}

PaneCells PaneDeltaMap::sortedItems() const
{
    // Packing the key into one 128-bit number and sorting (number, index) records measured no
    // faster than this (the gather afterwards costs what the cheaper comparison saves).
    PaneCells out = items();
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        const PaneKey &x = a.first, &y = b.first;
        return std::tie(x.filterId, x.minute, x.ad, x.country)
            < std::tie(y.filterId, y.minute, y.ad, y.country);
    });
    return out;
}

Batch::Batch() = default;

void Batch::clear()
{
    panes.clear();
    minutes.clear();
    counters = {};
    rejects.clear();
    newAds.clear();
    raw.clear();
    rawEvents = 0;
    rawMinMs = rawMaxMs = kNoTime;
}

} // namespace adclick::core
