// libFuzzer target: the filter expression language (user input in the CLI, the GUI's filter
// panel and saved filters).
//
// Checked besides "no crash, no UB, no leak":
//  - a parsed filter's canonical text parses back to an equal filter with the same text
//    (the saved-filter table and the GUI rely on canonical() being a fixed point);
//  - matching never crashes on hostile click fields, and equal filters give equal verdicts;
//  - an IpNet that parses prints canonical text that parses back to the same network.
#include "core/pipeline/filter_expr.h"

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

void checkIpNet(std::string_view text)
{
    const auto net = IpNet::parse(text);
    if (!net) return;
    const auto back = IpNet::parse(net->text());
    check(back && *back == *net && back->text() == net->text());
}

void checkMatching(const Filter& a, const Filter& b, std::string_view tail)
{
    // Click fields taken from the input itself, so the fuzzer can steer them into the filter's values.
    const std::string_view fields[] = { "US", "KR", "u1", "10.1.2.3", "2001:db8::1", tail };
    for (std::string_view country : fields)
        for (std::string_view ip : fields)
            check(a.matches(country, tail, ip) == b.matches(country, tail, ip));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    // The part after the first newline (if any) is a click field to match against.
    const std::size_t nl = in.find('\n');
    const std::string_view expr = in.substr(0, nl);
    const std::string_view tail = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

    if (expr.size() <= 64) checkIpNet(expr);
    const Result<Filter> parsed = parseFilter(expr);
    if (!parsed) {
        check(!parsed.status().message().empty());
        return 0;
    }
    const std::string text = parsed->canonical();
    const Result<Filter> again = parseFilter(text);
    check(again.isOk());
    check(*again == *parsed);
    check(again->canonical() == text);
    if (parsed->savedRefs().empty()) checkMatching(*parsed, *again, tail);
    return 0;
}
