# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
# WORKLOAD_ROUNDS rounds of: the workload (WORKLOAD_SECONDS long) untraced,
# then under xentrace (interleaved, so that a slow spell of the emulator
# does not land on one side only); the host compares the best rate of each.
seconds=${WORKLOAD_SECONDS:-4}
rounds=${WORKLOAD_ROUNDS:-2}

# xentrace_started FILE: xentrace has written its first records.
xentrace_started() {
	[ -s "$1" ]
}

# Warm up (page cache, first-fork costs), not measured.
ltt-e2e-workload --seconds 0.5 >/dev/null

round=1
while [ "$round" -le "$rounds" ]; do
	e2e_workload "workload_untraced_$round" --seconds "$seconds"

	# xentrace writes to dom0's tmpfs, not the 9p share, so that the
	# overhead measured is the tracer's, not 9p's.
	e2e_bg_start "xentrace_$round" xentrace -D -e all -S 32 "/tmp/xentrace_$round.bin"
	e2e_wait_until 10 "xentrace's first records in /tmp/xentrace_$round.bin" \
		xentrace_started "/tmp/xentrace_$round.bin"
	kill -0 "$(cat "/tmp/e2e-bg-xentrace_$round.pid")" ||
		e2e_fail "xentrace exited early (see xentrace_$round.log)"
	e2e_workload "workload_traced_$round" --seconds "$seconds"
	e2e_bg_stop "xentrace_$round" INT
	bytes=$(wc -c <"/tmp/xentrace_$round.bin")
	e2e_result "xentrace_${round}_bytes" "$bytes"
	e2e_log "xentrace_$round.bin: $bytes bytes"
	[ "$bytes" -gt 0 ] || e2e_fail "xentrace wrote nothing"
	round=$((round + 1))
done
e2e_result workload_rounds "$rounds"

# The first round's trace is the one the host checks and summarises.
cp /tmp/xentrace_1.bin "$E2E_OUT/xentrace.bin"
