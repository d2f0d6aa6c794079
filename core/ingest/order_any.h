#pragma once
// `ingest --order any` (docs/semantics.md, "Archives in any order"): the finite sources are read
// whole, their clicks sorted by (event time, input position) with an external sort, copies of a
// click found over the whole input by a second sort on identity, and the clicks then handed to the
// engine in time order — so nothing is late and the result equals ingesting the same archive
// sorted by time with a lateness and dedup horizon that cover it. The run is committed whole at
// the end (one held SQLite transaction): a crash or an interrupt leaves the database as it was.
//
// Phases, each a pass over sorted data:
//  1. read: lines → parser (rejects counted as usual) → clicks sorter, key (time, position);
//  2. copies (only when some click has a click_id: without one, copies share their event time
//     and meet in the engine's dedup set): merge the clicks in time order, apply the archive
//     time-jump rule, and sort (identity, rank) of every click with a click_id;
//  3. the ranks of all but the first copy of each identity, sorted;
//  4. merge the clicks again in time order into the engine; a rank of phase 3 is a known
//     duplicate. Batches are written into the held transaction; the end commits it with the
//     source positions and the watermark at the newest event time.

#include "core/ingest/ingest.h"
#include "core/ingest/ingest_source.h"
#include "core/ingest/spill_sort.h"

#include <array>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace adclick::core {

class Ingestor::OrderAny {
public:
    OrderAny(Ingestor& in, std::string dir);

    //! Phase 1 sink (Ingestor::processLine): one parsed click of source `source` (its report index).
    void add(const ClickEvent& e, std::size_t source, uint64_t offset);

    //! All phases over `paths`; the held transaction is committed at the end.
    Status run(const std::vector<std::string>& paths, std::stop_token& stop);

    //! How the sorts went, for the summary.
    uint64_t spilledBytes() const;
    std::size_t runsWritten() const;

private:
    Status readSource(const std::string& path, std::stop_token& stop);
    //! Phases 2 and 3: the ranks of the copies after the first, sorted.
    Status findCopies(std::stop_token& stop);
    //! Phase 4 and the commit.
    Status feed(std::stop_token& stop);
    Status commitHeld(bool last);
    //! Phase 4 looks kAhead clicks ahead to prefetch their dedup slots (as Ingestor::processLine).
    Status drainAhead();
    Status interrupted() const;

    struct Ahead {
        enum class Kind : uint8_t { Click, Copy, Future };
        Kind kind = Kind::Click;
        std::string storage; //!< the click's fields (the sorted run's buffer moves on)
        ClickEvent event;
        uint64_t source = 0, offset = 0;
        Hash128 identity;
    };
    static constexpr std::size_t kAhead = 16;
    std::array<Ahead, kAhead> m_ahead;
    std::size_t m_aheadCount = 0;

    Ingestor& m_in;
    std::string m_dir;
    std::size_t m_memory;
    SpillSorter m_clicks;
    std::unique_ptr<SpillSorter> m_ids, m_copies;
    uint64_t m_seq = 0;
    uint64_t m_withClickId = 0;
    std::string m_payload;
    Status m_status = Status::ok();
};

} // namespace adclick::core
