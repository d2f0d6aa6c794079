// Micro benchmarks of the per-event path: parse, identity hash + dedup, engine.
#include "core/pipeline/dedup_set.h"
#include "core/pipeline/engine.h"
#include "core/input/line_parser.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

using namespace adclick::core;

namespace {

std::vector<std::string> csvLines(int n)
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

void BM_ParseCsv(benchmark::State& state)
{
    const auto lines = csvLines(100'000);
    for (auto _ : state) {
        LineParser p(LineFormat::Auto);
        ClickEvent e;
        for (const auto& l : lines)
            benchmark::DoNotOptimize(p.parse(l, e));
    }
    state.SetItemsProcessed(state.iterations() * int64_t(lines.size()));
}
BENCHMARK(BM_ParseCsv);

void BM_DedupInsert(benchmark::State& state)
{
    std::string scratch;
    for (auto _ : state) {
        DedupSet s;
        for (int64_t i = 0; i < 1'000'000; ++i) {
            const std::string id = "c" + std::to_string(i);
            benchmark::DoNotOptimize(
                s.checkAndInsert(clickIdentity({}, i, {}, {}, id, scratch), i, i - 300'000));
        }
    }
    state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_DedupInsert)->Unit(benchmark::kMillisecond);

void BM_EngineParseAndProcess(benchmark::State& state)
{
    const auto lines = csvLines(200'000);
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

} // namespace

BENCHMARK_MAIN();
