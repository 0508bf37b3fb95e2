#!/bin/bash
# Runs one of lttd's parser fuzzers for a bounded time (a CTest test):
#   run_fuzz.sh FUZZER SEEDS_DIR WORK_DIR SECONDS
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work/corpus"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds"
