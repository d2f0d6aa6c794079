#pragma once

#include "core/base/status.h"
#include "core/pipeline/batch.h"
#include "core/store/kafka_health.h"
#include "core/store/store.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

// The writes of one commit, one function per table. Store::commitTxn runs them inside its write
// transaction in a fixed order (the crash tests check that order's guarantees); each error names
// the table's content and the database.

namespace adclick::core {

namespace sql {
class Connection;
}

Status writeNewAds(const sql::Connection& conn, const std::vector<std::pair<uint32_t, std::string>>& ads);
//! Adds the cells' deltas to the agg rows. `cells` in agg's primary key order (sortedItems), so
//! the B-tree is written in order.
Status writeAggregates(const sql::Connection& conn, const PaneCells& cells);
Status writeMinuteStats(const sql::Connection& conn, const std::map<int64_t, MinuteDelta>& minutes);
//! Adds the batch's counters to the stored totals (zero ones are skipped).
Status addCounters(const sql::Connection& conn, const Counters& counters);
Status writeRejects(const sql::Connection& conn, const std::vector<RejectSample>& rejects);
//! The segment's committed length and event range: raw bytes up to there become visible.
Status writeSegment(const sql::Connection& conn, const SegmentRow& segment);
Status writeWatermark(const sql::Connection& conn, int64_t maxEventMs, int64_t watermarkMs);
//! The engine's time jump waiting for confirmation (meta jump_candidate_ms; removed when none).
Status writeJumpCandidate(const sql::Connection& conn, int64_t jumpCandidateMs);
//! The positions, each with its parser state (writeParserStates).
Status writePositions(const sql::Connection& conn, const std::vector<SourcePosition>& positions);
//! The parser state of each position that has one (table source_parsers).
Status writeParserStates(const sql::Connection& conn, const std::vector<SourcePosition>& positions);
//! Replaces the stored health of `health.source` (its row and all its partitions' rows).
Status writeKafkaHealth(const sql::Connection& conn, const KafkaHealth& health);

} // namespace adclick::core
