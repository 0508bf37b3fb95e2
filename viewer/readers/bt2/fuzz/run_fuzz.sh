#!/bin/bash
# Runs the generic CTF reader's fuzzer for a bounded time (a CTest test):
#   run_fuzz.sh FUZZER SEED_GENERATOR WORK_DIR SECONDS
# As libltt/fuzz/run_fuzz.sh. Memory is bounded twice: libFuzzer's limits
# (-rss_limit_mb, -malloc_limit_mb) bound this process, which is the
# reader's own code and babeltrace2 decoding what src.ctf.fs opened; the
# opening itself, where babeltrace2 2.0.4 aborts, loops or allocates without
# end on some bad input, runs first in a child of its own CPU and heap
# limits (init_probe.hpp), which the reader turns into an error - so those
# defects end one input, not the run, and a limit hit by this process is a
# real finding (over 2 GiB for one input of at most 4 KiB), not noise.
# A child over -malloc_limit_mb may leave an oom-* file in WORK_DIR: only
# this process's exit status counts.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"
"$seeds" "$work/seeds"
exec "$fuzzer" -max_total_time="$seconds" -timeout=120 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
	-max_len=4096 -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
