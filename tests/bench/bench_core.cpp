// Micro benchmarks of the per-event stages (Google Benchmark; numbers are read, never asserted):
// parse a CSV / book / JSON line, a time stamp, an IPv4 address; the identity hash + dedup table;
// the pane delta map; the engine on parsed events; the raw line encoding. The store commit and
// the queries are in bench_store.cpp. Items/s is events (lines) per second of one core.
// BM_ParseCsv, BM_DedupInsert and BM_EngineParseAndProcess keep the names and the input of the
// first version, so /work/base-bin/bench_core can be compared with a new build.
#include "tests/bench/bench_data.h"

#include "core/base/ip_address.h"
#include "core/base/timestamp.h"
#include "core/input/line_parser.h"
#include "core/pipeline/batch.h"
#include "core/pipeline/dedup_set.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/raw_format.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

using namespace adclick::core;
using adclick::bench::bookLines;
using adclick::bench::clickNo;
using adclick::bench::csvLines;
using adclick::bench::jsonLines;

namespace {

//! The lines of the first version of this file: BM_ParseCsv and BM_EngineParseAndProcess read
//! them so that their figures compare with /work/base-bin/bench_core (same names, same work).
std::vector<std::string> csvLinesV1(int n)
{
    std::vector<std::string> lines;
    lines.push_back("ad_id,click_timestamp,user_id,ip,country,click_id");
    for (int i = 0; i < n; ++i)
        lines.push_back("ad" + std::to_string(i % 5000)
            + ",2021-01-01 00:" + std::to_string(10 + (i / 60000) % 50) + ":"
            + std::to_string(10 + (i / 1000) % 50) + ".123,user" + std::to_string(i % 100000) + ",10.0."
            + std::to_string(i % 250) + "." + std::to_string(i % 200) + ",US,c" + std::to_string(i));
    return lines;
}

void parseAll(benchmark::State& state, const std::vector<std::string>& lines, LineFormat format)
{
    for (auto _ : state) {
        LineParser p(format);
        ClickEvent e;
        for (const auto& l : lines)
            benchmark::DoNotOptimize(p.parse(l, e));
    }
    state.SetItemsProcessed(state.iterations() * int64_t(lines.size()));
    int64_t bytes = 0;
    for (const auto& l : lines)
        bytes += int64_t(l.size()) + 1;
    state.SetBytesProcessed(state.iterations() * bytes);
}

void BM_ParseCsv(benchmark::State& state)
{
    parseAll(state, csvLinesV1(100'000), LineFormat::Auto);
}
BENCHMARK(BM_ParseCsv);
//! The same clicks as BM_ParseBook and BM_ParseJson (100 k ads, mixed time forms), as CSV.
void BM_ParseCsvMixed(benchmark::State& state)
{
    parseAll(state, csvLines(100'000), LineFormat::Auto);
}
BENCHMARK(BM_ParseCsvMixed);
void BM_ParseBook(benchmark::State& state)
{
    parseAll(state, bookLines(100'000), LineFormat::Auto);
}
BENCHMARK(BM_ParseBook);
void BM_ParseJson(benchmark::State& state)
{
    parseAll(state, jsonLines(100'000), LineFormat::Auto);
}
BENCHMARK(BM_ParseJson);

void BM_ParseTimestampIso(benchmark::State& state)
{
    std::vector<std::string> t;
    for (int i = 0; i < 10'000; ++i)
        t.push_back(clickNo(i * 4).time); // i * 4: never the epoch form
    int64_t ms = 0;
    for (auto _ : state)
        for (const auto& s : t)
            benchmark::DoNotOptimize(parseTimestamp(s, ms));
    state.SetItemsProcessed(state.iterations() * int64_t(t.size()));
}
BENCHMARK(BM_ParseTimestampIso);

void BM_ParseIpv4(benchmark::State& state)
{
    std::vector<std::string> ips;
    for (int i = 0; i < 10'000; ++i)
        ips.push_back(clickNo(i).ip);
    uint8_t out[4];
    for (auto _ : state)
        for (const auto& s : ips)
            benchmark::DoNotOptimize(parseIpv4Strict(s, out));
    state.SetItemsProcessed(state.iterations() * int64_t(ips.size()));
}
BENCHMARK(BM_ParseIpv4);

//! One million fresh click ids into a table with a 300 s horizon (one key a ms: it keeps 300 k).
void BM_DedupInsert(benchmark::State& state)
{
    std::string scratch;
    for (auto _ : state) {
        DedupSet s;
        for (int64_t i = 0; i < 1'000'000; ++i) {
            s.setExpiry(i - 300'000); // keys expire as in the engine
            const std::string id = "c" + std::to_string(i);
            benchmark::DoNotOptimize(
                s.checkAndInsert(clickIdentity({}, i, {}, {}, id, scratch), i, i - 300'000));
        }
    }
    state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_DedupInsert)->Unit(benchmark::kMillisecond);

//! The identity hash alone (no click id: ad, time, user, ip), the part of dedup before the table.
void BM_IdentityHash(benchmark::State& state)
{
    std::vector<adclick::bench::Click> clicks;
    for (int i = 1; i < 20'000; i += 2) // odd: no click id
        clicks.push_back(clickNo(i));
    std::string scratch;
    for (auto _ : state)
        for (const auto& c : clicks)
            benchmark::DoNotOptimize(clickIdentity(c.ad, c.timeMs, c.user, c.ip, {}, scratch));
    state.SetItemsProcessed(state.iterations() * int64_t(clicks.size()));
}
BENCHMARK(BM_IdentityHash);

//! A batch's pane cells: 1 M events over 100 k ads × 8 countries × 2 minutes (~ all distinct).
void BM_PaneDeltaMap(benchmark::State& state)
{
    std::vector<PaneKey> keys;
    for (int i = 0; i < 1'000'000; ++i)
        keys.push_back({ 0, uint32_t(int64_t(i) * 7919 % 100'000), 26'824'333 + i / 600'000,
            packCountry(clickNo(i).country) });
    for (auto _ : state) {
        PaneDeltaMap m;
        for (const auto& k : keys)
            ++m.at(k, hash64(&k.ad, sizeof k.ad)).clicks;
        benchmark::DoNotOptimize(m.size());
    }
    state.SetItemsProcessed(state.iterations() * int64_t(keys.size()));
}
BENCHMARK(BM_PaneDeltaMap)->Unit(benchmark::kMillisecond);

//! Parse + engine (dedup, panes, raw line) on 200 k CSV lines, as the first version measured.
void BM_EngineParseAndProcess(benchmark::State& state)
{
    const auto lines = csvLinesV1(200'000);
    for (auto _ : state) {
        Engine engine({});
        LineParser p(LineFormat::Auto);
        ClickEvent e;
        for (const auto& l : lines)
            if (p.parse(l, e).kind == LineKind::Event) engine.onEvent(e);
        benchmark::DoNotOptimize(engine.batch().raw.size());
    }
    state.SetItemsProcessed(state.iterations() * int64_t(lines.size()));
}
BENCHMARK(BM_EngineParseAndProcess)->Unit(benchmark::kMillisecond);

//! The engine alone on events parsed before the clock starts.
void BM_EngineProcess(benchmark::State& state)
{
    const auto clicks = [] {
        std::vector<adclick::bench::Click> v;
        for (int i = 0; i < 200'000; ++i)
            v.push_back(clickNo(i));
        return v;
    }();
    for (auto _ : state) {
        Engine engine({});
        for (const auto& c : clicks)
            engine.onEvent(ClickEvent { c.timeMs, c.ad, c.user, c.ip, c.country, c.clickId });
        benchmark::DoNotOptimize(engine.batch().raw.size());
    }
    state.SetItemsProcessed(state.iterations() * int64_t(clicks.size()));
}
BENCHMARK(BM_EngineProcess)->Unit(benchmark::kMillisecond);

//! Encoding one raw event (what the raw segments store per accepted click).
void BM_RawEncode(benchmark::State& state)
{
    std::vector<adclick::bench::Click> clicks;
    for (int i = 0; i < 10'000; ++i)
        clicks.push_back(clickNo(i));
    std::string out;
    for (auto _ : state) {
        out.clear();
        for (const auto& c : clicks)
            appendRawLine(out, RawStatus::Accepted, c.timeMs, c.ad, c.country, c.user, c.ip, c.clickId);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * int64_t(clicks.size()));
    state.SetBytesProcessed(state.iterations() * int64_t(out.size()));
}
BENCHMARK(BM_RawEncode);

} // namespace
