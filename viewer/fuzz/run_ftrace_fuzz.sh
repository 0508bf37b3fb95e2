#!/bin/bash
# Runs one of ltt-view's ftrace fuzzers for a bounded time (a CTest test):
#   run_ftrace_fuzz.sh text|trace_cmd|trace_cmd_messages FUZZER WORK_DIR SECONDS TESTDATA_DIR \
#       DAT_MESSAGES_TOOL
# Seeds are made each run: for text, the beginning of the test data's dom0
# ftrace file (plain and gzip'd) and the hand-written files in seeds/; for
# trace_cmd, .dat files from make_trace_dat.py; for trace_cmd_messages, what
# the libtracecmd worker sends for them (DAT_MESSAGES_TOOL). New inputs stay
# in WORK_DIR/corpus between runs; a crash is written to WORK_DIR/ and
# makes libFuzzer exit non-zero.
set -euo pipefail
kind=$1 fuzzer=$2 work=$3 seconds=$4 testdata=$5 dat_messages=$6
here=$(dirname "$(readlink -f "$0")")
rm -rf "$work/seeds"
mkdir -p "$work/seeds" "$work/corpus"
case $kind in
text)
	# (sed reads to the end: head would leave zcat a broken pipe)
	zcat "$testdata/xen-4.17-qemu/dom0-ftrace-x86tsc.txt.gz" | sed -n 1,60p >"$work/seeds/dom0-head.txt"
	gzip -c "$work/seeds/dom0-head.txt" >"$work/seeds/dom0-head.txt.gz"
	cp "$here"/seeds/*.txt "$work/seeds/"
	max_len=16384
	;;
trace_cmd)
	# Small .dat files written by the format's description (the recorded
	# ones are a megabyte of kallsyms and formats: a few runs a second).
	python3 "$here/../tests/make_trace_dat.py" "$work/seeds/x86-tsc.dat" x86-tsc
	python3 "$here/../tests/make_trace_dat.py" "$work/seeds/mono.dat" mono
	max_len=65536
	;;
trace_cmd_messages)
	for clock in x86-tsc mono; do
		python3 "$here/../tests/make_trace_dat.py" "$work/$clock.dat" "$clock"
		"$dat_messages" "$work/$clock.dat" >"$work/seeds/$clock.messages"
	done
	max_len=65536
	;;
*)
	echo "run_ftrace_fuzz: kind must be text, trace_cmd or trace_cmd_messages" >&2
	exit 2
	;;
esac
# libtracecmd (in the reader's worker process) asks malloc for absurd sizes
# on damaged files: malloc says no, as it does outside ASan.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
