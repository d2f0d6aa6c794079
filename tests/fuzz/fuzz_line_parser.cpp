// libFuzzer target: LineParser, RecordReader and the timestamp parser (R2).
//
// The input is a stream; each '\n'-separated line goes, in its own exactly-sized heap buffer
// (so ASan sees any read past the line), to four parsers in lockstep: Auto, Book, Csv, Jsonl; and
// to two more with --delimiter ';' and tab.
// Checked besides "no crash, no UB, no leak":
//  - an Event satisfies every validation rule (independently re-checked here);
//  - Auto reads each line in one format: a line read as book or JSON gets the verdict of the
//    parser forced to that format (unless it was a CSV header, or not JSON and read as a row);
//  - a parser restored from state() gives the verdict of the one it was taken from (Auto, Csv,
//    and the delimited ones into a parser given no delimiter: the state carries it);
//  - a parsed timestamp is in range and survives formatIsoUtc → parseTimestamp.
// Then the whole stream goes through RecordReader as the ingest reads it: records tile the stream
// (each starts where the last ended, consumedOffset is the last end) and parse cleanly.
#include "core/base/timestamp.h"
#include "core/input/line_parser.h"
#include "core/input/record_reader.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

using namespace adclick::core;

namespace {

constexpr int64_t kMaxMs = 253'402'300'799'999;

void check(bool ok)
{
    if (!ok) std::abort();
}

bool validUtf8(std::string_view s)
{
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        if (len == 0 || i + len > n) return false;
        uint32_t cp = c & (0x7F >> len);
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        const uint32_t minCp = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < minCp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

bool cleanField(std::string_view s, bool mayBeEmpty)
{
    if (s.size() > 128 || (!mayBeEmpty && s.empty()) || !validUtf8(s)) return false;
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
    return true;
}

void checkTimestamp(std::string_view text)
{
    int64_t ms = -1;
    if (!parseTimestamp(text, ms)) return;
    check(ms >= 0 && ms <= kMaxMs);
    int64_t back = -1;
    check(parseTimestamp(formatIsoUtc(ms), back) && back == ms);
}

void checkOutcome(ParseOutcome o, const ClickEvent& e)
{
    if (o.kind != LineKind::Rejected) {
        check(o.reason == RejectReason::Count);
    } else {
        check(o.reason < RejectReason::Count);
        check(!rejectReasonName(o.reason).empty());
    }
    if (o.kind != LineKind::Event) return;
    check(cleanField(e.adId, false));
    bool blank = true;
    for (char c : e.adId)
        blank = blank && (c == ' ' || c == '\t');
    check(!blank);
    // user_id, ip and country may be absent (empty): only ad_id and the time are required.
    check(cleanField(e.userId, true));
    check(cleanField(e.clickId, true));
    check(e.ip.size() <= 45);
    for (char c : e.ip)
        check((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.'
            || c == ':');
    check(e.country.empty() || (e.country.size() >= 2 && e.country.size() <= 3));
    for (char c : e.country)
        check(c >= 'A' && c <= 'Z');
    check(e.timeMs >= 0 && e.timeMs <= kMaxMs);
    int64_t back = -1;
    check(parseTimestamp(formatIsoUtc(e.timeMs), back) && back == e.timeMs);
}

std::string describe(ParseOutcome o, const ClickEvent& e)
{
    std::string s(1, static_cast<char>('0' + static_cast<int>(o.kind)));
    s += std::to_string(static_cast<int>(o.reason));
    if (o.kind == LineKind::Event) {
        s += '|' + std::to_string(e.timeMs);
        for (std::string_view f : { e.adId, e.userId, e.ip, e.country, e.clickId }) {
            s += '|';
            s.append(f);
        }
    }
    return s;
}

void checkRecords(std::string_view in, const ParserOptions& options)
{
    RecordReader reader;
    LineParser parser(options);
    uint64_t end = 0;
    Line r;
    auto handle = [&] {
        check(r.offset == end && r.endOffset > r.offset && r.endOffset <= in.size());
        check(reader.consumedOffset() == r.endOffset);
        end = r.endOffset;
        if (r.tooLong) return;
        ClickEvent e;
        const ParseOutcome o = r.multiLine ? parser.parseRecord(r.text, e) : parser.parse(r.text, e);
        checkOutcome(o, e);
    };
    for (std::size_t pos = 0; pos < in.size(); pos += 1000) {
        reader.feed(in.substr(pos, 1000));
        while (reader.next(r, parser))
            handle();
    }
    while (reader.finish(r, parser))
        handle();
    check(end == in.size() && reader.consumedOffset() == in.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    LineParser parsers[] = { LineParser(LineFormat::Auto), LineParser(LineFormat::Book),
        LineParser(LineFormat::Csv), LineParser(LineFormat::Jsonl) };
    if (size <= 64) checkTimestamp(in);

    ParserOptions semicolon, tab;
    semicolon.delimiter = ';';
    tab.delimiter = '\t';
    LineParser delimited[] = { LineParser(semicolon), LineParser(tab) };
    LineParser restored[] = { LineParser(LineFormat::Auto), LineParser(LineFormat::Csv),
        LineParser(LineFormat::Auto), LineParser(LineFormat::Auto) };
    std::string lastState[4];
    std::size_t pos = 0;
    while (pos <= size) {
        std::size_t nl = in.find('\n', pos);
        if (nl == std::string_view::npos) nl = size;
        const std::size_t len = nl - pos;
        const std::unique_ptr<char[]> buf(new char[len == 0 ? 1 : len]);
        if (len > 0) std::memcpy(buf.get(), in.data() + pos, len);
        const std::string_view line(buf.get(), len);
        if (len <= 64) checkTimestamp(line);

        // Shadows of Auto and Csv parse in lockstep and are restored from state() whenever that
        // changed (as a resume there would be): their verdicts must not differ.
        LineParser* const shadowed[] = { &parsers[0], &parsers[2], &delimited[0], &delimited[1] };
        for (int k = 0; k < 4; ++k) {
            const std::string state = shadowed[k]->state();
            if (state != lastState[k]) {
                restored[k].restore(state);
                lastState[k] = state;
            }
        }
        std::string verdicts[4];
        ParseOutcome outcomes[4];
        for (int i = 0; i < 4; ++i) {
            ClickEvent e;
            outcomes[i] = parsers[i].parse(line, e);
            checkOutcome(outcomes[i], e);
            verdicts[i] = describe(outcomes[i], e);
            if (i > 0) check(parsers[i].format() == static_cast<LineFormat>(i));
        }
        for (int k = 0; k < 2; ++k) {
            ClickEvent e;
            check(describe(restored[k].parse(line, e), e) == verdicts[k == 0 ? 0 : 2]);
        }
        for (int k = 0; k < 2; ++k) {
            ClickEvent e, r;
            const ParseOutcome o = delimited[k].parse(line, e);
            checkOutcome(o, e);
            check(delimited[k].format() == LineFormat::Csv);
            check(describe(restored[2 + k].parse(line, r), r) == describe(o, e));
        }
        // The format Auto read this line in (a line failing the byte checks leaves it as it was:
        // every parser rejects such a line alike).
        const LineFormat read = parsers[0].format();
        if (read == LineFormat::Jsonl) check(verdicts[0] == verdicts[3]);
        if (read == LineFormat::Book) check(verdicts[0] == verdicts[1]);
        pos = nl + 1;
    }
    checkRecords(in, ParserOptions {});
    checkRecords(in, ParserOptions { LineFormat::Csv, {}, {} });
    checkRecords(in, semicolon);
    checkRecords(in, tab);
    return 0;
}
