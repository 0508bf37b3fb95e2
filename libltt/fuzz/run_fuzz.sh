#!/bin/bash
# Runs the packet reader fuzzer for a bounded time (a CTest test):
#   run_fuzz.sh FUZZER SEED_GENERATOR WORK_DIR SECONDS
# Seeds are regenerated each run; new inputs go to WORK_DIR/corpus, crashes
# to WORK_DIR/crash-* (printed by libFuzzer, which exits non-zero).
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"
"$seeds" "$work/seeds"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
