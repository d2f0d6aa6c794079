"""Measuring helpers of scripts/bench.sh: run a program and take its wall time, CPU time and peak
RSS; generate (and cache) inputs with `adclick gen`; read a database's per-(minute, ad, country)
counts; print the table."""
import json
import os
import sqlite3
import subprocess
import sys
import time


class BenchError(Exception):
    """A step of the benchmark failed: the message says which and why."""


def run(cmd, *, stdout=subprocess.PIPE, stdin=None, check=True, env=None):
    """Runs cmd, returns {wall, rc, out, err}; a failure raises with the end of its stderr."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, stdin=stdin, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if check and proc.returncode != 0:
        raise BenchError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n"
                         f"{(err or b'').decode(errors='replace')[-2000:]}")
    return {"wall": wall, "rc": proc.returncode,
            "out": out.decode(errors="replace") if out is not None else "",
            "err": (err or b"").decode(errors="replace")}


def timed(cmd, workdir, **kw):
    """run() through /usr/bin/time: adds user, sys (s) and rss_mb (peak resident set) of cmd."""
    tf = os.path.join(workdir, "time.txt")
    r = run(["/usr/bin/time", "-f", "%U %S %M", "-o", tf] + [str(c) for c in cmd], **kw)
    with open(tf) as f:
        user, sys_, rss_kb = f.read().split()[-3:]
    r.update(user=float(user), sys=float(sys_), rss_mb=int(rss_kb) / 1024)
    return r


def query_times(cmd, runs):
    """Median wall and CPU (user + sys) time in ms of `runs` runs of cmd after one warm-up (page
    cache, dynamic loader): the CLI wall time a person typing the command sees on a warm machine,
    and the CPU it took (what a loaded machine does not stretch)."""
    def once():
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise BenchError(f"{' '.join(map(str, cmd))} exited {proc.returncode}")
        return (time.perf_counter() - t0) * 1000.0, (ru.ru_utime + ru.ru_stime) * 1000.0
    once()
    results = [once() for _ in range(runs)]
    walls, cpus = sorted(w for w, _ in results), sorted(c for _, c in results)
    return walls[len(walls) // 2], cpus[len(cpus) // 2]


def gen(cli, path, lines, fmt="csv", ads=100000, users=2000000, rate=11574, extra=()):
    """Generates a log once (cached by its path); written aside and renamed so a stopped run
    never leaves a truncated input behind to be reused."""
    if os.path.exists(path):
        return path
    tmp = path + ".part"
    print(f"bench: generating {lines:,} {fmt} lines into {path}", file=sys.stderr)
    run([cli, "gen", "--out", tmp, "--events", str(lines), "--format", fmt, "--seed", "42",
         "--rate", str(rate), "--ads", str(ads), "--users", str(users), "--no-truth", *extra])
    os.replace(tmp, path)
    return path


def normalise_csv(src, dst):
    """Drops the blanks the generator puts around separators (and CRs), which DuckDB's CSV reader
    would take into a quoted field's value or split on; the clicks are the same (the engine trims
    them). Cached like gen()."""
    if os.path.exists(dst):
        return dst
    tmp = dst + ".part"
    with open(src, "rb") as i, open(tmp, "wb") as o:
        subprocess.run(["sed", "-E", r"s/[ \t]*,[ \t]*/,/g; s/^[ \t]+//; s/[ \t\r]+$//"],
                       stdin=i, stdout=o, check=True)
    os.replace(tmp, dst)
    return dst


def fresh_db(path):
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    raw = path + ".raw"
    if os.path.isdir(raw):
        for f in os.listdir(raw):
            os.remove(os.path.join(raw, f))
        os.rmdir(raw)
    return path


def disk_mb(db):
    """(database + WAL, raw segments) in MB."""
    main = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
    raw_dir = db + ".raw"
    raw = sum(os.path.getsize(os.path.join(raw_dir, f)) for f in os.listdir(raw_dir)) \
        if os.path.isdir(raw_dir) else 0
    return main / 1e6, raw / 1e6


def agg_counts(db):
    """{(minute, ad, country): clicks} of filter 0, read from the agg table directly."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT agg.minute, ads.name, agg.country, agg.clicks FROM agg "
                           "JOIN ads ON ads.id = agg.ad WHERE agg.filter_id = 0 AND agg.clicks > 0")
        return {(m, a, c): n for m, a, c, n in rows}
    finally:
        con.close()


def csv_counts(path):
    import csv
    with open(path, newline="") as f:
        return {(int(r["minute"]), r["ad"], r["country"]): int(r["clicks"]) for r in csv.DictReader(f)}


def diff_counts(ours, theirs, what):
    """Raises with the first differing cells when the two count tables differ."""
    if ours == theirs:
        return
    keys = sorted(set(ours) | set(theirs))
    bad = [(k, ours.get(k), theirs.get(k)) for k in keys if ours.get(k) != theirs.get(k)]
    lines = "\n".join(f"  minute {k[0]} ad {k[1]} country {k[2]}: ours {a}, {what} {b}" for k, a, b in bad[:10])
    raise BenchError(f"COUNTS DIFFER from {what}: {len(bad)} of {len(keys)} cells "
                     f"(ours {sum(ours.values()):,} clicks, {what} {sum(theirs.values()):,}):\n{lines}")


def fmt_rate(v):
    return "" if v is None else (f"{v / 1e6:.2f} M" if v >= 1e6 else f"{v / 1e3:.0f} k")


def print_table(rows, out=sys.stdout):
    head = ["row", "figure", "target", "ratio / verdict", "events/s", "ev/CPU-s", "MB/s", "peak RSS", "disk"]
    cells = [[r.get("row", ""), r.get("figure", ""), r.get("target", ""), r.get("verdict", ""),
              fmt_rate(r.get("eps")), fmt_rate(r.get("cpu_eps")), "" if r.get("mbps") is None else f"{r['mbps']:.0f}",
              "" if r.get("rss") is None else f"{r['rss']:.0f} MB", r.get("disk", "")] for r in rows]
    widths = [max(len(str(c[i])) for c in cells + [head]) for i in range(len(head))]
    line = lambda c: "| " + " | ".join(str(x).ljust(w) for x, w in zip(c, widths)) + " |"
    print(line(head), file=out)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for c in cells:
        print(line(c), file=out)


def verdict(value, target, higher_is_better=True):
    """'0.82× target: MISS' (a floor) or '1.40× limit: MISS' (a ceiling): value / target."""
    if value is None:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return f"{value / target:.2f}× {'target' if higher_is_better else 'limit'}: {'ok' if ok else 'MISS'}"


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
