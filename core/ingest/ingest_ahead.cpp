// The `--threads N` half of ingest.h's Ingestor: an archived file parsed ahead on a worker
// (parse_ahead.h), counted here exactly as readToEnd/processChunk count it with one thread —
// the same chunks, the same lines in the same order, commits after the same lines.
#include "core/ingest/ingest.h"

#include "core/ingest/ingest_source.h"
#include "core/ingest/parse_ahead.h"

namespace adclick::core {

Status Ingestor::readAhead(Source& src, std::stop_token& stop, bool& stopped)
{
    // The worker owns the file and the splitter until `ahead` is gone; src.parser stays here and
    // follows the worker's parser through the state changes the blocks report.
    ParseAhead ahead(*src.file, src.splitter, src.parser, src.looksLikeClicks,
        m_result.sources[src.report].resumedFrom == 0, m_options.readBufferBytes);
    // The store's work on a third thread meanwhile.
    return countWithCommitter([&] { return countAhead(src, ahead, stop, stopped); });
}

Status Ingestor::countAhead(Source& src, ParseAhead& ahead, std::stop_token& stop, bool& stopped)
{
    for (;;) {
        if (stop.stop_requested()) {
            stopped = true;
            return Status::ok();
        }
        ParsedBlock& block = ahead.next();
        if (!block.status) return block.status;
        const std::string_view chunk(block.bytes.data(), block.size);
        if (!block.last) {
            extendHead(src.head, block.fileOffset - chunk.size(), chunk);
            src.readEnd = block.fileOffset;
            m_runBytes += chunk.size();
        }
        const Status st = processBlock(src, block);
        const bool last = block.last;
        ahead.release(block);
        if (!st || last) return st;
    }
}

Status Ingestor::processBlock(Source& src, const ParsedBlock& block)
{
    // The last block holds the records at the end of the file: run() counts those with one
    // thread, without the per-line commit check and before its final commit.
    if (!block.last) m_engine->setFutureBound(futureBoundMs());
    std::size_t state = 0;
    for (const ParsedLine& line : block.lines) {
        if (line.stateChanged) src.parser.restore(block.states[state++]);
        if (line.outcome.kind == LineKind::Event || line.outcome.kind == LineKind::Header)
            src.looksLikeClicks = true;
        takeLine(src, line, true);
        if (!m_headerError.empty()) return Status::error(m_headerError);
        if (!block.last && m_engine->batch().events() >= m_options.commitEvents) {
            src.pos.offset = line.consumed;
            if (auto st = commit(&src); !st) return st;
        }
    }
    src.pos.offset = block.consumed;
    // Before the block goes back to the worker. At the end, run()'s final commit would drain them
    // first thing: nothing is counted in between, so this is the same.
    drainAhead();
    if (block.last) return Status::ok();
    if (auto st = stageRawAhead(); !st) return st;
    return maybeCommit(src, false);
}

} // namespace adclick::core
