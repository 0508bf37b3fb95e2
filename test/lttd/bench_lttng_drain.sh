#!/bin/bash
# bench_lttng_drain.sh - the reference for lttd's drain cost: lttng-consumerd
# draining an lttng-ust producer at a fixed event rate (make bench, called by
# bench_lttd.py, which runs lttd on ltt-stress at the same rate and geometry).
#
#   bench_lttng_drain.sh UST_BENCH BABELTRACE2 RATE SECONDS SUBBUF_SIZE SUBBUFS
#
# A private lttng-sessiond (test/genevent-ust/lttng-session.sh); one session
# with one per-user channel in discard mode, SUBBUFS x SUBBUF_SIZE per CPU,
# the same 200 ms switch timer as lttd's --flush-interval; UST_BENCH
# (ltt-bench-ust --load) emits RATE events/s for SECONDS on one CPU. The CPU
# time of every thread of every lttng-consumerd the daemon started is read
# from /proc before `start` and after `stop` (which waits until the consumer has written
# everything). babeltrace2 counts the events: a drain that did not record is
# an error, not a figure. Prints one JSON line.
set -euo pipefail

[ $# -eq 6 ] || {
	echo "usage: $0 UST_BENCH BABELTRACE2 RATE SECONDS SUBBUF_SIZE SUBBUFS" >&2
	exit 2
}
ust=$1 bt2=$2 rate=$3 seconds=$4 subbuf=$5 subbufs=$6
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../genevent-ust/lttng-session.sh
. "$here/../genevent-ust/lttng-session.sh"
trap ltt_lttng_stop EXIT

# Nanoseconds on CPU of every thread of the daemon's consumerd children
# (schedstat: /proc/PID/stat's 10 ms ticks are too coarse for a few seconds).
consumerd_ns() {
	local total=0 pid f ns rest
	for pid in $(pgrep -P "$LTT_LTTNG_SESSIOND_PID" lttng-consumerd || true); do
		for f in /proc/"$pid"/task/*/schedstat; do
			read -r ns rest 2>/dev/null <"$f" || continue
			total=$((total + ns))
		done
	done
	echo "$total"
}

ltt_lttng_start >&2
# The program runs as the tracing user (lttng-session.sh), who may not reach
# the build tree (a checkout under a 0700 directory): a copy in its home.
cp "$ust" "$LTT_LTTNG_HOME/ltt-bench-ust"
chmod 755 "$LTT_LTTNG_HOME/ltt-bench-ust"
ust=$LTT_LTTNG_HOME/ltt-bench-ust
trace=$LTT_LTTNG_HOME/trace
ltt_lttng create drain --output="$trace" >&2
ltt_lttng enable-channel -u drain-ch --buffers-uid --discard --subbuf-size="$subbuf" \
	--num-subbuf="$subbufs" --switch-timer=200000 >&2
ltt_lttng enable-event -u -c drain-ch 'bench_sched:sched_switch' >&2
before=$(consumerd_ns)
ltt_lttng start >&2
report=$(ltt_lttng_app "$ust" --expect enabled --wait 30 --load "$rate" --duration "$seconds")
ltt_lttng stop >&2
after=$(consumerd_ns)
ltt_lttng destroy >&2

# Stream bytes only (not the metadata, not the index files): what lttd's
# bytes_written counts on its side.
bytes=$(find "$trace" -type f ! -name metadata ! -path '*/index/*' -printf '%s\n' |
	awk '{ s += $1 } END { print s + 0 }')
events=$("$bt2" "$trace" 2>/dev/null | grep -c 'bench_sched:sched_switch' || true)
discarded=$("$bt2" "$trace" 2>&1 >/dev/null | { grep -o 'discarded [0-9]* event' || true; } |
	awk '{ s += $2 } END { print s + 0 }')
[ "$events" -gt 0 ] || {
	echo "bench_lttng_drain: babeltrace2 found no event in $trace" >&2
	exit 1
}
printf '{"cpu_ns": %d, "bytes": %d, "events": %d, "discarded_warned": %d, "producer": %s, "lttng_version": "%s"}\n' \
	$((after - before)) "$bytes" "$events" "$discarded" "$report" \
	"$(lttng --version | head -1 | sed 's/"//g')"
