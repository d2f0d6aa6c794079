#include "core/pipeline/batch.h"

#include "core/base/big_alloc.h"

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

uint32_t packCountry(std::string_view code)
{
    uint32_t v = 0;
    for (std::size_t i = 0; i < code.size() && i < 4; ++i)
        v |= uint32_t(static_cast<unsigned char>(code[i])) << (8 * i);
    return v;
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

PaneDelta& PaneDeltaMap::operator[](const PaneKey& key)
{
    std::size_t i = PaneKeyHash {}(key)&m_mask;
    for (;; i = (i + 1) & m_mask) {
        Entry& e = m_entries[i];
        if (!e.used) break;
        if (e.key == key) return e.delta;
    }
    if ((m_size + 1) * 2 > m_capacity) {
        grow();
        return (*this)[key];
    }
    Entry& e = m_entries[i];
    e.used = true;
    e.key = key;
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
        if (!old[k].used) continue;
        std::size_t i = PaneKeyHash {}(old[k].key) & m_mask;
        while (m_entries[i].used)
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
        if (m_entries[k].used) out.emplace_back(m_entries[k].key, m_entries[k].delta);
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
