// The followed-file half of ingest.h's Ingestor: growth, truncation (copytruncate), rotation,
// and a file rotated away while no ingest ran. The rules are in docs/semantics.md ("Following").
#include "core/ingest/ingest.h"

#include "core/base/clock.h"
#include "core/base/sys_text.h"
#include "core/ingest/ingest_source.h"
#include "core/input/rotated_copy.h"

#include <chrono>
#include <thread>

#include <sys/stat.h>

namespace adclick::core {

namespace {

Fingerprint fingerprintOf(std::string_view head)
{
    return { static_cast<uint32_t>(head.size()), fingerprintHash(head.data(), head.size()) };
}

} // namespace

void extendHead(std::string& head, uint64_t at, std::string_view chunk)
{
    if (head.size() < kFingerprintBytes && at <= head.size() && at + chunk.size() > head.size()) {
        const std::size_t from = head.size() - at;
        head.append(
            chunk.substr(from, std::min<std::size_t>(chunk.size() - from, kFingerprintBytes - head.size())));
    }
}

bool Ingestor::noteRead(Source& src, std::string_view chunk)
{
    const uint64_t at = src.file->offset() - chunk.size();
    if (src.verify && src.file->checkChange(src.head) == FileChange::Truncated) {
        // Read after the check before it: these bytes may come from the rewritten file.
        src.truncated = true;
        return false;
    }
    extendHead(src.head, at, chunk);
    src.readEnd = src.file->offset();
    return true;
}

Status Ingestor::follow(Source& src, std::stop_token& stop)
{
    // Read to its end and then watched forever, it would look followed and never change.
    if (src.file->compressed())
        return Status::error(quoted(src.path)
            + " is compressed, and a compressed log does not grow: it cannot be "
            + "followed (read it without --follow, or follow the live log it was rotated from)");
    src.verify = true;
    int64_t lastDataMs = steadyMs();
    for (;;) {
        // Identity before reading: a file truncated and rewritten past our offset since the last
        // look would otherwise be read from the middle of its new content.
        switch (src.file->checkChange(src.head)) {
        case FileChange::Truncated:
            if (auto st = followTruncation(src, stop); !st) return st;
            if (stop.stop_requested()) return Status::ok();
            continue;
        case FileChange::Replaced:
            if (auto st = followRotation(src, stop); !st) return st;
            if (stop.stop_requested()) return Status::ok();
            continue;
        default:
            break;
        }
        bool stopped = false;
        const uint64_t before = m_runBytes;
        if (auto st = readToEnd(src, stop, stopped); !st) return st;
        if (stopped) return Status::ok();
        if (src.truncated) {
            if (auto st = followTruncation(src, stop); !st) return st;
            if (stop.stop_requested()) return Status::ok();
            continue;
        }
        const int64_t now = steadyMs();
        if (m_runBytes != before) lastDataMs = now;
        if (m_options.idleMs > 0 && now - lastDataMs >= m_options.idleMs
            && m_engine->maxEventMs() != kNoTime) {
            const int64_t target = wallMs() - m_engine->config().latenessMs - m_options.idleMs;
            if (target > m_engine->watermarkMs()) m_engine->advanceWatermark(target);
        }
        if (auto st = maybeCommit(src, false); !st) return st;
        for (int i = 0; i < 10 && !stop.stop_requested(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (stop.stop_requested()) return Status::ok();
    }
}

Status Ingestor::followTruncation(Source& src, std::stop_token& stop)
{
    const uint64_t consumed = src.splitter.consumedOffset();
    std::unique_ptr<InputFile> followed = std::move(src.file);
    auto copy = findRotatedCopy(src.path, fingerprintOf(src.head), consumed, m_own);
    std::unique_ptr<InputFile> copyFile;
    if (copy) {
        auto opened = InputFile::open(*copy);
        if (opened && (*opened)->seek(consumed)) copyFile = std::move(*opened);
    }
    if (copyFile) {
        // copytruncate: the copy holds what we had not read yet. Finish it as an archive (it is
        // complete), under the same source row, so that a restart continues it exactly.
        warn(quoted(src.path) + " was truncated and its content copied to " + quoted(*copy)
            + " (copytruncate): finishing the copy from offset " + std::to_string(consumed)
            + ", then reading " + quoted(src.path) + " from the start");
        src.file = std::move(copyFile);
        src.verify = false;
        src.splitter.reset(consumed);
        bool stopped = false;
        if (auto st = readToEnd(src, stop, stopped); !st) return st;
        if (stopped) return Status::ok(); // run() commits the copy's position
        Line line;
        while (src.splitter.finish(line, src.parser))
            processLine(src, line);
        src.pos.offset = src.splitter.consumedOffset();
    } else {
        const uint64_t lost = src.readEnd > consumed ? src.readEnd - consumed : 0;
        if (lost > 0) {
            warn(quoted(src.path) + " was truncated and no copy of its content was found beside it: "
                + std::to_string(lost) + " bytes after offset " + std::to_string(consumed)
                + " are lost (counted in lost_bytes); reading it again from the start");
            m_engine->batch().counters.lostBytes += static_cast<int64_t>(lost);
        } else {
            warn(quoted(src.path) + " was truncated; reading it again from the start");
        }
        src.pos.offset = consumed;
    }
    stagePosition(src.pos, src.report);
    if (auto st = followed->seek(0); !st) return st;
    return startGeneration(src, std::move(followed));
}

Status Ingestor::followRotation(Source& src, std::stop_token& stop)
{
    // Rotation: the writer may have appended to the old file just before renaming it, so read it
    // to its end once more; then it is complete: take its last partial line.
    bool stopped = false;
    if (auto st = readToEnd(src, stop, stopped); !st) return st;
    if (stopped) return Status::ok();
    Line line;
    while (src.splitter.finish(line, src.parser))
        processLine(src, line);
    src.pos.offset = src.splitter.consumedOffset();
    stagePosition(src.pos, src.report);
    auto next = InputFile::open(src.path);
    if (!next) return next.status();
    return startGeneration(src, std::move(*next));
}

Status Ingestor::startGeneration(Source& src, std::unique_ptr<InputFile> file)
{
    src.file = std::move(file);
    src.parser = LineParser(src.parser.options());
    src.splitter.reset(0);
    src.head.clear();
    src.readEnd = 0;
    src.verify = true;
    src.truncated = false;
    // A new row: the old one keeps where its content ended (a restart must not confuse them).
    src.pos = SourcePosition { m_nextSourceId++, src.path, 0, 0, 0 };
    m_result.sources.push_back({ src.path, 0, 0, {}, {} });
    src.report = m_result.sources.size() - 1;
    // The old position and the new row in one transaction: a restart finds the new file as the
    // one last read under this path, and the old one complete.
    return commit(&src);
}

Status Ingestor::finishPredecessor(const std::string& path, std::stop_token& stop)
{
    if (path == "-") return Status::ok();
    const SourcePosition* last = nullptr;
    for (const SourcePosition& k : m_known)
        if (k.uri == path && (!last || k.id > last->id)) last = &k;
    if (!last || last->fpLen == 0) return Status::ok();
    // Only a regular file has a predecessor (reading a FIFO's head here would take its data).
    struct stat fileStat;
    if (::stat(path.c_str(), &fileStat) != 0 || !S_ISREG(fileStat.st_mode)) return Status::ok();
    auto head = readHead(path);
    if (!head) return Status::ok(); // openSource() reports it
    if (head->size() >= last->fpLen && fingerprintHash(head->data(), last->fpLen) == last->fpHash)
        return Status::ok(); // still the file we read
    const SourcePosition before = *last;
    auto copy = findRotatedCopy(path, { before.fpLen, before.fpHash }, before.offset, m_own);
    if (!copy) {
        warn(quoted(path) + " is not the file read before under that name (to offset "
            + std::to_string(before.offset)
            + "): it was rotated or replaced while no ingest ran and no file beside it starts with its "
              "content; whatever it held after that offset is lost (counted in lost_predecessors)");
        ++m_engine->batch().counters.lostPredecessors;
        return Status::ok();
    }
    warn(quoted(path) + " was rotated while no ingest ran: finishing its previous content in " + quoted(*copy)
        + " from offset " + std::to_string(before.offset) + " first");
    Source src;
    auto file = InputFile::open(*copy);
    if (!file) return file.status();
    src.path = *copy;
    src.file = std::move(*file);
    ParserOptions parserOptions = m_options.parser; // with the column map and time format it was read with
    if (before.parserState) {
        if (auto stored = LineParser::storedColumnMap(*before.parserState))
            parserOptions.map = std::move(*stored);
        if (auto time = LineParser::storedTimeFormat(*before.parserState))
            parserOptions.time = std::move(*time);
    }
    src.parser = LineParser(parserOptions);
    if (auto st = src.file->seek(before.offset); !st) return st;
    auto copyHead = readHead(*copy);
    if (!copyHead) return copyHead.status();
    primeParser(src.parser,
        std::string_view(*copyHead).substr(0, std::min<uint64_t>(copyHead->size(), before.offset)));
    src.head = std::move(*copyHead);
    src.pos = before; // the same row (and uri) until the file now under `path` is started
    src.splitter.reset(before.offset);
    src.readEnd = before.offset;
    m_result.sources.push_back({ *copy, before.offset, before.offset, {}, {} });
    src.report = m_result.sources.size() - 1;
    bool stopped = false;
    if (auto st = readToEnd(src, stop, stopped); !st) return st;
    if (!stopped) {
        Line line;
        while (src.splitter.finish(line, src.parser))
            processLine(src, line);
        src.pos.offset = src.splitter.consumedOffset();
    }
    return commit(&src);
}

} // namespace adclick::core
