# shellcheck shell=sh
# Runs in dom0 on the patched Xen with SVM (see test/e2e/guest/lib.sh for
# e2e_*; scenario.conf says what the scenario shows).
#
# 1. The toolstack (test/e2e/guest/xl_toolstack.sh); Xen must offer HVM.
# 2. ltt-guest.ko in dom0, lttd, one session `--source xen --source kernel
#    --source guests`, PVH_EVENTS enabled, started before any domU.
# 3. Round 1, recorded by the session:
#    a. "emutsc": a PV domU with Xen's default tsc_mode (Xen emulates its
#       TSC here: no invariant TSC under QEMU); its ltt-guest.ko must refuse
#       to load. Waited for until destroyed.
#    b. "pvh": a PVH domU, tsc_mode="native", PVH_VCPUS vCPUs: ltt-guest.ko
#       joins the session, ltt-e2e-guest-exits runs PVH_EXITS
#       (CPUIDs,port reads), a few console lines, power-off.
#    The session stopped and destroyed, lttd stopped.
# 4. Round 2: the same PVH domU ("pvh-xentrace", without ltt-guest.ko:
#    domu_ltt=0) recorded by stock xentrace -e all into dom0's tmpfs.
#
# What goes to $E2E_OUT: session/, session.status.json, *.cfg, console-NAME.log
# (xenconsoled's log of each domU's console), pvh.json (domids, xl create
# times, PVH_EXITS), xentrace.bin, xen-logs/, xl-info.txt, lttd.log,
# ltt-ctl.log, xenstored.log, xenconsoled.log.
exits=${PVH_EXITS:-5000,5000}
vcpus=${PVH_VCPUS:-2}
events=${PVH_EVENTS:-*}

dmesg -n 7

# 1. the toolstack
# shellcheck source=test/e2e/guest/xl_toolstack.sh
. /e2e/xl_toolstack.sh
e2e_xl_toolstack_start
grep -q '^virt_caps.* hvm' "$E2E_OUT/xl-info.txt" ||
	e2e_fail "Xen offers no HVM guests (no SVM?): $(grep virt_caps "$E2E_OUT/xl-info.txt")"

# 2. ltt-guest.ko in dom0, lttd, the session
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
insmod /root/ltt-guest.ko || e2e_fail "insmod ltt-guest.ko in dom0 failed: $(dmesg | tail -n 3)"
e2e_lttd_start
e2e_ltt_ctl create pvh --source xen --source kernel --source guests --output /tmp/session --mode discard \
	--subbuf-size 512k --subbufs 16
# One word per event specification, never a file name.
set -f
# shellcheck disable=SC2086
e2e_ltt_ctl enable pvh $events
set +f
e2e_ltt_ctl start pvh

# guest_cfg NAME TYPE TSC_MODE VCPUS EXTRA: /tmp/NAME.cfg (and a copy in
# $E2E_OUT); TSC_MODE "default" leaves Xen's default.
guest_cfg() {
	{
		echo "name = \"$1\""
		echo "type = \"$2\""
		echo 'kernel = "/root/domU/vmlinuz"'
		echo 'ramdisk = "/root/domU/initrd.cpio.gz"'
		# loglevel=5: the guest kernel's warnings on its console (its
		# log), without the boot's chatter
		echo "extra = \"console=hvc0 rdinit=/init loglevel=5 mitigations=off $5\""
		echo 'memory = 160'
		[ -z "${PVH_CPUS:-}" ] || [ "$2" != pvh ] || echo "cpus = \"$PVH_CPUS\""
		echo "vcpus = $4"
		[ "$3" = default ] || echo "tsc_mode = \"$3\""
		echo 'on_poweroff = "destroy"'
		echo 'on_reboot = "destroy"'
		echo 'on_crash = "destroy"'
	} >"/tmp/$1.cfg"
	cp "/tmp/$1.cfg" "$E2E_OUT/$1.cfg"
}

# guest_gone NAME: e2e_xl_gone NAME, after copying to the console the
# guest's new console lines that say how it is doing (its init's, a kernel
# BUG or RIP): a guest that crashes or stalls shows it there.
guest_gone() {
	_log=/var/log/xen/console/guest-$1.log
	if [ -f "$_log" ]; then
		_n=$(wc -l <"$_log")
		if [ "$_n" -gt "${_guest_shown:-0}" ]; then
			tail -n +"$((${_guest_shown:-0} + 1))" "$_log" | head -n "$((_n - ${_guest_shown:-0}))" |
				grep -E 'ltt-domU: [^i]|ltt-domU: init|BUG|RIP:|WARNING' | grep -v 'ltt-domU: io ' |
				while read -r _l; do e2e_log "$1: $_l"; done
			_guest_shown=$_n
		fi
	fi
	e2e_xl_gone "$1"
}

# run_guest NAME: xl create /tmp/NAME.cfg (timed: E2E_LAST_SECONDS), its
# domid in E2E_DOMID, then waits until Xen no longer lists it.
run_guest() {
	e2e_timed "xl_create_$1" to_file "$E2E_OUT/xl-create-$1.log" timeout "$(e2e_scaled 180)" \
		xl create "/tmp/$1.cfg" ||
		e2e_fail "xl create $1 failed: $(tail -n 20 "$E2E_OUT/xl-create-$1.log")"
	_create_s=$E2E_LAST_SECONDS
	e2e_xl_domid "$1"
	e2e_log "$1 is domain $E2E_DOMID (xl create took $_create_s s)"
	_guest_shown=0
	e2e_timed "life_$1" e2e_wait_until 180 "$1 powering off and being destroyed" guest_gone "$1"
	_life_s=$E2E_LAST_SECONDS
	E2E_LAST_SECONDS=$_create_s
}

[ -z "${PVH_DOM0_CPUS:-}" ] || xl vcpu-pin Domain-0 all "$PVH_DOM0_CPUS" || e2e_fail "xl vcpu-pin failed"
# 3a. the emulated-TSC PV domU (its module refuses)
guest_cfg emutsc pv default 1 "domu_work_s=0 domu_io_lines=1"
run_guest emutsc
emutsc_domid=$E2E_DOMID
emutsc_create_s=$E2E_LAST_SECONDS
emutsc_life_s=$_life_s

# 3b. the PVH domU
# PVH_KERNEL_ARGS (default nofsgsbase): under QEMU 7.2 TCG the PVH guest's
# processes crash its kernel at a kernel entry with a bad GS base (seen in
# both rounds, with or without ltt-xen; test/e2e/README.md, "PVH guests
# under TCG"); the guest kernel's options that change how it handles GS
# and the FPU state are the knobs to look at it.
pvh_extra="${PVH_KERNEL_ARGS-nofsgsbase} domu_work_s=1 domu_io_lines=10 domu_exits=$exits"
guest_cfg pvh pvh native "$vcpus" "$pvh_extra"
run_guest pvh
pvh_domid=$E2E_DOMID
pvh_create_s=$E2E_LAST_SECONDS
pvh_life_s=$_life_s

e2e_ltt_ctl stop pvh
e2e_ltt_ctl_to /tmp/session.status.json status pvh --json
e2e_ltt_ctl status pvh
e2e_ltt_ctl destroy pvh
e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
cp -a /tmp/session "$E2E_OUT/session"
cp /tmp/session.status.json "$E2E_OUT/"

# 4. round 2: the same PVH domU under stock xentrace (into dom0's tmpfs:
# xentrace cannot write to the 9p share)
xentrace_started() {
	kill -0 "$(cat /tmp/e2e-bg-xentrace.pid)" 2>/dev/null || e2e_fail "xentrace exited (see xentrace.log)"
	[ -s /tmp/xentrace.bin ]
}
e2e_bg_start xentrace xentrace -D -e all -S 64 /tmp/xentrace.bin
e2e_wait_until 10 "xentrace's first records in /tmp/xentrace.bin" xentrace_started
guest_cfg pvh-xentrace pvh native "$vcpus" "$pvh_extra domu_ltt=0"
run_guest pvh-xentrace
xentrace_domid=$E2E_DOMID
xentrace_create_s=$E2E_LAST_SECONDS
xentrace_life_s=$_life_s
e2e_bg_stop xentrace INT || true
cp /tmp/xentrace.bin "$E2E_OUT/xentrace.bin"
e2e_log "xentrace.bin: $(wc -c <"$E2E_OUT/xentrace.bin") bytes"

printf '{"emutsc_domid": %s, "pvh_domid": %s, "xentrace_domid": %s, "vcpus": %s, "exits": "%s", "xl_create_s": {"emutsc": %s, "pvh": %s, "pvh-xentrace": %s}, "life_s": {"emutsc": %s, "pvh": %s, "pvh-xentrace": %s}}\n' \
	"$emutsc_domid" "$pvh_domid" "$xentrace_domid" "$vcpus" "$exits" \
	"$emutsc_create_s" "$pvh_create_s" "$xentrace_create_s" \
	"$emutsc_life_s" "$pvh_life_s" "$xentrace_life_s" >"$E2E_OUT/pvh.json"
e2e_result_file pvh "$E2E_OUT/pvh.json"

# xenconsoled writes the logs as the rings are drained: stop it first.
e2e_bg_stop xenconsoled TERM || true
for g in emutsc pvh pvh-xentrace; do
	cp "/var/log/xen/console/guest-$g.log" "$E2E_OUT/console-$g.log" 2>/dev/null ||
		e2e_fail "no console log of $g: $(ls -la /var/log/xen/console)"
done
cp -a /var/log/xen "$E2E_OUT/xen-logs"
e2e_log "pvh console: $(grep 'exits:' "$E2E_OUT/console-pvh.log" | tail -n 1)"
e2e_log "emutsc console: $(grep -i 'tsc_mode' "$E2E_OUT/console-emutsc.log" | tail -n 1)"
