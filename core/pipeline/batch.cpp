#include "core/pipeline/batch.h"

#include "core/base/big_alloc.h"

#include <algorithm>
#include <cstring>

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
    // A batch spans few minutes, so (filter, minute) takes a small rank; with (ad, country) in
    // one more word a cell's order is one 128-bit number, and sorting 24-byte (number, index)
    // records is several times cheaper than sorting the cells by a four-field comparison.
    std::vector<std::pair<uint32_t, int64_t>> groups; // distinct (filter, minute), sorted
    for (std::size_t k = 0; k < m_capacity; ++k) {
        const PaneKey& key = m_entries[k].key;
        if (key.ad == 0) continue;
        if (!groups.empty() && groups.back() == std::make_pair(key.filterId, key.minute)) continue;
        groups.emplace_back(key.filterId, key.minute);
    }
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    __extension__ typedef unsigned __int128 Rank; // (GCC and Clang; no pedantic warning)
    struct Order {
        Rank rank;
        uint32_t entry;
    };
    std::vector<Order> order;
    order.reserve(m_size);
    for (std::size_t k = 0; k < m_capacity; ++k) {
        const PaneKey& key = m_entries[k].key;
        if (key.ad == 0) continue;
        const auto group
            = std::lower_bound(groups.begin(), groups.end(), std::make_pair(key.filterId, key.minute));
        const uint64_t high = uint64_t(group - groups.begin());
        const uint64_t low = uint64_t(key.ad) << 32 | key.country;
        order.push_back({ (static_cast<Rank>(high) << 64) | low, static_cast<uint32_t>(k) });
    }
    std::sort(order.begin(), order.end(), [](const Order& a, const Order& b) { return a.rank < b.rank; });
    std::vector<std::pair<PaneKey, PaneDelta>> out;
    out.reserve(order.size());
    for (const Order& o : order)
        out.emplace_back(m_entries[o.entry].key, m_entries[o.entry].delta);
    return out;
}

Batch::Batch()
{
    raw.reserve(16u << 20);
}

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
