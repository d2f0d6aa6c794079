// The load client of the `adclick serve` benchmark (scripts/bench-serve.sh): N concurrent clients,
// each on one kept-alive connection, send the request targets of a file round-robin (each client
// from its own offset) for a number of seconds, and report requests/s and latency percentiles.
// Every answer must be a 200; anything else is counted as an error (exit 1).
//
//   bench_serve_load HOST:PORT TARGETS_FILE CLIENTS SECONDS
// Prints
// {"clients":N,"requests":N,"errors":N,"seconds":S,"rps":R,"p50_ms":..,"p90_ms":..,"p99_ms":..,"max_ms":..}
#include "http_client.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: bench_serve_load HOST:PORT TARGETS_FILE CLIENTS SECONDS\n");
        return 2;
    }
    const std::string where = argv[1];
    const std::string host = where.substr(0, where.rfind(':'));
    const int port = std::stoi(where.substr(where.rfind(':') + 1));
    std::vector<std::string> targets;
    std::ifstream f(argv[2]);
    for (std::string line; std::getline(f, line);)
        if (!line.empty()) targets.push_back(line);
    const int clients = std::stoi(argv[3]);
    const double seconds = std::stod(argv[4]);
    if (targets.empty() || clients < 1 || seconds <= 0) {
        std::fprintf(stderr, "bench_serve_load: no targets, or a bad client count or duration\n");
        return 2;
    }
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration<double>(seconds);
    std::vector<std::vector<double>> latencies(std::size_t(clients), std::vector<double> {});
    std::atomic<long> errors { 0 };
    std::atomic<bool> reported { false };
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t)
        threads.emplace_back([&, t] {
            testhttp::Client c(host, port);
            std::size_t i = std::size_t(t) * 7919;
            auto& mine = latencies[std::size_t(t)];
            while (Clock::now() < end) {
                const auto t0 = Clock::now();
                const auto r = c.get(targets[i++ % targets.size()]);
                mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                if (r.status != 200) {
                    ++errors;
                    if (!reported.exchange(true))
                        std::fprintf(
                            stderr, "bench_serve_load: %d %s%s\n", r.status, r.error.c_str(), r.body.c_str());
                }
            }
        });
    for (auto& t : threads)
        t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    for (const auto& l : latencies)
        all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    const auto pct = [&all](double p) {
        return all.empty() ? 0.0 : all[std::min(all.size() - 1, std::size_t(p * double(all.size())))];
    };
    std::printf(
        "{\"clients\":%d,\"requests\":%zu,\"errors\":%ld,\"seconds\":%.2f,\"rps\":%.0f,\"p50_ms\":%.3f,"
        "\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
        clients, all.size(), errors.load(), elapsed, double(all.size()) / elapsed, pct(0.50), pct(0.90),
        pct(0.99), all.empty() ? 0.0 : all.back());
    return errors.load() == 0 ? 0 : 1;
}
