#!/bin/busybox sh
# shellcheck shell=dash
# /init of the e2e PV domU (test/e2e/scenarios/domU; mkdomu.sh puts it into
# the domU's initramfs). Everything it prints goes to hvc0, the PV console:
# a ring page shared with dom0 and an event channel to xenconsoled there,
# so every line crosses from this domain to dom0 through Xen (evtchn_send
# here, evtchn_set_pending on xenconsoled's port, and back when xenconsoled
# has consumed the ring). xenconsoled logs it to a file dom0 copies to the
# host, where check.sh reads these lines:
#   ltt-domU: ltt-guest <what the module said and its files>
#   ltt-domU: io N tag ...      DOMU_IO_LINES numbered lines
#   ltt-domU: exits: cpuid N io M seconds S   (domu_exits=N,M: the pvh
#                                             scenario's fixed exits)
#   ltt-domU: work done: forks F in S s, io lines N
#   ltt-domU: ltt-guest unloaded in S s (or: rmmod failed ...)
#   ltt-domU: powering off
# The work is time-boxed (DOMU_WORK_S seconds, given on the kernel command
# line by dom0), never a fixed amount: a busy host slows it down.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
say() { echo "ltt-domU: $*"; }

work_s=4
io_lines=50
# domu_scribble_ms=N (the hostile-guest scenario): ltt-guest.ko scribbles
# garbage over the memory dom0 reads every N ms (its scribble_ms, test only).
scribble_ms=0
# domu_exits=N,M (the pvh scenario): N CPUIDs and M port reads after the
# forks (ltt-e2e-guest-exits), each an exit to Xen in a PVH/HVM guest.
exits=
# domu_ltt=0: no ltt-guest.ko (the pvh scenario's xentrace round).
ltt=1
# shellcheck disable=SC2013 # the command line is one line of words
for a in $(cat /proc/cmdline); do
	case $a in
	domu_work_s=*) work_s=${a#*=} ;;
	domu_io_lines=*) io_lines=${a#*=} ;;
	domu_scribble_ms=*) scribble_ms=${a#*=} ;;
	domu_exits=*) exits=${a#*=} ;;
	domu_ltt=*) ltt=${a#*=} ;;
	esac
done
read -r up _ </proc/uptime
say "init reached, uptime $up s, kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPUs, work ${work_s} s, io lines $io_lines"

# ltt-guest.ko, the module dom0 loads too (built for the same kernel).
# A scribbling domU writes many small packets (16 KiB sub-buffers): lttd's
# packet checks get many to refuse.
geometry=
[ "$scribble_ms" = 0 ] || geometry="subbuf_size=16384 nr_subbufs=8"
# shellcheck disable=SC2086 # geometry is words
if [ "$ltt" = 0 ]; then
	say "ltt-guest not loaded (domu_ltt=0)"
elif insmod /ltt-guest.ko scribble_ms="$scribble_ms" $geometry 2>/tmp/insmod.err; then
	say "ltt-guest loaded"
	[ "$scribble_ms" = 0 ] || say "ltt-guest scribbling every $scribble_ms ms (test only)"
else
	say "ltt-guest insmod failed: $(cat /tmp/insmod.err)"
fi
dmesg | grep -i 'ltt-guest' | while read -r l; do say "ltt-guest dmesg: $l"; done
# In a domU the module has no files: it grants its buffers to dom0 and
# describes them in xenstore (data/ltt/), where dom0's lttd finds them.
grep ltt_guest /proc/modules | while read -r l; do say "ltt-guest module: $l"; done

# Work: fork and exec for work_s seconds (the domU's vCPUs busy, Xen
# scheduling them), then the console I/O.
t0=$(date +%s)
forks=0
while [ $(($(date +%s) - t0)) -lt "$work_s" ]; do
	/bin/true
	forks=$((forks + 1))
done
t1=$(date +%s)
if [ -n "$exits" ]; then
	say "$(ltt-e2e-guest-exits "${exits%,*}" "${exits#*,}" 2>&1)"
fi
i=1
while [ "$i" -le "$io_lines" ]; do
	say "io $i tag domU-io-$i-of-$io_lines"
	i=$((i + 1))
done
say "work done: forks $forks in $((t1 - t0)) s, io lines $io_lines"
# Unloading sets the description's state to closing: dom0's lttd drains
# the buffers and unmaps them, then the module ends its grants (waiting
# for dom0 up to 5 s).
t0=$(date +%s)
if ! grep -q '^ltt_guest ' /proc/modules; then
	:
elif rmmod ltt_guest 2>/tmp/rmmod.err; then
	say "ltt-guest unloaded in $(($(date +%s) - t0)) s"
else
	say "ltt-guest rmmod failed: $(cat /tmp/rmmod.err)"
fi
dmesg | grep -iE 'oops|BUG|WARNING|ltt-guest' | tail -n 20 | while read -r l; do say "dmesg: $l"; done
say "powering off"
sync
poweroff -f
