#pragma once
// The message a cluster worker (`adclick aggregate`, core/cluster/) publishes to the aggregate
// topic and the cluster store (`adclick ingest kafka://…?kind=aggregates`) applies: what one input
// partition's offsets [from, to) changed, as the engine's batch (docs/SCALING.md).

#include "core/base/status.h"
#include "core/pipeline/batch.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace adclick::core {

//! One pane cell of a unit, with its ad by name (each worker interns ads on its own).
struct UnitCell {
    int64_t minute = 0;
    std::string ad;
    uint32_t country = 0; //!< packCountry
    int64_t clicks = 0, late = 0;
};

//! The deltas of input partition `partition`'s offsets [from, to). Units of one partition form a
//! chain (each `from` is the previous `to`, the first `from` is 0); a unit's content is a function
//! of the partition's messages only (docs/semantics.md "Partitions"), so a unit re-published after
//! a crash or a partition move is the same unit, and the store applies each range once.
struct Unit {
    std::string topic; //!< the input topic
    int32_t partition = 0;
    int32_t partitions = 0; //!< the input topic's partition count (the store's watermark needs them all)
    uint64_t from = 0, to = 0;
    int64_t maxEventMs = kNoTime; //!< the partition's largest event time at `to`
    EngineConfig config; //!< what the worker counted with; the store refuses other settings
    Counters counters;
    std::vector<std::pair<int64_t, MinuteDelta>> minutes;
    std::vector<UnitCell> cells;
    std::vector<RejectSample> rejects;
};

//! The binary form ("ACU1", fixed-width little-endian numbers, length-prefixed strings).
std::string encodeUnit(const Unit& unit);
//! A message that is not a well-formed unit is an error (never applied in part).
Result<Unit> decodeUnit(std::string_view bytes);
//! The unit's header only (topic, partition, range): what a worker scans the topic for.
Result<Unit> decodeUnitHeader(std::string_view bytes);

class ByteWriter;
class ByteReader;
//! The engine's counters and settings in the binary form (shared with core/cluster/checkpoint.h).
void writeCounters(ByteWriter& w, const Counters& c);
bool readCounters(ByteReader& r, Counters& c);
void writeEngineConfig(ByteWriter& w, const EngineConfig& c);
bool readEngineConfig(ByteReader& r, EngineConfig& c);

//! The message key of a unit: its input partition (so one partition's units stay in order).
std::string unitKey(const std::string& topic, int32_t partition);

} // namespace adclick::core
