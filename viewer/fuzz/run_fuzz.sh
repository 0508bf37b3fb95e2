#!/bin/bash
# Runs one of ltt-view's ftrace fuzzers for a bounded time (a CTest test):
#   run_fuzz.sh text|trace_cmd FUZZER WORK_DIR SECONDS TESTDATA_DIR
# Seeds are made each run: for text, the beginning of the test data's dom0
# ftrace file (plain and gzip'd) and the hand-written files in seeds/; for
# trace_cmd, a .dat file recorded on this machine (ftrace_record.sh; without
# tracefs there is none and the fuzzer starts from nothing). New inputs stay
# in WORK_DIR/corpus between runs; a crash is written to WORK_DIR/ and
# makes libFuzzer exit non-zero.
set -euo pipefail
kind=$1 fuzzer=$2 work=$3 seconds=$4 testdata=$5
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
	rm -rf "$work/record"
	mkdir -p "$work/record"
	rc=0
	"$here/../tests/ftrace_record.sh" "$work/record" x86-tsc 16 dat || rc=$?
	if [ "$rc" = 0 ]; then
		cp "$work/record/trace.dat" "$work/seeds/"
	elif [ "$rc" = 77 ]; then
		echo "run_fuzz: no .dat seed (cannot record here): fuzzing from nothing" >&2
	else
		exit "$rc"
	fi
	max_len=4194304
	;;
*)
	echo "run_fuzz: kind must be text or trace_cmd" >&2
	exit 2
	;;
esac
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
