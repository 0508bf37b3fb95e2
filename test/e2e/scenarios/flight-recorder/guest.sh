# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
#
# The installed lttd starts with the boot configuration (/etc/ltt-xen/
# lttd.conf): session `flight` records the hypervisor in overwrite mode,
# session `broken` is refused with the file and line. SNAPSHOTS snapshots
# (default 3) are taken a second apart while the workload runs; retention
# (snapshot-keep = 2) removes the oldest. What goes to $E2E_OUT: flight/
# (the snapshots retention kept), flight.status.json (after the last
# snapshot), snapshots.txt (what each `ltt-ctl snapshot` answered),
# lttd.log, ltt-ctl.log.
snapshots=${SNAPSHOTS:-3}

export LTT_SOCKET=/run/ltt-xen/lttd.sock
e2e_bg_start lttd /usr/local/sbin/lttd --socket "$LTT_SOCKET" --config /etc/ltt-xen/lttd.conf
e2e_wait_until 10 "lttd's socket $LTT_SOCKET" _e2e_lttd_ready
e2e_ltt_ctl list
e2e_ltt_ctl status flight

ltt-e2e-workload --seconds 600 --phases fork,pipe >/tmp/workload.json &
wpid=$!
n=1
while [ "$n" -le "$snapshots" ]; do
	sleep 1
	ltt-ctl snapshot flight >>"$E2E_OUT/snapshots.txt" 2>&1 ||
		e2e_fail "ltt-ctl snapshot flight ($n) failed: $(tail -n 3 "$E2E_OUT/snapshots.txt")"
	n=$((n + 1))
done
kill -TERM "$wpid" 2>/dev/null || e2e_fail "the workload ended before the last snapshot"
wait "$wpid" || e2e_fail "the workload failed under the flight recorder"
e2e_result_file workload /tmp/workload.json
ltt-ctl status flight --json >"$E2E_OUT/flight.status.json" 2>/tmp/ltt-ctl.err ||
	e2e_fail "ltt-ctl status flight --json failed: $(cat /tmp/ltt-ctl.err)"
e2e_ltt_ctl stop flight
e2e_ltt_ctl destroy flight
e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
cp -r /tmp/flight "$E2E_OUT/flight"
e2e_result snapshots_taken "$snapshots"
