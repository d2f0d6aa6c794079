# Shared by fuzz-smoke.sh and fuzz-nightly.sh (source it): builds the libFuzzer targets with
# clang-14 + ASan/UBSan and runs one of them against its corpora.
fuzz_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fuzz_targets=(fuzz_line_parser fuzz_line_splitter fuzz_filter_expr fuzz_serve_api fuzz_cluster_messages fuzz_input_file)

# fuzz_build <build-dir>
fuzz_build() {
    local build=$1
    CC=clang-14 CXX=clang++-14 cmake -S "$fuzz_root" -B "$build" -G Ninja \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADCLICK_FUZZ=ON -DADCLICK_BUILD_TESTS=OFF \
        -DADCLICK_BUILD_BENCHMARKS=OFF -DADCLICK_BUILD_GUI=OFF >"$build.configure.log" 2>&1 || {
        cat "$build.configure.log"
        echo "fuzz: configure failed" >&2
        return 2
    }
    ninja -C "$build" "${fuzz_targets[@]}"
}

# The checked-in corpora of a target: its own minimised corpus (tests/fuzz/corpus/<target>, grown
# by the nightly run) and, for the parser targets, the golden parser corpus (tests/data/corpus).
fuzz_seed_dirs() {
    local t=$1
    echo "$fuzz_root/tests/fuzz/corpus/$t"
    case $t in fuzz_line_*) echo "$fuzz_root/tests/data/corpus" ;; esac
}

# fuzz_run <build-dir> <target> <libFuzzer limit option, e.g. -max_total_time=5 or -runs=10000000>
# New inputs go to <build>/fuzz-corpus/<target> (scratch, never the source tree); reproducers to
# <build>/fuzz-artifacts/<target>/. Returns non-zero on any crash, leak, timeout or sanitizer report.
fuzz_run() {
    local build=$1 t=$2 limit=$3
    local bin work artifacts seeds
    bin=$(find "$build" -type f -name "$t" -perm -u+x | head -n 1)
    work="$build/fuzz-corpus/$t"
    artifacts="$build/fuzz-artifacts/$t/"
    mkdir -p "$work" "$artifacts"
    mapfile -t seeds < <(fuzz_seed_dirs "$t")
    echo "== $t: $limit"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        "$bin" "$work" "${seeds[@]}" \
        "$limit" -max_len=70000 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts" -print_final_stats=1
}
