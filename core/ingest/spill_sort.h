#pragma once
// An external merge sort with a memory budget, for `ingest --order any` (order_any.cpp): records
// (a fixed key and a short payload) are collected in memory, sorted and written as runs to
// unlinked temporary files when the budget is reached, then read back in key order by a k-way
// merge. More than kFanIn runs of one level are merged into one run of the next level, so at
// most kFanIn files are open per level and every byte is rewritten once per level.

#include "core/base/status.h"

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! Compared as three unsigned words, most significant first.
struct SortKey {
    uint64_t a = 0, b = 0, c = 0;
    auto operator<=>(const SortKey&) const = default;
};

class SpillSorter {
public:
    //! Runs go to unlinked files in `dir`. `memoryBytes` bounds the records held before a run is
    //! written; finish() keeps them in memory instead when no run was written and they take at
    //! most `keepBytes`.
    SpillSorter(std::string dir, std::size_t memoryBytes, std::size_t keepBytes);
    ~SpillSorter();
    SpillSorter(const SpillSorter&) = delete;
    SpillSorter& operator=(const SpillSorter&) = delete;

    //! Keys must be distinct (callers include a sequence number): the order is then total.
    Status add(const SortKey& key, std::string_view payload);
    //! After the last add(): the records are then read with cursors.
    Status finish();

    //! The records in key order; several cursors may be opened one after another.
    class Cursor {
    public:
        virtual ~Cursor() = default;
        //! False at the end or on a read error (then status() says which).
        virtual bool next(SortKey& key, std::string_view& payload) = 0;
        virtual Status status() const = 0;
    };
    Result<std::unique_ptr<Cursor>> open() const;

    uint64_t records() const { return m_records; }
    std::size_t runsWritten() const { return m_runsWritten; } //!< runs spilled, merges included
    uint64_t bytesWritten() const { return m_bytesWritten; } //!< to run files, merges included

    static constexpr std::size_t kFanIn = 64;
    //! Per run being read.
    static constexpr std::size_t kReadBufferBytes = 256u << 10;

    struct Run {
        int fd = -1;
        uint64_t bytes = 0;
        int level = 0;
    };

private:
    struct Item {
        SortKey key;
        uint64_t at = 0; //!< payload offset in the buffer << 24 | payload length
    };
    // One buffer of the budget (mmap, transparent huge pages: few page faults): payloads grow
    // from its front, items from its back; a run is written when they would meet.
    Item* items() const { return reinterpret_cast<Item*>(m_buf + m_itemsAt); }
    std::size_t itemCount() const { return (m_bufBytes - m_itemsAt) / sizeof(Item); }
    std::size_t memoryUsed() const { return m_arenaEnd + (m_bufBytes - m_itemsAt); }
    std::string_view payloadOf(const Item& it) const
    {
        return std::string_view(m_buf + (it.at >> 24), it.at & 0xffffff);
    }
    void allocate(std::size_t bytes);
    void release();
    void sortItems();
    Status spill();
    //! Merges `runs` (closed afterwards) into one new run of `level`.
    Status mergeInto(std::vector<Run> runs, int level);
    Result<Run> newRun(int level);
    Status compactLevels(bool finalPass);

    std::string m_dir;
    std::size_t m_memoryBytes, m_keepBytes;
    char* m_buf = nullptr;
    std::size_t m_bufBytes = 0, m_arenaEnd = 0, m_itemsAt = 0;
    std::vector<Run> m_runs;
    bool m_inMemory = false;
    uint64_t m_records = 0;
    std::size_t m_runsWritten = 0;
    uint64_t m_bytesWritten = 0;
};

//! LEB128 helpers for compact payloads.
void appendVarint(std::string& out, uint64_t v);
//! Reads one varint from the front of `in`; false when `in` ends first.
bool readVarint(std::string_view& in, uint64_t& v);

} // namespace adclick::core
