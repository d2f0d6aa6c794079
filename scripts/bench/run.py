#!/usr/bin/env python3
"""The end-to-end benchmark behind scripts/bench.sh: every row of the targets table of issue 12
(docs/PERFORMANCE.md), measured in one run, printed as one table.

Called by scripts/bench.sh after the build; see `scripts/bench.sh --help`."""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import (BenchError, agg_counts, query_times, csv_counts, diff_counts, disk_mb,  # noqa: E402
                     fresh_db, gen, normalise_csv, print_table, run, timed, verdict, write_json)

# Ingest settings under which the engine's counts equal a plain "count distinct identities per
# (minute, ad, country)" over the whole file: nothing is late and every copy is found, as long as
# the input spans less than a day of event time (docs/PERFORMANCE.md, "Same work as DuckDB").
EXACT = ["--lateness", "1d", "--dedup-horizon", "1d"]


class Bench:
    def __init__(self, a):
        self.a = a
        self.cli, self.work = a.cli, a.work
        self.rows = []
        self.facts = {}
        # Rows that need `ingest --threads N` (being built in parallel) say n/a until it exists.
        helptext = run([self.cli, "ingest", "--help"], check=False)
        self.threads_ok = "--threads" in helptext["out"] + helptext["err"]

    def add(self, **row):
        self.rows.append(row)
        print(f"bench: {row['row']}: {row.get('figure', '')} {row.get('verdict', '')}", file=sys.stderr)

    def path(self, name):
        return os.path.join(self.work, name)

    # ---- inputs ----
    def main_csv(self):
        n = self.a.lines
        csv = self.path(f"csv-{n}.csv")
        if not os.path.exists(csv):
            raw = gen(self.cli, self.path(f"csv-{n}.raw.csv"), n, extra=["--malformed-rate", "0"])
            normalise_csv(raw, csv)
            os.remove(raw)  # only the normalised file is read
        return csv

    # ---- ingest rows ----
    def ingest(self, name, src, extra=()):
        db = fresh_db(self.path(f"{name}.db"))
        r = timed([self.cli, "ingest", "--db", db, *extra, src], self.work)
        s = json.loads(r["out"])
        size = os.path.getsize(src)
        main, raw = disk_mb(db)
        return {"db": db, "lines": s["run"]["lines"], "bytes": size, "wall": r["wall"],
                "cpu": r["user"] + r["sys"], "rss": r["rss_mb"], "eps": s["run"]["lines"] / r["wall"],
                "cpu_eps": s["run"]["lines"] / max(r["user"] + r["sys"], 1e-3),
                "mbps": size / 1e6 / r["wall"], "db_mb": main, "raw_mb": raw, "summary": s}

    def csv_rows(self, csv):
        # Best of two by CPU time: the first ingest of a run has come out up to 40% slower in CPU
        # (0.37-0.39 against 0.53-0.64 M ev/CPU-s, the same binary and file minutes apart) right
        # after the inputs were generated or big databases deleted.
        one = min((self.ingest("csv-1t", csv, EXACT) for _ in range(2)), key=lambda r: r["cpu"])
        self.facts["csv_1t"] = one
        self.add(row="CSV ingest, 1 thread", figure=f"{one['cpu_eps'] / 1e6:.2f} M ev/CPU-s",
                 target="≥ 5 M ev/s", verdict=verdict(one["cpu_eps"], 5e6), eps=one["eps"], cpu_eps=one["cpu_eps"],
                 mbps=one["mbps"], rss=one["rss"], disk=f"{one['db_mb'] + one['raw_mb']:.0f} MB")
        if not self.threads_ok:
            self.add(row="CSV ingest, 2 threads", figure="n/a (no --threads)", target="≥ 1.7× 1 thread")
            return one, None
        two = self.ingest("csv-2t", csv, EXACT + ["--threads", "2"])
        diff_counts(agg_counts(two["db"]), agg_counts(one["db"]), "the 1-thread ingest")
        self.facts["csv_2t"] = two
        ratio = two["eps"] / one["eps"]
        self.add(row="CSV ingest, 2 threads", figure=f"{ratio:.2f}× 1 thread", target="≥ 1.7× 1 thread",
                 verdict=verdict(ratio, 1.7), eps=two["eps"], cpu_eps=two["cpu_eps"], mbps=two["mbps"], rss=two["rss"],
                 disk=f"{two['db_mb'] + two['raw_mb']:.0f} MB")
        return one, two

    def duckdb(self, csv, threads, ours_db):
        out = self.path(f"duckdb-{threads}t.csv")
        r = timed(["node", os.path.join(self.a.duckdb_dir, "duckdb-counts.mjs"), csv, str(threads), out],
                  self.work)
        d = json.loads(r["out"].strip().splitlines()[-1])
        diff_counts(agg_counts(ours_db), csv_counts(out), f"DuckDB ({threads} thread(s))")
        lines = self.facts["csv_1t"]["lines"]
        return {"eps": lines / d["seconds"], "cpu_eps": lines / max(d["cpuSeconds"], 1e-3), "mbps": os.path.getsize(csv) / 1e6 / d["seconds"],
                "rss": r["rss_mb"], "seconds": d["seconds"], "rows": d["rows"]}

    def duckdb_rows(self, csv, one, two):
        for threads, ours in ((1, one), (2, two)):
            d = self.duckdb(csv, threads, one["db"])
            self.facts[f"duckdb_{threads}t"] = d
            label = "1 thread" if threads == 1 else f"{threads} threads"
            self.add(row=f"  DuckDB, {label} (same file; counts equal: checked)",
                     figure=f"{(d['cpu_eps'] if threads == 1 else d['eps']) / 1e6:.2f} M ev/{'CPU-s' if threads == 1 else 's'}", eps=d["eps"], cpu_eps=d["cpu_eps"], mbps=d["mbps"],
                     rss=d["rss"])
            if ours is None:
                self.add(row=f"vs DuckDB, {label}", figure="n/a (no --threads)",
                         target="≥ 2.5× DuckDB")
                continue
            # 1 thread: per CPU second (a shared machine distorts wall time); 2: wall time.
            ratio = ours["cpu_eps"] / d["cpu_eps"] if threads == 1 else ours["eps"] / d["eps"]
            self.add(row=f"vs DuckDB, {label}", figure=f"{ratio:.2f}× DuckDB",
                     target="≥ 2.5× DuckDB", verdict=verdict(ratio, 2.5))

    def format_rows(self, one):
        n = self.a.lines
        for fmt, label in (("book", "book format"), ("jsonl", "JSON lines")):
            src = gen(self.cli, self.path(f"{fmt}-{n}.{fmt}"), n, fmt=fmt, extra=["--malformed-rate", "0"])
            r = self.ingest(f"{fmt}-1t", src, EXACT)
            ratio = r["cpu_eps"] / one["cpu_eps"]
            self.add(row=f"{label}, 1 thread", figure=f"{ratio:.2f}× CSV", target="≥ 0.7× CSV",
                     verdict=verdict(ratio, 0.7), eps=r["eps"], cpu_eps=r["cpu_eps"], mbps=r["mbps"], rss=r["rss"],
                     disk=f"{r['db_mb'] + r['raw_mb']:.0f} MB")

    def order_any_row(self, csv, one):
        shuffled = self.path(f"csv-{self.a.lines}-shuffled.csv")
        if not os.path.exists(shuffled):
            with open(csv, "rb") as f:
                lines = f.read().split(b"\n")
            head, body = lines[0], [x for x in lines[1:] if x]
            random.Random(42).shuffle(body)
            with open(shuffled + ".part", "wb") as f:
                f.write(b"\n".join([head] + body) + b"\n")
            os.replace(shuffled + ".part", shuffled)
        r = self.ingest("csv-any", shuffled, EXACT + ["--order", "any"])
        diff_counts(agg_counts(r["db"]), agg_counts(one["db"]), "the in-order ingest")
        ratio = r["cpu_eps"] / one["cpu_eps"]
        self.add(row="--order any (shuffled; counts checked)", figure=f"{ratio:.2f}× in order",
                 target="≥ 0.5× in order", verdict=verdict(ratio, 0.5), eps=r["eps"], cpu_eps=r["cpu_eps"], mbps=r["mbps"],
                 rss=r["rss"], disk=f"{r['db_mb'] + r['raw_mb']:.0f} MB")

    def disk_row(self, one):
        ratio = one["raw_mb"] * 1e6 / one["bytes"]
        self.add(row="raw data on disk / input", figure=f"{ratio:.2f}× input ({one['raw_mb']:.0f} MB)",
                 target="≤ 0.25× input", verdict=verdict(ratio, 0.25, higher_is_better=False),
                 disk=f"{one['raw_mb']:.0f} MB raw")

    # ---- Kafka ----
    def kafka_rows(self):
        # Both sides pay librdkafka's start-up and end-of-partition latency (~1-1.5 s for 128 empty
        # partitions on the mock): a topic of ~2 M messages (the mock keeps ~14 k per partition)
        # makes the rates those of reading, not of starting.
        msgs, parts = (100_000, 32) if self.a.quick else (3_200_000, 128)
        port = self.path("kafka.port")
        if os.path.exists(port):
            os.remove(port)
        broker = subprocess.Popen([self.cli, "broker", "--topic", "bench", "--partitions", str(parts),
                                   "--port-file", port], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            self.kafka_measure(broker, port, msgs)
        finally:
            broker.terminate()
            try:
                broker.wait(10)
            except subprocess.TimeoutExpired:
                broker.kill()
                broker.wait()

    def kafka_measure(self, broker, port, msgs):
        for _ in range(300):
            if os.path.exists(port) and os.path.getsize(port) > 0:
                break
            if broker.poll() is not None:
                raise BenchError(f"the embedded broker exited: {broker.stderr.read().decode()[-1000:]}")
            time.sleep(0.1)
        else:
            raise BenchError("the embedded broker did not write its port file within 30 s")
        boot = open(port).read().strip()
        run([self.cli, "produce", "--brokers", boot, "--topic", "bench", "--gen-events", str(msgs),
             "--seed", "42"])
        bare = [json.loads(run([self.a.kafka_count, boot, "bench"])["out"])]
        db = fresh_db(self.path("kafka.db"))
        r = timed([self.cli, "ingest", "--db", db, "--until-end", f"kafka://{boot}/bench"], self.work)
        two = None
        if self.threads_ok:  # the commits on a thread of their own; the counts must not change
            db2 = fresh_db(self.path("kafka-2t.db"))
            two = timed([self.cli, "ingest", "--db", db2, "--threads", "2", "--until-end",
                         f"kafka://{boot}/bench"], self.work)
            diff_counts(agg_counts(db), agg_counts(db2), "Kafka ingest, 2 threads")
        bare.append(json.loads(run([self.a.kafka_count, boot, "bench"])["out"]))
        lines = json.loads(r["out"])["lines"]
        best = max(bare, key=lambda b: b["messages"] / b["seconds"])
        if best["messages"] != lines:  # each rate uses its own count; worth a look, not a failure
            print(f"bench: warning: the bare consumer read {best['messages']:,} messages, the ingest "
                  f"{lines:,} lines", file=sys.stderr)
        eps, bare_eps = lines / r["wall"], best["messages"] / best["seconds"]
        mbps = best["bytes"] / 1e6 / r["wall"]
        self.facts["kafka"] = {"messages": lines, "eps": eps, "bare_eps": bare_eps, "rss": r["rss_mb"]}
        self.add(row=f"Kafka ingest (embedded broker, {lines:,} msgs)", figure=f"{eps / 1e3:.0f} k ev/s",
                 target="≥ 500 k ev/s", verdict=verdict(eps, 5e5), eps=eps, mbps=mbps, rss=r["rss_mb"],
                 cpu_eps=lines / max(r["user"] + r["sys"], 1e-3))
        self.add(row="  bare librdkafka loop (counts only, best of 2)", figure=f"{bare_eps / 1e3:.0f} k msg/s",
                 eps=bare_eps, mbps=best["bytes"] / 1e6 / best["seconds"])
        self.add(row="Kafka ingest vs bare loop", figure=f"{eps / bare_eps:.2f}× bare loop",
                 target="≥ 1× bare loop", verdict=verdict(eps / bare_eps, 1.0))
        if two is None:
            self.add(row="Kafka ingest, 2 threads", figure="n/a (no --threads)", target="≥ 500 k ev/s")
            return
        eps2 = json.loads(two["out"])["lines"] / two["wall"]
        self.facts["kafka"]["eps_2t"] = eps2
        self.add(row="Kafka ingest, 2 threads (counts checked)", figure=f"{eps2 / 1e3:.0f} k ev/s",
                 target="≥ 500 k ev/s", verdict=verdict(eps2, 5e5), eps=eps2, rss=two["rss_mb"],
                 cpu_eps=lines / max(two["user"] + two["sys"], 1e-3))
        self.add(row="Kafka ingest, 2 threads vs bare loop", figure=f"{eps2 / bare_eps:.2f}× bare loop",
                 target="≥ 1× bare loop", verdict=verdict(eps2 / bare_eps, 1.0))

    # ---- queries ----
    def query_db(self, ads):
        """An hour of event time holding --lines clicks over `ads` ads, ingested with the default
        settings; returns (db, T) with T the end of its last minute."""
        n = self.a.lines
        src = gen(self.cli, self.path(f"hour-{n}-{ads}.csv"), n, ads=ads, rate=max(1, round(n / 3600)))
        r = self.ingest(f"hour-{ads}", src)
        at_ms = -(-self.max_event_ms(r["db"]) // 60000) * 60000
        return r["db"], at_ms

    @staticmethod
    def max_event_ms(db):
        import sqlite3
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return int(con.execute("SELECT value FROM meta WHERE key = 'max_event_ms'").fetchone()[0])
        finally:
            con.close()

    def query_rows(self):
        runs = 3 if self.a.quick else 7
        for ads in (2000, 100000):
            db, at = self.query_db(ads)
            popular = [self.cli, "popular", "--db", db, "--count", "10", "--window", "60", "--at", str(at)]
            ms, cpu = query_times(popular, runs)
            self.add(row=f"popular N=10 M=60, {ads:,} ads", figure=f"{ms:.0f} ms wall, {cpu:.0f} ms CPU",
                     target="≤ 30 ms", verdict=verdict(ms, 30, higher_is_better=False))
            if ads != 2000:
                continue
            top = json.loads(run(popular)["out"])["ad_ids"][0]
            start = at - 3600_000
            count = [self.cli, "count", "--db", db, "--ad", top, "--from", str(start + 17_000),
                     "--to", str(at - 43_000)]
            ms, cpu = query_times(count, runs)
            self.add(row="count, one ad, second-precision ends", figure=f"{ms:.0f} ms wall, {cpu:.0f} ms CPU",
                     target="≤ 30 ms", verdict=verdict(ms, 30, higher_is_better=False))
            for expr in ("ip=148.0.0.0/8", "user_id=user1"):
                ms, cpu = query_times(popular + ["--filter", expr], runs)
                self.add(row=f"ad-hoc filter {expr}, an hour", figure=f"{ms:.0f} ms wall, {cpu:.0f} ms CPU",
                         target="≤ 100 ms", verdict=verdict(ms, 100, higher_is_better=False))

    # ---- memory ----
    def memory_rows(self):
        sizes = [self.a.lines, 5 * self.a.lines] if self.a.quick else [1_000_000, 10_000_000]
        if self.a.with_100m:
            sizes.append(100_000_000)
        peaks = []
        for n in sizes:
            src = gen(self.cli, self.path(f"design-{n}.csv"), n)
            r = self.ingest(f"design-{n}", src)
            peaks.append(r["rss"])
            self.add(row=f"peak RSS, {n / 1e6:g} M lines (design rate, defaults)", figure=f"{r['rss']:.0f} MB",
                     target="≤ 512 MB", verdict=verdict(r["rss"], 512, higher_is_better=False), eps=r["eps"], cpu_eps=r["cpu_eps"],
                     mbps=r["mbps"], rss=r["rss"], disk=f"{r['db_mb'] + r['raw_mb']:.0f} MB")
            if n == sizes[1] and self.threads_ok:
                # The 2-thread ratio once the run is long enough for its serial parts (start-up,
                # the last batch's commit) to weigh little: the design's steady state.
                two = self.ingest(f"design-{n}-2t", src, ["--threads", "2"])
                diff_counts(agg_counts(two["db"]), agg_counts(r["db"]), f"the 1-thread ingest of {n:,} lines")
                ratio = two["eps"] / r["eps"]
                self.add(row=f"CSV ingest, 2 threads, {n / 1e6:g} M lines (defaults; counts checked)",
                         figure=f"{ratio:.2f}× 1 thread", target="≥ 1.7× 1 thread", verdict=verdict(ratio, 1.7),
                         eps=two["eps"], cpu_eps=two["cpu_eps"], mbps=two["mbps"], rss=two["rss"])
                fresh_db(two["db"])
            fresh_db(r["db"])  # the big ones take GBs
        self.add(row="  RSS growth, largest / smallest", figure=f"{peaks[-1] / peaks[0]:.2f}×", target="flat")
        if not self.a.with_100m:
            self.add(row="peak RSS, 100 M lines", figure="n/a (--with-100m)", target="≤ 512 MB")

    # ---- GUI ----
    def gui_row(self):
        if not self.a.gui:
            self.add(row="GUI refresh / archive ingest in the window", figure="n/a (--with-gui)",
                     target="≤ 16 ms; ≥ 0.9× CLI")
            return
        n = self.a.lines
        gwork = self.path("gui")
        env = dict(os.environ, WORK_DIR=gwork, DEMO_SECONDS="0", BUILD_DIR=self.a.build_dir)
        run(["bash", os.path.join(self.a.repo, "scripts", "bench-gui.sh"), str(n)], env=env)
        g = json.load(open(os.path.join(gwork, "archive.json")))
        cli = self.ingest("gui-cli", os.path.join(gwork, f"clicks-{n}.csv"))
        stall = float(g["max_stall_ms"])
        self.add(row="GUI: longest event-loop stall under ingest", figure=f"{stall:.1f} ms (p99 {g['p99_stall_ms']})",
                 target="≤ 16 ms", verdict=verdict(stall, 16, higher_is_better=False))
        ratio = float(g["lines_per_s"]) / cli["eps"]
        self.add(row="GUI: archive ingest in the window", figure=f"{ratio:.2f}× CLI", target="≥ 0.9× CLI",
                 verdict=verdict(ratio, 0.9), eps=float(g["lines_per_s"]))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cli", required=True)
    p.add_argument("--kafka-count", required=True)
    p.add_argument("--duckdb-dir", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--repo", required=True)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--lines", type=int, default=None)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--with-100m", action="store_true")
    p.add_argument("--gui", action="store_true")
    p.add_argument("--skip", default="", help="comma list of sections to skip: formats,any,kafka,queries,memory")
    a = p.parse_args()
    if a.lines is None:
        a.lines = 200_000 if a.quick else 3_000_000
    return a


def machine_line():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    load = open("/proc/loadavg").read().split()[:3]
    return f"{os.cpu_count()} × {cpu}, {mem:,} MB RAM, load average {' '.join(load)} at the start"


def main():
    a = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks (broker)
    os.makedirs(a.work, exist_ok=True)
    b = Bench(a)
    skip = set(filter(None, a.skip.split(",")))
    started = time.time()
    try:
        csv = b.main_csv()
        one, two = b.csv_rows(csv)
        b.duckdb_rows(csv, one, two)
        b.disk_row(one)
        if "formats" not in skip:
            b.format_rows(one)
        if "any" not in skip:
            b.order_any_row(csv, one)
        if "kafka" not in skip:
            b.kafka_rows()
        if "queries" not in skip:
            b.query_rows()
        if "memory" not in skip:
            b.memory_rows()
        b.gui_row()
    except BenchError as e:
        print(f"bench: FAILED: {e}", file=sys.stderr)
        if b.rows:
            print("bench: rows measured before the failure:", file=sys.stderr)
            print_table(b.rows, sys.stderr)
        return 1
    one = b.facts["csv_1t"]
    print(f"\nAdClick Monitor benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}, "
          f"{machine_line()}")
    print(f"main input: {one['lines']:,} CSV lines, {one['bytes'] / 1e6:.0f} MB ({csv}); ingest settings "
          f"{' '.join(EXACT)} (same counts as DuckDB); --threads {'available' if b.threads_ok else 'not available'}\n")
    print_table(b.rows)
    sys.stdout.flush()
    print("\nevents/s: lines / wall time (ingest: the process; DuckDB: its query inside the process); "
          "ev/CPU-s: lines / CPU seconds (user + sys). 1-thread rows and their ratios use ev/CPU-s, which a "
          "shared machine distorts far less than wall time (though contention still inflates it); "
          "2-thread and Kafka rows use wall time; query verdicts use the CLI wall time (CPU shown beside). "
          f"Run took {time.time() - started:.0f} s.")
    write_json(os.path.join(a.work, "results.json"), {"rows": b.rows, "facts": {
        k: {kk: vv for kk, vv in v.items() if kk != "summary"} for k, v in b.facts.items()}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
