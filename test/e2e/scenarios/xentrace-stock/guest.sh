# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
scale=${WORKLOAD_SCALE:-1}

# Warm up (page cache, first-fork costs), not measured.
ltt-e2e-workload --scale 0.1 >/dev/null

e2e_workload workload_untraced --scale "$scale"

# xentrace writes to dom0's tmpfs, not the 9p share, so that the overhead
# measured is the tracer's, not 9p's; copied to the share afterwards.
e2e_bg_start xentrace xentrace -D -e all -S 32 /tmp/xentrace.bin
sleep 1
kill -0 "$(cat /tmp/e2e-bg-xentrace.pid)" || e2e_fail "xentrace exited early (see xentrace.log)"
e2e_workload workload_traced --scale "$scale"
e2e_bg_stop xentrace INT
cp /tmp/xentrace.bin "$E2E_OUT/xentrace.bin"
bytes=$(wc -c </tmp/xentrace.bin)
e2e_result xentrace_bytes "$bytes"
e2e_log "xentrace.bin: $bytes bytes"
[ "$bytes" -gt 0 ] || e2e_fail "xentrace wrote nothing"
