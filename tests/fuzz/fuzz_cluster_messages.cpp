// libFuzzer target: the binary messages cluster workers read from Kafka (docs/SCALING.md): units
// on the aggregate topic (core/ingest/cluster_unit.h) and checkpoint chunks on the state topic
// (core/cluster/checkpoint.h). A broker holds whatever anyone produced: a message is applied
// whole or refused, never read past its end.
//
// Checked besides "no crash, no UB, no leak":
//  - a unit that decodes has a canonical encoding that decodes to the same unit (encoding it
//    again gives the same bytes), and its header alone decodes the same;
//  - a chunk accepted for a checkpoint reference keeps it consistent: take() succeeds only when
//    complete, with the reference's partition and offset.
#include "core/cluster/checkpoint.h"
#include "core/ingest/cluster_unit.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace adclick::core;

namespace {

void check(bool ok)
{
    if (!ok) std::abort();
}

void checkUnit(std::string_view bytes)
{
    const auto unit = decodeUnit(bytes);
    const auto header = decodeUnitHeader(bytes);
    if (!unit) return;
    check(header && header->from == unit->from && header->to == unit->to && header->topic == unit->topic);
    const std::string canonical = encodeUnit(*unit);
    const auto again = decodeUnit(canonical);
    check(again && encodeUnit(*again) == canonical);
}

void checkChunk(std::string_view bytes)
{
    // A reference the chunk may belong to: its own header's fields are not known here, so try
    // the common one (topic "t", partition 0, offset 0, nonce 0) and a single-chunk checkpoint.
    CheckpointRef ref;
    ref.chunks = 1;
    CheckpointAssembler assembler(ref, "t", 0);
    if (!assembler.add(bytes)) return;
    auto taken = assembler.take();
    check(static_cast<bool>(taken) == assembler.complete());
    if (taken) check(taken->partition == 0 && taken->offset == 0 && taken->topic == "t");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    checkUnit(bytes);
    checkChunk(bytes);
    return 0;
}
