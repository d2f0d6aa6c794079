// Micro benchmarks of the store and the queries (Google Benchmark; read, never asserted): one
// commit of a 100 k-event batch (aggregates, minute stats, raw segment, counters in one SQLite
// transaction), and popular / count / an ad-hoc ip filter on a database of 1 M clicks (100 k ads,
// 17 minutes) made once by the real ingest. Each query opens nothing: the QueryService is open, as
// in the GUI's query worker (the CLI adds process start and opening the database).
#include "tests/bench/bench_data.h"

#include "core/ingest/ingest.h"
#include "core/pipeline/engine.h"
#include "core/pipeline/filter_expr.h"
#include "core/query/query.h"
#include "core/store/store.h"

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

using namespace adclick::core;
namespace fs = std::filesystem;

namespace {

template <typename T> T& orDie(Result<T>& r, const char* what)
{
    if (!r) {
        std::fprintf(stderr, "bench_core: %s: %s\n", what, r.message().c_str());
        std::exit(1);
    }
    return *r;
}

fs::path scratchDir()
{
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("adclick-bench-core." + std::to_string(getpid()));
        fs::create_directories(d);
        std::atexit([] {
            fs::remove_all(fs::temp_directory_path() / ("adclick-bench-core." + std::to_string(getpid())));
        });
        return d;
    }();
    return dir;
}

constexpr int kBatch = 100'000;

void BM_StoreCommit(benchmark::State& state)
{
    const std::string db = (scratchDir() / "commit.db").string();
    auto opened = Store::open(db, {});
    std::unique_ptr<Store> store = std::move(orDie(opened, "open"));
    Engine engine({});
    if (!store->saveSettings(engine.config()).isOk()) std::exit(1);
    int next = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (int i = 0; i < kBatch; ++i, ++next) {
            const auto c = adclick::bench::clickNo(next);
            engine.onEvent(ClickEvent { c.timeMs, c.ad, c.user, c.ip, c.country, c.clickId });
        }
        state.ResumeTiming();
        const Status s = store->commit(engine.batch(), engine.maxEventMs(), engine.watermarkMs(), {});
        if (!s.isOk()) state.SkipWithError(s.message().c_str());
        engine.batchCommitted();
    }
    state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_StoreCommit)->Unit(benchmark::kMillisecond)->Iterations(10);

//! SQLite's cost of the store's writes: state.range(0) rows of agg's shape put into a fresh
//! WITHOUT ROWID table in key order by one prepared INSERT of state.range(1) rows (the values of
//! that many rows bound to one statement, as sql::BulkInsert does) in one transaction (no upsert,
//! no other table; the store's pragmas). An ingest at 100,000 ads writes ~0.36 such rows per
//! click (agg and the rollup levels, each once).
void BM_SqliteInsert(benchmark::State& state)
{
    const int64_t rows = state.range(0);
    const int perStatement = int(state.range(1));
    int round = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const std::string path = (scratchDir() / ("floor-" + std::to_string(round++) + ".db")).string();
        sqlite3* db = nullptr;
        if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::exit(1);
        sqlite3_exec(db,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; CREATE TABLE "
            "agg(filter_id INTEGER NOT NULL, "
            "minute INTEGER NOT NULL, ad INTEGER NOT NULL, country TEXT NOT NULL, clicks INTEGER NOT NULL, "
            "late INTEGER NOT NULL, PRIMARY KEY(filter_id, minute, ad, country)) WITHOUT ROWID",
            nullptr, nullptr, nullptr);
        std::string text = "INSERT INTO agg VALUES";
        for (int r = 0; r < perStatement; ++r)
            text += (r ? ", (0, ?" : " (0, ?") + std::to_string(4 * r + 1) + ", ?" + std::to_string(4 * r + 2)
                + ", ?" + std::to_string(4 * r + 3) + ", ?" + std::to_string(4 * r + 4) + ", 0)";
        sqlite3_stmt* ins = nullptr;
        if (sqlite3_prepare_v2(db, text.c_str(), -1, &ins, nullptr) != SQLITE_OK) std::exit(1);
        static const char* const kCountries[] = { "BR", "DE", "FR", "GB", "IN", "JP", "KR", "US" };
        state.ResumeTiming();
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (int64_t i = 0; i + perStatement <= rows; i += perStatement) {
            for (int r = 0; r < perStatement; ++r) {
                const int64_t k = i + r;
                sqlite3_bind_int64(ins, 4 * r + 1, 26'824'320 + k / 800'000);
                sqlite3_bind_int64(ins, 4 * r + 2, k / 8 % 100'000 + 1);
                sqlite3_bind_text(ins, 4 * r + 3, kCountries[k % 8], 2, SQLITE_STATIC);
                sqlite3_bind_int64(ins, 4 * r + 4, 1 + k % 7);
            }
            if (sqlite3_step(ins) != SQLITE_DONE) std::exit(1);
            sqlite3_reset(ins);
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        state.PauseTiming();
        sqlite3_finalize(ins);
        sqlite3_close(db);
        fs::remove(path);
        fs::remove(path + "-wal");
        fs::remove(path + "-shm");
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * (rows / perStatement * perStatement));
}
BENCHMARK(BM_SqliteInsert)
    ->Args({ 1'000'000, 1 })
    ->Args({ 1'000'000, 32 })
    ->ArgNames({ "rows", "per_statement" })
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

//! A database of 1 M clicks made by the ingest, and its end (the T of the queries).
struct QueryDb {
    std::string path;
    int64_t endMs = 0;
};

const QueryDb& queryDb()
{
    static const QueryDb made = [] {
        QueryDb q { (scratchDir() / "query.db").string(), 0 };
        const std::string csv = (scratchDir() / "query.csv").string();
        std::ofstream out(csv);
        for (const auto& l : adclick::bench::csvLines(1'000'000))
            out << l << '\n';
        out.close();
        IngestOptions o;
        o.sources = { csv };
        auto ing = Ingestor::open(q.path, o);
        auto run = orDie(ing, "ingest open")->run();
        q.endMs = (orDie(run, "ingest").maxEventMs / kMinuteMs + 1) * kMinuteMs;
        return q;
    }();
    return made;
}

std::unique_ptr<QueryService> openQueries()
{
    auto q = QueryService::open(queryDb().path);
    return std::move(orDie(q, "query open"));
}

void BM_Popular(benchmark::State& state)
{
    auto q = openQueries();
    for (auto _ : state) {
        auto r = q->popular(10, 60, queryDb().endMs, {});
        benchmark::DoNotOptimize(orDie(r, "popular").top.size());
    }
}
BENCHMARK(BM_Popular)->Unit(benchmark::kMillisecond);

void BM_CountSecondEnds(benchmark::State& state)
{
    auto q = openQueries();
    const int64_t end = queryDb().endMs;
    for (auto _ : state) {
        auto r = q->count("ad100000", end - 15 * kMinuteMs + 17'000, end - 43'000, {});
        benchmark::DoNotOptimize(orDie(r, "count"));
    }
}
BENCHMARK(BM_CountSecondEnds)->Unit(benchmark::kMillisecond);

void BM_PopularIpFilter(benchmark::State& state)
{
    auto q = openQueries();
    auto f = parseFilter("ip=148.0.0.0/8");
    const Filter filter = orDie(f, "filter");
    for (auto _ : state) {
        auto r = q->popular(10, 60, queryDb().endMs, filter);
        benchmark::DoNotOptimize(orDie(r, "popular ip=").top.size());
    }
}
BENCHMARK(BM_PopularIpFilter)->Unit(benchmark::kMillisecond);

//! The database given by ADCLICK_BENCH_DB (e.g. a copy of the one-hour databases of
//! scripts/bench.sh), opened as the GUI's query worker opens it; null (the benchmark skipped)
//! without the variable.
std::unique_ptr<QueryService> openBenchDb(benchmark::State& state)
{
    const char* path = std::getenv("ADCLICK_BENCH_DB");
    if (!path || !*path) {
        state.SkipWithError("ADCLICK_BENCH_DB is not set");
        return nullptr;
    }
    auto opened = QueryService::open(path);
    return std::move(orDie(opened, "query open"));
}

//! `popular` N=10 M=60 at the database's own end (the default of the CLI), without process
//! start-up.
void BM_PopularOnDb(benchmark::State& state)
{
    auto q = openBenchDb(state);
    if (!q) return;
    for (auto _ : state) {
        auto r = q->popular(10, 60, std::nullopt, {});
        benchmark::DoNotOptimize(orDie(r, "popular").top.size());
    }
}
BENCHMARK(BM_PopularOnDb)->Unit(benchmark::kMillisecond);

//! The window's top-N query on the same database: the top 10 of the last hour with their
//! counts in the hour before and both hours' totals (QueryService::popularWithPrevious).
void BM_PopularWithPreviousOnDb(benchmark::State& state)
{
    auto q = openBenchDb(state);
    if (!q) return;
    for (auto _ : state) {
        auto r = q->popularWithPrevious(10, 60, std::nullopt, {});
        benchmark::DoNotOptimize(orDie(r, "popularWithPrevious").total);
    }
}
BENCHMARK(BM_PopularWithPreviousOnDb)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
