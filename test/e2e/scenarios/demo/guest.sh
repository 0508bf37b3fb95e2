# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
#
# 1. lttd records the hypervisor and dom0's kernel (ltt-guest.ko) in one
#    session, on one clock (discard mode: nothing overwritten, every loss
#    counted; every event enabled) while the workload runs for
#    DEMO_SECONDS (default 4), its I/O on the virtio disk's share.
# 2. The flight recorder: the same in overwrite mode with small buffers
#    (16 KiB x 4 per CPU: the last moments only, the older events
#    overwritten and counted), snapshotted while dom0 forks processes (the
#    workload's fork phase, from 1 s before the snapshot until it is taken,
#    however long that takes on a busy host).
# The traces are written to dom0's tmpfs, then copied to the share:
#   trace/      the recording (hypervisor/, dom0/kernel/, index.json)
#   trace.status.json      `ltt-ctl status --json` after stop (Xen's counters)
#   snapshot/   the flight recorder's snapshot
#   snapshot.status.json   the overwrite session's status after stop
#   workload_traced.json, workload_snapshot.json   the workload's rates
#   lttd.log, ltt-ctl.log
seconds=${DEMO_SECONDS:-4}

# status_json NAME FILE: `ltt-ctl status NAME --json` to FILE.
status_json() {
	ltt-ctl status "$1" --json >"$2" 2>/tmp/ltt-ctl.err ||
		e2e_fail "ltt-ctl status $1 --json failed: $(cat /tmp/ltt-ctl.err)"
}

# ltt-guest's files live in debugfs.
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
insmod /root/ltt-guest.ko || e2e_fail "insmod ltt-guest.ko failed: $(dmesg | tail -n 3)"
e2e_lttd_start

# 1. Record the hypervisor and dom0's kernel during the workload.
e2e_ltt_ctl create demo --source xen --source kernel --output /tmp/trace --mode discard \
	--subbuf-size 256k --subbufs 8
e2e_ltt_ctl enable demo '*'
e2e_ltt_ctl start demo
mkdir -p "$E2E_OUT/io"
e2e_workload workload_traced --seconds "$seconds" --io-dir "$E2E_OUT/io"
rm -rf "$E2E_OUT/io"
e2e_ltt_ctl stop demo
status_json demo /tmp/trace.status.json
e2e_ltt_ctl status demo
e2e_ltt_ctl destroy demo

# 2. The flight recorder: a snapshot while the workload runs.
e2e_ltt_ctl create fr --source xen --output /tmp/fr --mode overwrite --subbuf-size 16k --subbufs 4
e2e_ltt_ctl enable fr '*'
e2e_ltt_ctl start fr
ltt-e2e-workload --seconds 600 --phases fork >/tmp/workload_snapshot.json &
wpid=$!
sleep 1
e2e_ltt_ctl snapshot fr --output /tmp/snapshot
# SIGTERM ends the workload early, its JSON covering what ran.
kill -TERM "$wpid" 2>/dev/null || e2e_fail "the workload ended before the snapshot"
wait "$wpid" || e2e_fail "the workload failed under the flight recorder"
e2e_result_file workload_snapshot /tmp/workload_snapshot.json
e2e_ltt_ctl stop fr
status_json fr /tmp/snapshot.status.json
e2e_ltt_ctl destroy fr

e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
cp -a /tmp/trace /tmp/snapshot /tmp/trace.status.json /tmp/snapshot.status.json /tmp/workload_snapshot.json \
	"$E2E_OUT/"
e2e_log "copied the traces to the share"
