# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
#
# 1. WORKLOAD_ROUNDS rounds of: the workload (WORKLOAD_SECONDS long)
#    untraced, under lttd's Xen source in discard mode (every event
#    enabled), under xentrace -D -e all -S 32 (interleaved, so that a slow
#    spell of the emulator does not land on one side only; the host compares
#    the best rate of each side, and each round's traced runs with its
#    untraced one: means with 95% intervals). The traces are written to dom0's tmpfs and
#    copied to the share afterwards, so that 9p does not weigh on what is
#    measured.
# 1b. One run recording the events that carry what xentrace -e all records
#    (no event channels, hypercalls without their exit): bytes for the same
#    information.
# 2. A flight-recorder (overwrite mode) session: one snapshot while the
#    workload runs (its fork phase, stopped once the snapshot is taken), one
#    right after it.
# 3. A discard session with tiny buffers, to lose records on purpose.
# 4. ltt-xenctl bench: cycles per record inside Xen, ltt-xen against
#    xentrace, on one CPU (XEN_SYSCTL_LTT_bench).
#
# What goes to $E2E_OUT (the host's e2e-out/ltt-xen/guest/):
#   ltt-discard-N/          lttd's trace directory of round N (hypervisor/, index.json)
#   ltt-discard-N.status.json   `ltt-ctl status --json` after stop (Xen's loss counts)
#   ltt-discard-N.query.txt     `ltt-xenctl query` after stop
#   ltt-same-info/, ltt-same-info.status.json   the same-information run
#   xentrace-N.bin          xentrace's file of round N
#   ltt-snapshot-during/, ltt-snapshot-after/   the overwrite session's snapshots
#   ltt-lossy/, ltt-lossy.status.json   the lossy discard session
#   ltt-overwrite.status.json   its status after stop; lttd.log, ltt-ctl.log
#   xen-bench.json, xen-bench.txt   ltt-xenctl bench's figures and table
seconds=${WORKLOAD_SECONDS:-2}
rounds=${WORKLOAD_ROUNDS:-10}

# e2e_ltt_ctl_to FILE ARGS...: ltt-ctl ARGS with its standard output to FILE.

# xen_state: the state line of `ltt-xenctl query` ("state none, 2 CPUs ...").
xen_state() {
	ltt-xenctl query 2>&1 | head -n 1
}

# trace_bytes DIR: bytes of the stream files of an lttd trace directory.
trace_bytes() {
	cat "$1"/hypervisor/xen_* | wc -c
}

ltt-xenctl query >"$E2E_OUT/ltt-xenctl-query-boot.txt" 2>&1 ||
	e2e_fail "ltt-xenctl query failed: $(cat "$E2E_OUT/ltt-xenctl-query-boot.txt")"
e2e_log "Xen: $(xen_state)"

# One lttd for the whole scenario (it sleeps in poll() between sessions).
e2e_lttd_start

# xentrace_started FILE: xentrace has written its first records (it only
# writes once a buffer is full, which the scheduler's records do quickly).
xentrace_started() {
	[ -s "$1" ]
}

# Warm up (page cache, first-fork costs), not measured.
ltt-e2e-workload --seconds 0.5 >/dev/null

round=1
while [ "$round" -le "$rounds" ]; do
	e2e_workload "workload_untraced_$round" --seconds "$seconds"

	# ltt-xen, discard mode, every event.
	out=/tmp/hv_$round
	e2e_ltt_ctl create hv --source xen --output "$out" --mode discard --subbuf-size 256k --subbufs 8
	e2e_ltt_ctl enable hv '*'
	e2e_ltt_ctl start hv
	e2e_workload "workload_ltt_$round" --seconds "$seconds"
	e2e_ltt_ctl stop hv
	e2e_ltt_ctl_to "/tmp/ltt-discard-$round.status.json" status hv --json
	ltt-xenctl query >"/tmp/ltt-discard-$round.query.txt" 2>&1 || true
	e2e_ltt_ctl status hv
	e2e_ltt_ctl destroy hv
	state=$(xen_state)
	case $state in
	"state none"*) ;;
	*) e2e_fail "Xen's buffers still set up after destroy: $state" ;;
	esac
	bytes=$(trace_bytes "$out")
	e2e_result "ltt_${round}_bytes" "$bytes"
	e2e_log "ltt-xen round $round: $bytes bytes in $(cd "$out/hypervisor" && echo *)"
	[ "$bytes" -gt 0 ] || e2e_fail "lttd wrote no stream data"

	# xentrace on the same Xen (the default build feeds both tracers).
	e2e_bg_start "xentrace_$round" xentrace -D -e all -S 32 "/tmp/xentrace-$round.bin"
	e2e_wait_until 10 "xentrace's first records in /tmp/xentrace-$round.bin" \
		xentrace_started "/tmp/xentrace-$round.bin"
	kill -0 "$(cat "/tmp/e2e-bg-xentrace_$round.pid")" ||
		e2e_fail "xentrace exited early (see xentrace_$round.log)"
	e2e_workload "workload_xentrace_$round" --seconds "$seconds"
	e2e_bg_stop "xentrace_$round" INT
	bytes=$(wc -c <"/tmp/xentrace-$round.bin")
	e2e_result "xentrace_${round}_bytes" "$bytes"
	e2e_log "xentrace-$round.bin: $bytes bytes"
	[ "$bytes" -gt 0 ] || e2e_fail "xentrace wrote nothing"
	round=$((round + 1))
done
e2e_result workload_rounds "$rounds"

# 1b. ltt-xen with the events that carry what `xentrace -e all` records
# (issue 17: bytes for the same information): every facility but evtchn
# (Xen 4.17's xentrace has no event-channel records), hypercalls as entry
# and arguments without the exit (xentrace records a hypercall once, with
# its arguments).
out=/tmp/hv_same
e2e_ltt_ctl create hv --source xen --output "$out" --mode discard --subbuf-size 256k --subbufs 8
e2e_ltt_ctl enable hv sched runstate irq memory hvm domain time hypercall:hypercall_entry hypercall:hypercall_args
e2e_ltt_ctl start hv
e2e_workload workload_ltt_same_info --seconds "$seconds"
e2e_ltt_ctl stop hv
e2e_ltt_ctl_to /tmp/ltt-same-info.status.json status hv --json
e2e_ltt_ctl destroy hv
e2e_result ltt_same_info_bytes "$(trace_bytes "$out")"

# Flight recorder: overwrite mode, small buffers, a snapshot while the
# workload runs (fork, from 1.5 s before the snapshot until it is taken,
# however long that takes on a busy host) and one after.
fr=/tmp/fr
e2e_ltt_ctl create fr --source xen --output "$fr" --mode overwrite --subbuf-size 64k --subbufs 8
e2e_ltt_ctl enable fr '*'
e2e_ltt_ctl start fr
ltt-e2e-workload --seconds 600 --phases fork >/tmp/workload_overwrite.json &
wpid=$!
sleep 1.5
e2e_ltt_ctl snapshot fr --output /tmp/ltt-snapshot-during
# SIGTERM ends the workload early, its JSON covering what ran.
kill -TERM "$wpid" 2>/dev/null || e2e_fail "the workload ended before the first snapshot"
wait "$wpid" || e2e_fail "the workload failed under the overwrite session"
e2e_result_file workload_overwrite /tmp/workload_overwrite.json
e2e_ltt_ctl snapshot fr --output /tmp/ltt-snapshot-after
e2e_ltt_ctl stop fr
e2e_ltt_ctl_to /tmp/ltt-overwrite.status.json status fr --json
e2e_ltt_ctl status fr
e2e_ltt_ctl destroy fr

# Losses on purpose: two 1 KiB sub-buffers per CPU cannot hold what the
# fork phase makes between two VIRQs; the host checks that the trace's loss
# counts are exactly Xen's.
e2e_ltt_ctl create lossy --source xen --output /tmp/lossy --mode discard --subbuf-size 1k --subbufs 2
e2e_ltt_ctl enable lossy '*'
e2e_ltt_ctl start lossy
ltt-e2e-workload --seconds 1 --phases fork,io >/dev/null
e2e_ltt_ctl stop lossy
e2e_ltt_ctl_to /tmp/ltt-lossy.status.json status lossy --json
e2e_ltt_ctl status lossy
e2e_ltt_ctl destroy lossy

e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
state=$(xen_state)
e2e_log "Xen after lttd exited: $state"
case $state in
"state none"*) ;;
*) e2e_fail "Xen's buffers still set up after lttd exited: $state" ;;
esac

# In-Xen cost of one record, ltt-xen's tracepoint against xentrace's
# TRACE_1D(), on one CPU of this boot (ltt-xenctl bench: both disabled, then
# a bench session of ltt-xen and xentrace with the TRC_GEN class only, the
# records counted from both buffers). Here neither tracer is in use and
# xentrace's buffers exist at -S 32 pages; nothing reads them afterwards.
# Short rounds (90 calls, ~30 us) and many of them (64, what xentrace's 32
# pages hold without a consumer): a host preempting QEMU hits few of them,
# and the medians skip those. "bench start/end" on the console let the host
# report its load meanwhile.
e2e_log "bench start"
ltt-xenctl bench "${XEN_BENCH_EVENTS:-90}" "${XEN_BENCH_ROUNDS:-64}" /tmp/xen-bench.json \
	>/tmp/xen-bench.txt 2>&1 || e2e_fail "ltt-xenctl bench failed: $(cat /tmp/xen-bench.txt)"
e2e_log "bench end"
cat /tmp/xen-bench.txt

# Copy everything to the share now that nothing is measured.
round=1
while [ "$round" -le "$rounds" ]; do
	cp -a "/tmp/hv_$round" "$E2E_OUT/ltt-discard-$round"
	cp "/tmp/ltt-discard-$round.status.json" "/tmp/ltt-discard-$round.query.txt" "$E2E_OUT/"
	cp "/tmp/xentrace-$round.bin" "$E2E_OUT/"
	round=$((round + 1))
done
cp -a /tmp/hv_same "$E2E_OUT/ltt-same-info"
cp /tmp/ltt-same-info.status.json "$E2E_OUT/"
cp -a /tmp/ltt-snapshot-during /tmp/ltt-snapshot-after "$E2E_OUT/"
cp /tmp/ltt-overwrite.status.json "$E2E_OUT/"
cp -a /tmp/lossy "$E2E_OUT/ltt-lossy"
cp /tmp/ltt-lossy.status.json "$E2E_OUT/"
cp /tmp/xen-bench.json /tmp/xen-bench.txt "$E2E_OUT/"
e2e_log "copied the traces to the share"
