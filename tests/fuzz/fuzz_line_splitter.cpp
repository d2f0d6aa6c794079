// libFuzzer target: LineSplitter (R2).
//
// Input byte 0 picks the line limit, byte 1 seeds the chunk sizes, the rest is the stream.
// Every chunk lives in its own exactly-sized heap buffer that is freed as soon as the contract
// allows (after next() returned false), so a view kept past that is a use-after-free for ASan.
// The lines must equal an independent reference split: texts, too-long flags and offsets, with
// offsets contiguous from 0 to the end of the stream, and consumed + pending = bytes fed.
#include "core/input/line_splitter.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace adclick::core;

namespace {

void check(bool ok)
{
    if (!ok) std::abort();
}

struct Ref {
    std::string_view text;
    uint64_t offset, endOffset;
    bool tooLong;
};

std::vector<Ref> reference(std::string_view s, std::size_t max)
{
    std::vector<Ref> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        const std::size_t nl = s.find('\n', pos);
        const std::size_t stop = nl == std::string_view::npos ? s.size() : nl;
        const std::string_view raw = s.substr(pos, stop - pos);
        std::string_view text = raw;
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        const bool tooLong = text.size() > max;
        out.push_back({ tooLong ? raw.substr(0, 256) : text, pos,
            nl == std::string_view::npos ? s.size() : nl + 1, tooLong });
        pos = stop + 1;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2) return 0;
    const std::size_t max = data[0] == 255 ? kMaxLineBytes : data[0];
    uint32_t rng = data[1] * 2654435761u + 1;
    auto nextRandom = [&rng] {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        return rng;
    };
    const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);
    const std::vector<Ref> want = reference(stream, max);

    LineSplitter splitter(max);
    std::size_t got = 0;
    uint64_t expectOffset = 0;
    auto verify = [&](const Line& l) {
        check(got < want.size());
        const Ref& r = want[got++];
        check(l.offset == expectOffset && l.offset == r.offset && l.endOffset == r.endOffset);
        check(l.tooLong == r.tooLong && l.text == r.text);
        check(l.text.size() <= (l.tooLong ? 256 : max));
        expectOffset = l.endOffset;
    };

    std::size_t pos = 0;
    Line line;
    std::unique_ptr<char[]> held; // the chunk the splitter may still view
    while (pos < stream.size()) {
        const uint32_t r = nextRandom();
        const std::size_t n = std::min<std::size_t>(stream.size() - pos, (r & 7) == 0 ? r % 4096 : r % 64);
        std::unique_ptr<char[]> chunk(new char[n == 0 ? 1 : n]);
        std::memcpy(chunk.get(), stream.data() + pos, n);
        splitter.feed(std::string_view(chunk.get(), n));
        held = std::move(chunk); // feed() copied whatever it keeps of an undrained older chunk
        pos += n;
        // Mostly drain as the contract says; sometimes take one line only and feed again early.
        if ((r >> 8) % 16 == 0) {
            if (splitter.next(line)) verify(line);
            continue;
        }
        while (splitter.next(line))
            verify(line);
        held.reset(); // drained: the splitter must not look at the chunk any more
        check(splitter.consumedOffset() + splitter.pendingBytes() == pos);
        check(splitter.consumedOffset() == expectOffset);
    }
    while (splitter.finish(line))
        verify(line);
    held.reset();
    check(got == want.size());
    check(splitter.consumedOffset() == stream.size() && splitter.pendingBytes() == 0);
    return 0;
}
