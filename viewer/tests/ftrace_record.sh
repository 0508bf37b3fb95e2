#!/bin/bash
# Records a short real ftrace trace on this machine, for the ftrace reader
# tests and the trace-cmd fuzzer's seed:
#
#   ftrace_record.sh OUT_DIR CLOCK BUFFER_KB MODE
#
# In a tracefs instance of its own (the machine's other tracing is left
# alone) with trace clock CLOCK (x86-tsc, mono...) and BUFFER_KB per CPU,
# it traces irq, softirq and sched events while a fork loop runs, then
# writes into OUT_DIR:
#   trace.txt    the instance's `trace` file (the text reader's input)
#   stats.txt    its per_cpu/cpuN/stats (overrun: the kernel's loss count)
#   MODE dat:  trace.dat   `trace-cmd extract` of the same buffer
#   MODE pipe: pipe.txt    the buffer read again through `trace_pipe`, which
#                          prints "CPU:n [LOST m EVENTS]" for what was
#                          overwritten
# Exit 77 (with the reason on stderr) when this machine cannot record:
# not root, no tracefs, no such clock, trace-cmd missing.
#
# trace-cmd 3.1 writes the *top* instance's trace clock into the .dat file
# whatever the extracted instance's is (lib/trace-cmd/trace-output.c,
# get_clock()); so for the .dat to say CLOCK, the top instance's clock is
# set to CLOCK during the extract and put back after - only when the top
# instance is idle (no tracer, no event, empty buffer): changing a clock
# empties that buffer.
set -euo pipefail
out=$1 clock=$2 buffer_kb=$3 mode=$4
skip() {
	echo "ftrace_record: $*" >&2
	exit 77
}

[ "$(id -u)" = 0 ] || skip "not root: cannot use tracefs"
tracefs=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
mounted_here=
if [ -z "$tracefs" ]; then
	mkdir -p "$out/tracefs"
	mount -t tracefs nodev "$out/tracefs" 2>/dev/null || skip "cannot mount tracefs"
	tracefs=$out/tracefs
	mounted_here=1
fi
[ -w "$tracefs/instances" ] || skip "$tracefs/instances is not writable"
grep -qw -- "$clock" "$tracefs/trace_clock" || skip "no trace clock $clock here"
if [ "$mode" = dat ]; then
	command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
fi

# One recording at a time on this machine (ctest -j, other checkouts).
exec 9>/tmp/ltt-view-ftrace-record.lock
flock -w 300 9 || skip "another recording holds /tmp/ltt-view-ftrace-record.lock"

inst=$tracefs/instances/ltt_view_test_$$
top_clock=
cleanup() {
	if [ -d "$inst" ]; then
		echo 0 >"$inst/tracing_on" 2>/dev/null || true
		echo 0 >"$inst/events/enable" 2>/dev/null || true
		rmdir "$inst" 2>/dev/null || true
	fi
	if [ -n "$top_clock" ]; then
		echo "$top_clock" >"$tracefs/trace_clock" || true
	fi
	if [ -n "$mounted_here" ]; then
		umount "$tracefs" 2>/dev/null || true
	fi
}
trap cleanup EXIT

mkdir "$inst" || skip "cannot create a tracefs instance"
echo 0 >"$inst/tracing_on"
echo "$clock" >"$inst/trace_clock"
echo "$buffer_kb" >"$inst/buffer_size_kb"
for e in irq/irq_handler_entry irq/irq_handler_exit irq/softirq_entry irq/softirq_exit \
	irq/softirq_raise sched/sched_switch sched/sched_waking sched/sched_wakeup \
	sched/sched_wakeup_new sched/sched_process_fork sched/sched_process_exit; do
	if [ -e "$inst/events/$e/enable" ]; then
		echo 1 >"$inst/events/$e/enable"
	fi
done
echo 1 >"$inst/tracing_on"
echo "MARK_START" >"$inst/trace_marker"
for _ in $(seq 1 40); do /bin/true; done
sleep 0.05
echo 0 >"$inst/tracing_on"

cat "$inst/trace" >"$out/trace.txt"
for s in "$inst"/per_cpu/cpu*/stats; do
	echo "${s%/stats}"
	cat "$s"
done >"$out/stats.txt"

case $mode in
dat)
	current=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$tracefs/trace_clock")
	if [ "$current" != "$clock" ]; then
		idle=$(cat "$tracefs/current_tracer")
		if [ "$idle" != nop ] || [ -n "$(cat "$tracefs/set_event")" ] ||
			! grep -q 'entries-in-buffer/entries-written: 0/' <(head -5 "$tracefs/trace"); then
			skip "the top tracefs instance is in use: cannot give the .dat file its clock"
		fi
		top_clock=$current
		echo "$clock" >"$tracefs/trace_clock"
	fi
	trace-cmd extract -B "$(basename "$inst")" -o "$out/trace.dat" >"$out/extract.log" 2>&1 ||
		{
			cat "$out/extract.log" >&2
			exit 1
		}
	;;
pipe)
	# trace_pipe waits for more once the buffer is empty: read it without
	# waiting.
	timeout 10 python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
out = open(sys.argv[2], "wb")
while True:
    try:
        b = os.read(fd, 65536)
    except BlockingIOError:
        break
    if not b:
        break
    out.write(b)
' "$inst/trace_pipe" "$out/pipe.txt"
	;;
*)
	echo "ftrace_record: mode must be dat or pipe" >&2
	exit 2
	;;
esac
