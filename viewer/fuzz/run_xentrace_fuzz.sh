#!/bin/bash
# Runs the xentrace fuzzer for a bounded time (a CTest test):
#   run_xentrace_fuzz.sh FUZZER WORK_DIR SECONDS FORMATS_FILE XENTRACE_FILE...
# Seeds: the start of each real xentrace file (whole windows and cut ones)
# and the start of Xen's formats file; new inputs go to WORK_DIR/corpus,
# crashes to WORK_DIR/crash-* (libFuzzer prints them and exits non-zero).
set -euo pipefail
fuzzer=$1 work=$2 seconds=$3 formats=$4
shift 4
rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"
n=0
for file in "$@"; do
	for bytes in 256 1500 4096; do
		head -c "$bytes" "$file" >"$work/seeds/xentrace-$n-$bytes"
	done
	n=$((n + 1))
done
head -c 2000 "$formats" >"$work/seeds/formats"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
