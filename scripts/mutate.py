#!/usr/bin/env python3
"""Mutation check of the rules that make counts exact (nightly; not part of the test command).

Each mutant in tests/mutation/mutants.txt is a one-token change of the core, found by content
(an exact snippet that must occur exactly once in its file), so the list survives refactoring.
The script copies the work tree to a scratch folder, builds it once (without the GUI), then for
each mutant alone: applies it, rebuilds, runs the non-GUI tests (stopping at the first failure)
and restores the file. It prints a table: mutant, killed by which test, or SURVIVED.

    scripts/mutate.py [--work DIR] [--only NAME,...] [--tests REGEX]

Exit status: 0 when every mutant is killed (or marked `equivalent:` with a reason), 1 otherwise,
2 when a snippet is missing or ambiguous (the list needs updating after a refactoring).
"""
import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TESTS = "^tst_"  # every non-GUI test binary (the GUI is not built), but see EXCLUDED
EXCLUDED = "^tst_packaging$"  # validates packaging metadata: no core rule lives there


def parse_mutants(path):
    """Blocks of `key: value` lines; a block starts with `## name`."""
    mutants, cur = [], None
    for raw in open(path, encoding="utf-8"):
        line = raw.rstrip("\n")
        if line.startswith("## "):
            cur = {"name": line[3:].strip()}
            mutants.append(cur)
        elif cur is not None and re.match(r"^(file|find|replace|why|tests|equivalent): ", line):
            key, value = line.split(": ", 1)
            # find/replace may span lines: `\n` stands for a newline, `\\` for a backslash.
            if key in ("find", "replace"):
                value = re.sub(r"\\(.)", lambda g: "\n" if g.group(1) == "n" else g.group(1), value)
            cur[key] = value
    for m in mutants:
        for key in ("file", "find", "replace", "why"):
            if key not in m:
                sys.exit(f"mutate: mutant {m['name']} has no '{key}:' line")
    return mutants


def run(cmd, cwd=None, log=None, timeout=None):
    with open(log, "w") if log else open(os.devnull, "w") as out:
        return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode


def copy_tree(dst):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split("\n")
    for rel in filter(None, files):
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue
        target = os.path.join(dst, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        # Only files whose content differs, with a new time: a reused --work folder then
        # rebuilds exactly what changed (copy2 kept old times, and ninja missed a source restored
        # after a mutant in an earlier run, so the next run tested that mutant's object file).
        if os.path.isfile(target) and filecmp.cmp(src, target, shallow=False):
            continue
        shutil.copyfile(src, target)
        shutil.copymode(src, target)


def failed_tests(log):
    text = open(log, encoding="utf-8", errors="replace").read()
    names = re.findall(r"\d+/\d+ Test +#\d+: (\S+) .*?\*\*\*(?:Failed|Timeout|Exception)", text)
    return names or re.findall(r"\d+ - (\S+) \(Failed\)", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/adclick-mutate")
    ap.add_argument("--only", default="")
    ap.add_argument("--tests", default=DEFAULT_TESTS)
    args = ap.parse_args()

    mutants = parse_mutants(os.path.join(ROOT, "tests/mutation/mutants.txt"))
    if args.only:
        keep = set(args.only.split(","))
        mutants = [m for m in mutants if m["name"] in keep]

    src, build = os.path.join(args.work, "src"), os.path.join(args.work, "build")
    shutil.rmtree(src, ignore_errors=True)
    copy_tree(src)
    bad = []
    for m in mutants:
        text = open(os.path.join(src, m["file"]), encoding="utf-8").read()
        n = text.count(m["find"])
        if n != 1:
            bad.append(f"{m['name']}: snippet found {n} times in {m['file']}: {m['find']!r}")
    if bad:
        print("mutate: the mutant list no longer matches the code:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 2

    env_cmake = ["cmake", "-S", src, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                 "-DADCLICK_BUILD_GUI=OFF", "-DADCLICK_BUILD_BENCHMARKS=OFF"]
    if shutil.which("ccache"):
        env_cmake.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
    os.makedirs(args.work, exist_ok=True)
    if run(env_cmake, log=os.path.join(args.work, "configure.log")) != 0 or \
            run(["cmake", "--build", build], log=os.path.join(args.work, "build.log")) != 0:
        print(f"mutate: the unmutated copy does not build (see {args.work}/*.log)", file=sys.stderr)
        return 2

    rows, survivors = [], 0
    for m in mutants:
        path = os.path.join(src, m["file"])
        original = open(path, encoding="utf-8").read()
        open(path, "w", encoding="utf-8").write(original.replace(m["find"], m["replace"]))
        start = time.time()
        log = os.path.join(args.work, f"{m['name']}.log")
        try:
            if run(["cmake", "--build", build], log=log) != 0:
                verdict = "does not compile (fix the mutant)"
                survivors += 1
            else:
                tests = m.get("tests", args.tests)
                rc = run(["ctest", "--test-dir", build, "-R", tests, "-E", EXCLUDED, "--stop-on-failure", "--timeout", "600",
                          "--output-on-failure"], log=log)
                if rc != 0:
                    verdict = "killed by " + (", ".join(failed_tests(log)) or "a test (see log)")
                elif "equivalent" in m:
                    verdict = "equivalent: " + m["equivalent"]
                else:
                    verdict = "SURVIVED"
                    survivors += 1
        finally:
            open(path, "w", encoding="utf-8").write(original)
        rows.append((m["name"], m["file"], verdict, time.time() - start))
        print(f"{m['name']:<34} {verdict} ({time.time() - start:.0f} s)", flush=True)

    print("\n| mutant | file | result |\n|---|---|---|")
    for name, file, verdict, _ in rows:
        print(f"| {name} | {file} | {verdict} |")
    print(f"\n{len(rows) - survivors} of {len(rows)} mutants killed or equivalent.")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
