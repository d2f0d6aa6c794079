#include "core/ingest/parse_ahead.h"

#include "core/input/input_file.h"
#include "core/input/record_reader.h"
#include "core/pipeline/batch.h"
#include "core/pipeline/dedup_set.h"

#include <cstring>

#include <pthread.h>

namespace adclick::core {

void parseRecord(LineParser& parser, bool& looksLikeClicks, bool fresh, const Line& line, ParsedLine& out)
{
    out.offset = line.offset;
    out.headerError = false;
    out.stateChanged = false;
    out.problem = {};
    const std::string_view sample
        = looksLikeClicks ? line.text : samplePrefix(line.text, kForeignSampleBytes);
    if (line.tooLong) {
        out.outcome = { LineKind::Rejected, RejectReason::LineTooLong };
        out.text = sample;
        return;
    }
    out.outcome
        = line.multiLine ? parser.parseRecord(line.text, out.event) : parser.parse(line.text, out.event);
    const bool header = out.outcome.kind == LineKind::Header;
    if (out.outcome.kind == LineKind::Event || header) looksLikeClicks = true;
    if (out.outcome.kind == LineKind::Event) {
        out.text = line.text;
        return;
    }
    out.text = sample;
    const bool badHeader
        = out.outcome.kind == LineKind::Rejected && out.outcome.reason == RejectReason::BadCsvHeader;
    out.stateChanged = header || badHeader;
    // A source whose first header lacks ad_id or click_timestamp (or a --map column) would
    // reject every line: the run stops before reading on, saying which --map fixes it.
    if (badHeader && !looksLikeClicks && fresh) {
        out.headerError = true;
        out.problem = parser.headerProblem();
    }
}

// ---------------------------------------------------------------------------------------------

std::string_view TextArena::keep(std::string_view s)
{
    if (s.empty()) return {};
    if (s.size() > kPage) {
        m_big.push_back(std::make_unique<char[]>(s.size()));
        std::memcpy(m_big.back().get(), s.data(), s.size());
        return { m_big.back().get(), s.size() };
    }
    if (m_pages.empty() || m_used + s.size() > kPage) {
        if (!m_pages.empty()) ++m_page;
        if (m_page == m_pages.size()) m_pages.push_back(std::make_unique<char[]>(kPage));
        m_used = 0;
    }
    char* at = m_pages[m_page].get() + m_used;
    std::memcpy(at, s.data(), s.size());
    m_used += s.size();
    return { at, s.size() };
}

void TextArena::reset()
{
    m_page = 0;
    m_used = 0;
    m_big.clear();
}

// ---------------------------------------------------------------------------------------------

ParseAhead::ParseAhead(InputFile& file, RecordReader& splitter, const LineParser& parser,
    bool looksLikeClicks, bool fresh, std::size_t bufferBytes)
    : m_file(file)
    , m_splitter(splitter)
    , m_parser(parser)
    , m_looksLikeClicks(looksLikeClicks)
    , m_fresh(fresh)
{
    for (std::size_t i = 0; i < kBlocks; ++i) {
        m_blocks.push_back(std::make_unique<ParsedBlock>());
        m_blocks.back()->bytes.resize(bufferBytes);
        // Room for lines of 64 bytes on average, so the list rarely grows (each growth touches
        // fresh pages: page faults are the worker's largest kernel cost).
        m_blocks.back()->lines.reserve(bufferBytes / 64);
        m_free.push_back(m_blocks.back().get());
    }
    m_thread = std::jthread([this](std::stop_token stop) { work(stop); });
}

ParseAhead::~ParseAhead()
{
    m_thread.request_stop(); // wakes the worker's wait (condition_variable_any with its token)
    m_thread.join();
}

ParsedBlock& ParseAhead::next()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_ready.empty(); });
    ParsedBlock* b = m_ready.front();
    m_ready.pop_front();
    return *b;
}

void ParseAhead::release(ParsedBlock& block)
{
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(&block);
    }
    m_changed.notify_all();
}

void ParseAhead::work(std::stop_token stop)
{
    pthread_setname_np(pthread_self(), "adclick-parse"); // how profiles and top name it
    for (;;) {
        ParsedBlock* b = nullptr;
        {
            std::unique_lock lock(m_mutex);
            if (!m_changed.wait(lock, stop, [this] { return !m_free.empty(); })) return;
            b = m_free.front();
            m_free.pop_front();
        }
        fill(*b);
        {
            std::lock_guard lock(m_mutex);
            m_ready.push_back(b);
        }
        m_changed.notify_all();
        if (b->last) return;
    }
}

void ParseAhead::fill(ParsedBlock& b)
{
    b.lines.clear();
    b.states.clear();
    b.arena.reset();
    b.status = Status::ok();
    b.last = false;
    b.size = 0;
    auto n = m_file.read(std::span<char>(b.bytes.data(), b.bytes.size()));
    if (!n) {
        b.status = n.status();
        b.last = true;
        return;
    }
    b.size = *n;
    b.last = *n == 0;
    const char* const begin = b.bytes.data();
    const char* const end = begin + b.size;
    // Views into the read buffer stay valid with the block; others are copied into its arena.
    auto stable = [&](std::string_view& s) {
        if (s.empty() || (s.data() >= begin && s.data() + s.size() <= end)) return;
        s = b.arena.keep(s);
    };
    Line line;
    auto add = [&] {
        ParsedLine& p = b.lines.emplace_back();
        parseRecord(m_parser, m_looksLikeClicks, m_fresh, line, p);
        p.consumed = m_splitter.consumedOffset();
        stable(p.text);
        if (p.outcome.kind == LineKind::Event) {
            ClickEvent& e = p.event;
            for (std::string_view* f : { &e.adId, &e.userId, &e.ip, &e.country, &e.clickId })
                stable(*f);
            p.identity = clickIdentity(e.adId, e.timeMs, e.userId, e.ip, e.clickId, m_scratch);
        }
        if (p.headerError) p.problem = b.arena.keep(p.problem);
        if (p.stateChanged) b.states.push_back(m_parser.state());
    };
    if (b.last) {
        while (m_splitter.finish(line, m_parser))
            add();
    } else {
        m_splitter.feed(std::string_view(begin, b.size));
        while (m_splitter.next(line, m_parser))
            add();
    }
    b.consumed = m_splitter.consumedOffset();
    b.fileOffset = m_file.offset();
}

} // namespace adclick::core
