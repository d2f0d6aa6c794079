#!/usr/bin/env bash
# The product's main job on an embedded default: generate a demo click log, ingest it, and
# print the top ads with the counters. Everything lands in ./demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
cli=${BUILD_DIR:-build}/app/adclick
mkdir -p demo
rm -rf demo/clicks.db demo/clicks.db-* demo/clicks.db.*
"$cli" gen --out demo/clicks.log --events "${DEMO_EVENTS:-1000000}" --format book --seed 7 >/dev/null
echo "== ingest demo/clicks.log"
"$cli" ingest --db demo/clicks.db demo/clicks.log
echo "== top 10 ads over the last 60 minutes"
"$cli" popular --db demo/clicks.db --count 10 --window 60
echo "== clicks of the top ad in the first hour"
top=$("$cli" popular --db demo/clicks.db --count 1 --window 60 | sed -n 's/.*"ad_ids":\["\([^"]*\)".*/\1/p')
"$cli" count --db demo/clicks.db --ad "$top" --from 2021-01-01T00:00:00Z --to 2021-01-01T01:00:00Z
