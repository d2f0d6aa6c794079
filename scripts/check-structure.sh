#!/usr/bin/env bash
# The rules of the tree's layout (README, "The design in a page"), checked:
#   1. no source file outside tests/ over 600 lines;
#   2. no function over 80 lines (scripts/function_sizes.py), except those in ALLOWED below;
#   3. core/ has no source file at its top level (every file lives in its room);
#   4. ui/widgets/ and ui/charts/ include nothing from core/store/ or core/ingest/;
#   5. core/ never includes sim/ or ui/, and sim/ never includes ui/ or app/;
#   6. with the built archives: adclick_core defines no symbol that adclick_sim defines (generator,
#      broker, producer, live stream) and refers to none, so the ingest path works without sim/.
# Run by CTest (test "structure"); usage: check-structure.sh [libadclick_core.a libadclick_sim.a]
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
say() { echo "structure: $*"; fail=1; }

# Functions allowed over 80 lines, each with its reason (none today).
ALLOWED=()

mapfile -t sources < <(git ls-files -co --exclude-standard -- 'core/*' 'sim/*' 'app/*' 'ui/*' \
    | grep -E '\.(cpp|h)$')
for f in "${sources[@]}"; do
    [ -f "$f" ] || continue
    n=$(wc -l < "$f")
    [ "$n" -le 600 ] || say "$f has $n lines (limit 600)"
done

while IFS= read -r line; do
    allowed=0
    for a in "${ALLOWED[@]}"; do [[ "$line" == *"$a"* ]] && allowed=1; done
    [ $allowed = 1 ] || say "$line (limit 80)"
done < <(python3 scripts/function_sizes.py "${sources[@]}")

for f in core/*; do
    case "$f" in *.cpp | *.h) say "$f is at the top level of core/" ;; esac
done

grep -nE '#include "core/(store|ingest)/' ui/widgets/* ui/charts/* 2>/dev/null | while IFS= read -r hit; do
    echo "structure: widgets reach the store or ingest: $hit"
done | grep . && fail=1
grep -nE '#include "(sim|ui|app)/' $(git ls-files 'core/*') | grep . && say "core/ includes sim/, ui/ or app/"
grep -nE '#include "(ui|app)/' $(git ls-files 'sim/*') | grep . && say "sim/ includes ui/ or app/"

if [ $# -ge 2 ]; then
    defined() { nm --defined-only "$1" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u; }
    simSymbols=$(defined "$2")
    [ -n "$simSymbols" ] || say "no symbol read from '$2'"
    shared=$(comm -12 <(defined "$1") <(echo "$simSymbols"))
    [ -z "$shared" ] || say "adclick_core defines simulator symbols: $(echo "$shared" | head -3 | c++filt | tr '\n' ' ')"
    used=$(comm -12 <(nm --undefined-only "$1" | awk '{ print $2 }' | sort -u) <(echo "$simSymbols"))
    [ -z "$used" ] || say "adclick_core refers to simulator symbols: $(echo "$used" | head -3 | c++filt | tr '\n' ' ')"
fi

if [ $fail = 0 ]; then echo "structure: ok (${#sources[@]} files)"; fi
exit $fail
