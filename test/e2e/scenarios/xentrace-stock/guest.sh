# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
# WORKLOAD_ROUNDS rounds of: the workload untraced, then under xentrace
# (interleaved, so that a slow spell of the emulator does not land on one
# side only); the host compares the fastest run of each.
scale=${WORKLOAD_SCALE:-1}
rounds=${WORKLOAD_ROUNDS:-2}

# Warm up (page cache, first-fork costs), not measured.
ltt-e2e-workload --scale 0.1 >/dev/null

round=1
while [ "$round" -le "$rounds" ]; do
	e2e_workload "workload_untraced_$round" --scale "$scale"

	# xentrace writes to dom0's tmpfs, not the 9p share, so that the
	# overhead measured is the tracer's, not 9p's.
	e2e_bg_start "xentrace_$round" xentrace -D -e all -S 32 "/tmp/xentrace_$round.bin"
	sleep 1
	kill -0 "$(cat "/tmp/e2e-bg-xentrace_$round.pid")" ||
		e2e_fail "xentrace exited early (see xentrace_$round.log)"
	e2e_workload "workload_traced_$round" --scale "$scale"
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
