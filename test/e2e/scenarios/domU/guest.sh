# shellcheck shell=sh
# Runs in dom0 on the patched Xen (see test/e2e/guest/lib.sh for e2e_*).
#
# 1. What starting guests needs in dom0: the directories libxl and
#    xenstored use, /etc/xen/xl.conf, then xenstored, xen-init-dom0 (dom0's
#    own xenstore entries) and xenconsoled (logging each guest's console to
#    a file), in that order.
# 2. ltt-guest.ko in dom0 and lttd: one session `--source xen --source
#    kernel --source guests`, discard mode, DOMU_EVENTS enabled, started
#    before the domU exists (the domU's ltt-guest.ko joins it through
#    xenstore when it loads, and leaves when it unloads).
# 3. `xl create` of a small PV domU (Debian's compressed kernel, a busybox
#    initramfs with ltt-guest.ko: mkdomu.sh; tsc_mode="native", without
#    which Xen emulates a domU's TSC here and ltt-guest refuses to load),
#    timed; the domU loads the module, forks for DOMU_WORK_S s, writes
#    DOMU_IO_LINES lines on its PV console and powers off; on_poweroff
#    "destroy" has xl's monitor destroy it. Waited for until Xen no longer
#    lists it (xl list), with a limit scaled by the speed factor.
# 4. The session stopped and destroyed; everything copied to the share.
#    /dev/xen/gntdev (xen-gntdev, loaded by the e2e init) is what lttd maps
#    the domU's grants with.
#
# What goes to $E2E_OUT: session/ (hypervisor/, dom0/kernel/, index.json),
# session.status.json, domU.cfg, domU.json (its domid, xl create's time),
# xenstore-domU.txt (its xenstore tree while it runs),
# console-domU.log (xenconsoled's log of the domU's console), xen-logs/
# (xl's and libxl's logs), xl-list-*.txt, xl-info.txt, lttd.log,
# ltt-ctl.log, xenstored.log, xenconsoled.log, vector-check.log (the
# vector-register canary that ran in dom0 during the domU's life).
work_s=${DOMU_WORK_S:-4}
io_lines=${DOMU_IO_LINES:-50}
vcpus=${DOMU_VCPUS:-2}
# The event specifications to enable (scenario.conf: every facility
# but Xen's hypercall one by default).
events=${DOMU_EVENTS:-*}


# Kernel warnings to the console as they happen.
dmesg -n 7

# 1. the toolstack (test/e2e/guest/xl_toolstack.sh)
# shellcheck source=test/e2e/guest/xl_toolstack.sh
. /e2e/xl_toolstack.sh
e2e_xl_toolstack_start

# 2. ltt-guest.ko in dom0, lttd, the session
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
insmod /root/ltt-guest.ko || e2e_fail "insmod ltt-guest.ko in dom0 failed: $(dmesg | tail -n 3)"
[ -f /sys/kernel/debug/ltt-guest/channel.json ] || e2e_fail "ltt-guest.ko loaded in dom0 but has no files"
e2e_log "dom0: $(dmesg | grep 'ltt-guest: ready' | tail -n 1)"
e2e_lttd_start
[ -c /dev/xen/gntdev ] || e2e_fail "no /dev/xen/gntdev in dom0 (xen-gntdev): lttd cannot map a guest's grants"
e2e_ltt_ctl create domu --source xen --source kernel --source guests --output /tmp/session --mode discard \
	--subbuf-size 512k --subbufs 16
# One word per event specification, never a file name.
set -f
# shellcheck disable=SC2086
e2e_ltt_ctl enable domu $events
set +f
e2e_ltt_ctl start domu

# 3. the domU
cat >/tmp/domU.cfg <<CFG
name = "domU"
type = "pv"
kernel = "/root/domU/vmlinuz"
ramdisk = "/root/domU/initrd.cpio.gz"
extra = "console=hvc0 rdinit=/init quiet mitigations=off domu_work_s=$work_s domu_io_lines=$io_lines"
memory = 160
vcpus = $vcpus
tsc_mode = "native"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
CFG
cp /tmp/domU.cfg "$E2E_OUT/domU.cfg"
xl list >"$E2E_OUT/xl-list-before.txt" 2>&1
# A canary for the machine itself: a process holding known values in its
# vector registers across system calls and preemption while the domU
# runs. Corrupted user-space register state (seen under QEMU TCG as
# lttd copying a packet whose first 32 bytes were stale - glibc's memcpy
# keeps them in ymm0 - and as xl's child segfaulting) is reported as what
# it is, not as a tracer bug.
e2e_bg_start vector-check ltt-e2e-vector-check 3600
# xl create returns once the domain is built and unpaused, leaving a
# monitor process that destroys it when it powers off (on_poweroff).
e2e_timed xl_create to_file "$E2E_OUT/xl-create.log" timeout "$(e2e_scaled 120)" xl create /tmp/domU.cfg ||
	e2e_fail "xl create failed: $(tail -n 20 "$E2E_OUT/xl-create.log")"
create_s=$E2E_LAST_SECONDS
e2e_xl_domid domU
domid=$E2E_DOMID
xl list >"$E2E_OUT/xl-list-running.txt" 2>&1 || true
# The domU's xenstore tree names its console and store event channels
# (console/port, store/port): the host check follows them in Xen's records.
xenstore-ls -f "/local/domain/$domid" >"$E2E_OUT/xenstore-domU.txt" 2>&1 ||
	e2e_fail "xenstore-ls /local/domain/$domid failed: $(cat "$E2E_OUT/xenstore-domU.txt")"
# The domU's ltt-guest.ko describes its buffers once it loaded (its boot
# takes a while): wait for lttd to record it, then save the description.
domu_joined() {
	ltt-ctl status domu --json 2>/dev/null | tr -d '\n ' >/tmp/status-join.json || return 1
	grep -q -e '"recording":\[[0-9]' -e '"gone":\[{' /tmp/status-join.json
}
e2e_timed domU_join e2e_wait_until 120 "lttd recording the domU's kernel (status guests.recording)" domu_joined
xenstore-ls -f "/local/domain/$domid/data" >"$E2E_OUT/xenstore-domU-ltt.txt" 2>&1 || true
e2e_log "domU joined the session: $(grep -o '"guests":{[^}]*}' /tmp/status-join.json | head -c 400)"
e2e_log "domU is domain $domid (xl create took $create_s s)"
e2e_timed domU_life e2e_wait_until 120 "the domU powering off and being destroyed" e2e_xl_gone domU
life_s=$E2E_LAST_SECONDS
vc_rc=0
e2e_bg_stop vector-check TERM || vc_rc=$?
e2e_log "$(tail -n 1 "$E2E_OUT/vector-check.log") (status $vc_rc)"
xl list >"$E2E_OUT/xl-list-after.txt" 2>&1 || true
printf '{"domid": %s, "xl_create_s": %s, "life_after_create_s": %s, "vcpus": %s, "work_s": %s, "io_lines": %s}\n' \
	"$domid" "$create_s" "$life_s" "$vcpus" "$work_s" "$io_lines" >"$E2E_OUT/domU.json"
e2e_result_file domU "$E2E_OUT/domU.json"

# 4. stop, copy out
e2e_ltt_ctl stop domu
e2e_ltt_ctl_to /tmp/session.status.json status domu --json
e2e_ltt_ctl status domu
e2e_ltt_ctl destroy domu
e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
# xenconsoled writes the log as the ring is drained: stop it first, so that
# the copy is whole.
e2e_bg_stop xenconsoled TERM || true
cp -a /tmp/session "$E2E_OUT/session"
cp /tmp/session.status.json "$E2E_OUT/"
cp /var/log/xen/console/guest-domU.log "$E2E_OUT/console-domU.log" 2>/dev/null ||
	e2e_fail "no console log of the domU: $(ls -la /var/log/xen/console)"
cp -a /var/log/xen "$E2E_OUT/xen-logs"
e2e_log "domU console: $(grep -c 'ltt-domU: io ' "$E2E_OUT/console-domU.log") io lines; $(grep 'work done' "$E2E_OUT/console-domU.log" | tail -n 1)"
e2e_log "copied the session and the logs to the share"
