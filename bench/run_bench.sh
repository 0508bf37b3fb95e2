#!/bin/bash
# run_bench.sh - the ring buffer's benchmark (make bench), all figures from one
# run on this machine:
#
#   1. ltt-bench-ring: our tracepoint into a user-space flight recorder,
#      enabled and disabled, then a snapshot check of what it recorded;
#   2. ltt-bench-ust under a private lttng-sessiond (test/genevent-ust's
#      lttng-session.sh): first with no session (tracepoint disabled), then
#      with an active snapshot session recording it; a snapshot is taken and
#      babeltrace2 must find the events in it;
#   3. ltt-bench-xentrace-bytes: bytes/event, xentrace versus ours, over real
#      xentrace files;
#   4. ltt-bench-report: the side-by-side table and OUT/ring.json.
#
#   run_bench.sh --out=DIR --ring=BIN --ust=BIN --bytes=BIN --report=BIN
#                --babeltrace2=BIN --xentrace=FILE [--xentrace=FILE...] [--quick]
#
# --quick: minimal measuring time and one repetition (for the test that the
# pipeline works; its figures mean nothing). Raw outputs go to DIR/ring/.
# Exit status: 0 whatever the figures; non-zero only when something did not
# work (a benchmark failed, lttng did not record, a file was unreadable).
set -euo pipefail

out='' ring='' ust='' bytes='' report='' bt2='' quick=0
xentrace=()
for arg in "$@"; do
	case $arg in
	--out=*) out=${arg#*=} ;;
	--ring=*) ring=${arg#*=} ;;
	--ust=*) ust=${arg#*=} ;;
	--bytes=*) bytes=${arg#*=} ;;
	--report=*) report=${arg#*=} ;;
	--babeltrace2=*) bt2=${arg#*=} ;;
	--xentrace=*) xentrace+=("${arg#*=}") ;;
	--quick) quick=1 ;;
	*)
		echo "run_bench.sh: unknown argument $arg" >&2
		exit 2
		;;
	esac
done
for v in out ring ust bytes report bt2; do
	if [ -z "${!v}" ]; then
		echo "run_bench.sh: --${v/bt2/babeltrace2}= is required" >&2
		exit 2
	fi
done
[ ${#xentrace[@]} -gt 0 ] || {
	echo "run_bench.sh: at least one --xentrace=FILE is required" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../test/genevent-ust/lttng-session.sh
. "$here/../test/genevent-ust/lttng-session.sh"

fail() {
	echo "run_bench.sh: FAIL: $*" >&2
	exit 1
}

trap ltt_lttng_stop EXIT
trap 'exit 130' INT TERM

raw=$out/ring
rm -rf "$raw"
mkdir -p "$raw"

if [ "$quick" = 1 ]; then
	gbench=(--benchmark_min_time=0.01 --benchmark_repetitions=1)
else
	gbench=(--benchmark_min_warmup_time=0.2 --benchmark_min_time=0.2 --benchmark_repetitions=5
		--benchmark_display_aggregates_only=true)
fi

echo "== 1/4 ltt-xen tracepoint into a user-space flight recorder (overwrite mode)"
"$ring" "${gbench[@]}" --benchmark_out="$raw/ltt.json" --benchmark_out_format=json \
	--check-out="$raw/ltt-check.json" || fail "ltt-bench-ring failed"

echo
echo "== 2/4 lttng-ust tracepoint, private lttng-sessiond"
ltt_lttng_start || fail "cannot start a private lttng-sessiond"
lttng_version=$(ltt_lttng --version | head -1)
# As root the program runs as the tracing user: it and its outputs live in
# the private home, which that user owns.
home=$LTT_LTTNG_HOME
cp "$ust" "$home/ltt-bench-ust"
chmod 755 "$home/ltt-bench-ust"

echo "-- no session: tracepoint disabled"
ltt_lttng_app "$home/ltt-bench-ust" --expect=disabled "${gbench[@]}" \
	--benchmark_out="$home/ust-disabled.json" --benchmark_out_format=json \
	--check-out="$home/ust-disabled-check.json" || fail "ltt-bench-ust (disabled) failed"

echo "-- active snapshot session (flight recorder, 4 x 256 KiB per CPU like ours)"
{
	ltt_lttng_create_snapshot_session bench "$home/snapshot"
	ltt_lttng enable-channel --userspace --subbuf-size=256K --num-subbuf=4 --overwrite bench
	ltt_lttng enable-event --userspace --channel=bench 'bench_sched:*'
	ltt_lttng start bench
} >"$raw/lttng.log" 2>&1 || fail "lttng could not set up the snapshot session: $(cat "$raw/lttng.log")"
ltt_lttng_app "$home/ltt-bench-ust" --expect=enabled "${gbench[@]}" \
	--benchmark_out="$home/ust-enabled.json" --benchmark_out_format=json \
	--check-out="$home/ust-enabled-check.json" || fail "ltt-bench-ust (enabled) failed"
{
	ltt_lttng snapshot record --session=bench
	ltt_lttng stop bench
	ltt_lttng destroy bench
} >>"$raw/lttng.log" 2>&1 || fail "lttng snapshot record failed: $(cat "$raw/lttng.log")"

# Did the session really record? babeltrace2 reads the snapshot.
timeout 120 "$bt2" "$home/snapshot" >"$raw/snapshot.txt" 2>"$raw/snapshot.err" ||
	fail "babeltrace2 cannot read the lttng snapshot: $(head -5 "$raw/snapshot.err")"
snapshot_events=$(grep -c ' bench_sched:sched_switch: ' "$raw/snapshot.txt" || true)
[ "$snapshot_events" -gt 0 ] || fail "the lttng snapshot holds no bench_sched:sched_switch event"
grep -q 'prev_dom_id = 1, prev_cpu_id = [0-9]*, next_dom_id = 0, next_cpu_id = [0-9]* }' \
	"$raw/snapshot.txt" || fail "the lttng snapshot's events do not carry the fields traced"
ust_calls=$(sed -n 's/.*"calls": \([0-9]*\).*/\1/p' "$home/ust-enabled-check.json")
[ "$snapshot_events" -le "$ust_calls" ] ||
	fail "the lttng snapshot holds $snapshot_events events for $ust_calls calls"
echo "lttng snapshot: $snapshot_events bench_sched:sched_switch events (of $ust_calls calls," \
	"the rest overwritten), read by babeltrace2"
cp "$home"/ust-*.json "$raw/"
rm -f "$raw/snapshot.txt" # large; the count is what matters
ltt_lttng_stop

echo
echo "== 3/4 bytes per event: xentrace versus ltt-xen"
"$bytes" --json="$raw/bytes.json" "${xentrace[@]}" || fail "ltt-bench-xentrace-bytes failed"

echo
echo "== 4/4 report"
"$report" --ring="$raw/ltt.json" --ring-check="$raw/ltt-check.json" \
	--ust-enabled="$raw/ust-enabled.json" --ust-disabled="$raw/ust-disabled.json" \
	--ust-snapshot-events="$snapshot_events" --lttng-version="$lttng_version" \
	--bytes="$raw/bytes.json" --out="$out/ring.json" || fail "ltt-bench-report failed"
