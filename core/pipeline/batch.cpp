#include "core/pipeline/batch.h"

#include "core/base/big_alloc.h"

#include <algorithm>
#include <cstring>
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

PaneDeltaMap::PaneDeltaMap()
{
    reset(1024);
}

PaneDeltaMap::~PaneDeltaMap()
{
    freeZeroed(m_entries, m_capacity * sizeof(Entry));
}

void PaneDeltaMap::reset(std::size_t capacity)
{
    freeZeroed(m_entries, m_capacity * sizeof(Entry));
    m_entries = static_cast<Entry*>(allocateZeroed(capacity * sizeof(Entry)));
    m_capacity = capacity;
    m_mask = capacity - 1;
    m_size = 0;
}

void PaneDeltaMap::clear()
{
    if (m_size == 0) return;
    // Reuse the table: its pages are already mapped (fresh ones would fault and be zeroed anyway).
    std::memset(static_cast<void*>(m_entries), 0, m_capacity * sizeof(Entry));
    m_size = 0;
}

PaneDelta& PaneDeltaMap::at(const PaneKey& key, uint64_t adHash)
{
    const uint64_t h = cellHash(adHash, key.minute, key.country, key.filterId);
    std::size_t i = h & m_mask;
    for (;; i = (i + 1) & m_mask) {
        Entry& e = m_entries[i];
        if (e.key.ad == 0) break;
        if (e.hash == h && e.key == key) return e.delta;
    }
    if ((m_size + 1) * 2 > m_capacity) {
        grow();
        return at(key, adHash);
    }
    Entry& e = m_entries[i];
    e.key = key;
    e.hash = h;
    ++m_size;
    return e.delta;
}

void PaneDeltaMap::grow()
{
    Entry* old = m_entries;
    const std::size_t oldCapacity = m_capacity;
    m_capacity *= 2;
    m_entries = static_cast<Entry*>(allocateZeroed(m_capacity * sizeof(Entry)));
    m_mask = m_capacity - 1;
    for (std::size_t k = 0; k < oldCapacity; ++k) {
        if (old[k].key.ad == 0) continue;
        std::size_t i = old[k].hash & m_mask;
        while (m_entries[i].key.ad != 0)
            i = (i + 1) & m_mask;
        m_entries[i] = old[k];
    }
    freeZeroed(old, oldCapacity * sizeof(Entry));
}

std::vector<std::pair<PaneKey, PaneDelta>> PaneDeltaMap::items() const
{
    std::vector<std::pair<PaneKey, PaneDelta>> out;
    out.reserve(m_size);
    for (std::size_t k = 0; k < m_capacity; ++k)
        if (m_entries[k].key.ad != 0) out.emplace_back(m_entries[k].key, m_entries[k].delta);
    return out;
}

std::vector<std::pair<PaneKey, PaneDelta>> PaneDeltaMap::sortedItems() const
{
    // Packing the key into one 128-bit number and sorting (number, index) records measured no
    // faster than this (the gather afterwards costs what the cheaper comparison saves).
    std::vector<std::pair<PaneKey, PaneDelta>> out = items();
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
