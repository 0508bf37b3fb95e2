# shellcheck shell=sh
# Runs in dom0 on the patched Xen (see test/e2e/guest/lib.sh for e2e_*).
#
# 1. The toolstack (test/e2e/guest/xl_toolstack.sh).
# 2. ltt-guest.ko in dom0, lttd, one session `--source xen --source kernel
#    --source guests`, discard mode, DOMU_EVENTS, started before the domUs.
# 3. Two PV domUs (the domU scenario's kernel and initramfs, 2 vCPUs each,
#    DOMU_WORK_S s of work, a few console lines), created at the same time
#    so that they run together: "honest", and "hostile", whose
#    ltt-guest.ko scribbles over its granted buffers every
#    HOSTILE_SCRIBBLE_MS ms (scribble_ms, test only) from lttd's first
#    request until it unloads. Both joining the session is waited for,
#    then both powering off.
# 4. lttd still answers (status), the session stopped and destroyed, lttd
#    stopped with SIGTERM (it must exit 0), everything copied out.
#
# What goes to $E2E_OUT: session/, session.status.json (the last status,
# the guests' final counts in guests.gone), status-running.json (while
# both run), domus.json (each domU's name and domid), console-*.log,
# lttd.log, ltt-ctl.log, xen-logs/.
work_s=${DOMU_WORK_S:-6}
scribble_ms=${HOSTILE_SCRIBBLE_MS:-2}
events=${DOMU_EVENTS:-*}


dmesg -n 7

# 1. the toolstack
# shellcheck source=test/e2e/guest/xl_toolstack.sh
. /e2e/xl_toolstack.sh
e2e_xl_toolstack_start

# 2. dom0's module, lttd, the session
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
insmod /root/ltt-guest.ko || e2e_fail "insmod ltt-guest.ko in dom0 failed: $(dmesg | tail -n 3)"
e2e_lttd_start
[ -c /dev/xen/gntdev ] || e2e_fail "no /dev/xen/gntdev in dom0 (xen-gntdev): lttd cannot map a guest's grants"
e2e_ltt_ctl create hostile --source xen --source kernel --source guests --output /tmp/session --mode discard \
	--subbuf-size 256k --subbufs 8
set -f
# shellcheck disable=SC2086
e2e_ltt_ctl enable hostile $events
set +f
e2e_ltt_ctl start hostile

# 3. the domUs
# domu_cfg NAME EXTRA: /tmp/NAME.cfg (EXTRA goes on the kernel command line).
domu_cfg() {
	cat >"/tmp/$1.cfg" <<CFG
name = "$1"
type = "pv"
kernel = "/root/domU/vmlinuz"
ramdisk = "/root/domU/initrd.cpio.gz"
extra = "console=hvc0 rdinit=/init quiet mitigations=off domu_work_s=$work_s domu_io_lines=5 $2"
memory = 128
vcpus = 2
tsc_mode = "native"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
}
domu_cfg honest ""
domu_cfg hostile "domu_scribble_ms=$scribble_ms"
# create_both: `xl create` of both at once (libxl serialises what must
# be); fails when either fails.
create_both() {
	_pids=
	for _n in honest hostile; do
		(
			_rc=0
			timeout "$(e2e_scaled 180)" xl create "/tmp/$_n.cfg" >"$E2E_OUT/xl-create-$_n.log" 2>&1 || _rc=$?
			echo "$_rc" >"/tmp/xl-create-$_n.rc"
		) &
		_pids="$_pids $!"
	done
	# Only these two: lttd and the toolstack's daemons are children too.
	# shellcheck disable=SC2086
	wait $_pids
	for _n in honest hostile; do
		[ "$(cat "/tmp/xl-create-$_n.rc")" = 0 ] ||
			e2e_fail "xl create $_n failed: $(tail -n 20 "$E2E_OUT/xl-create-$_n.log")"
	done
}
e2e_timed xl_create_both create_both
e2e_xl_domid honest
honest_id=$E2E_DOMID
e2e_xl_domid hostile
hostile_id=$E2E_DOMID
printf '{"honest": %s, "hostile": %s, "scribble_ms": %s, "work_s": %s}\n' \
	"$honest_id" "$hostile_id" "$scribble_ms" "$work_s" >"$E2E_OUT/domus.json"
e2e_result_file domus "$E2E_OUT/domus.json"
e2e_log "honest is domain $honest_id, hostile is domain $hostile_id"
# Both joined (recording, or already gone after recording): their domids
# in status guests.recording or guests.gone.
joined() {
	ltt-ctl status hostile --json 2>/dev/null | tr -d '\n ' >/tmp/status-join.json || return 1
	for _id in $honest_id $hostile_id; do
		grep -q -e "\"recording\":\[\([0-9]*,\)*${_id}[],]" -e "\"domid\":$_id," /tmp/status-join.json || return 1
	done
}
e2e_timed domUs_join e2e_wait_until 120 "lttd recording both domUs (status guests)" joined
# lttd answers while the hostile domU scribbles.
e2e_ltt_ctl_to "$E2E_OUT/status-running.json" status hostile --json
e2e_log "both joined: $(grep -o '"guests":{.*' /tmp/status-join.json | head -c 300)"
both_gone() {
	e2e_xl_gone honest && e2e_xl_gone hostile
}
e2e_timed domUs_life e2e_wait_until 150 "both domUs powering off and being destroyed" both_gone

# 4. stop, copy out
e2e_ltt_ctl stop hostile
e2e_ltt_ctl_to /tmp/session.status.json status hostile --json
e2e_log "guests: $(tr -d '\n ' </tmp/session.status.json | grep -o '"guests":{.*' | head -c 600)"
e2e_ltt_ctl destroy hostile
e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
e2e_bg_stop xenconsoled TERM || true
cp -a /tmp/session "$E2E_OUT/session"
cp /tmp/session.status.json "$E2E_OUT/"
for name in honest hostile; do
	cp "/var/log/xen/console/guest-$name.log" "$E2E_OUT/console-$name.log" 2>/dev/null ||
		e2e_fail "no console log of $name: $(ls -la /var/log/xen/console)"
done
cp -a /var/log/xen "$E2E_OUT/xen-logs"
e2e_log "copied the session and the logs to the share"
