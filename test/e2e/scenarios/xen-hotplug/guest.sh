# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
#
# Xen boots with both physical CPUs; dom0 takes CPU 1 offline with xen-hptool
# first (maxcpus=1 would make it unpluggable: scenario.conf). One lttd
# session then records the hypervisor (discard mode, every event) while:
#   1. the workload runs on CPU 0 alone (CPU 1 has no buffer: setup gives
#      buffers to the CPUs online at the time);
#   2. xen-hptool brings CPU 1 online: Xen's CPU notifier allocates its
#      buffer, bumps the query's generation and sends VIRQ_LTT; lttd maps the
#      buffer and adds stream xen_1 ("session hp: cpu 1 buffer added");
#   3. the workload runs on both CPUs (dom0 has two vCPUs);
#   4. CPU 1 goes offline (Xen closes its open packet, keeps its buffer), the
#      workload runs on CPU 0, CPU 1 comes back (same buffer, same
#      generation), the workload runs on both again.
#
# What goes to $E2E_OUT (the host's e2e-out/xen-hotplug/guest/):
#   hp/                     lttd's trace directory (hypervisor/, index.json)
#   hp.status.json          `ltt-ctl status --json` after stop
#   query-*.txt             `ltt-xenctl query` at each step (boot, before,
#                           setup, online, offline, online-again, stopped,
#                           destroyed)
#   steps.txt               "STEP UPTIME" lines: dom0's uptime at each step
#   hptool-*.txt            xen-hptool's output
#   lttd.log, ltt-ctl.log
seconds=${WORKLOAD_SECONDS:-2}
steps="$E2E_OUT/steps.txt"
: >"$steps"

# step NAME: note dom0's uptime at NAME.
step() {
	echo "$1 $(e2e_uptime)" >>"$steps"
}

# query NAME: `ltt-xenctl query` to query-NAME.txt; logs its state and
# buffer lines.
query() {
	ltt-xenctl query >"$E2E_OUT/query-$1.txt" 2>&1 ||
		e2e_fail "ltt-xenctl query failed: $(cat "$E2E_OUT/query-$1.txt")"
	e2e_log "query $1: $(head -n 2 "$E2E_OUT/query-$1.txt" | tr '\n' ' ')"
}

# generation NAME: the generation in query-NAME.txt.
generation() {
	sed -n 's/.*generation \([0-9]*\).*/\1/p' "$E2E_OUT/query-$1.txt"
}

# online NAME: the online CPU count in query-NAME.txt.
online() {
	sed -n '1s/.*CPUs (\([0-9]*\) online).*/\1/p' "$E2E_OUT/query-$1.txt"
}

# hptool NAME ARGS...: xen-hptool ARGS, output to hptool-NAME.txt.
hptool() {
	_hp_name=$1
	shift
	_hp_rc=0
	xen-hptool "$@" >"$E2E_OUT/hptool-$_hp_name.txt" 2>&1 || _hp_rc=$?
	e2e_log "xen-hptool $* (status $_hp_rc): $(tr '\n' ' ' <"$E2E_OUT/hptool-$_hp_name.txt")"
	[ "$_hp_rc" = 0 ] || e2e_fail "xen-hptool $* failed"
}

# in_lttd_log PATTERN: PATTERN is in lttd.log.
in_lttd_log() {
	grep -q "$1" "$E2E_OUT/lttd.log"
}

query boot
[ "$(online boot)" = 2 ] || e2e_fail "Xen booted with $(online boot) CPUs online, expected 2"
hptool before cpu-offline 1
query before
[ "$(online before)" = 1 ] || e2e_fail "CPU 1 is still online after xen-hptool cpu-offline 1"

e2e_lttd_start

# Warm up (page cache, first-fork costs), not recorded.
ltt-e2e-workload --seconds 0.5 >/dev/null

e2e_ltt_ctl create hp --source xen --output /tmp/hp
e2e_ltt_ctl enable hp '*'
e2e_ltt_ctl start hp
step start
query setup
g_setup=$(generation setup)
e2e_workload workload_cpu0 --seconds "$seconds"

# CPU 1 comes online: a new buffer, a new generation.
step online
hptool online cpu-online 1
query online
[ "$(online online)" = 2 ] || e2e_fail "CPU 1 is not online after xen-hptool cpu-online 1"
g_online=$(generation online)
[ "$g_online" != "$g_setup" ] ||
	e2e_fail "the generation did not change when CPU 1 came online ($g_setup)"
e2e_wait_until 20 "'cpu 1 buffer added' in lttd.log" in_lttd_log "cpu 1 buffer added"
step buffer_added
e2e_workload workload_both --seconds "$seconds"

# Offline and online again: Xen keeps the buffer (same generation).
step offline
hptool offline cpu-offline 1
query offline
[ "$(online offline)" = 1 ] || e2e_fail "CPU 1 is still online after xen-hptool cpu-offline 1"
e2e_workload workload_offline --seconds "$seconds"
step online_again
hptool online-again cpu-online 1
query online-again
[ "$(online online-again)" = 2 ] || e2e_fail "CPU 1 is not online again"
g_again=$(generation online-again)
[ "$g_again" = "$g_online" ] ||
	e2e_fail "the generation changed from $g_online to $g_again when CPU 1 came back (its buffer was kept?)"
e2e_workload workload_both_again --seconds "$seconds"

e2e_ltt_ctl stop hp
step stop
ltt-ctl status hp --json >"$E2E_OUT/hp.status.json" 2>/tmp/ltt-ctl.err ||
	e2e_fail "ltt-ctl status --json failed: $(cat /tmp/ltt-ctl.err)"
query stopped
e2e_ltt_ctl status hp
e2e_ltt_ctl destroy hp
query destroyed
case $(head -n 1 "$E2E_OUT/query-destroyed.txt") in
"state none"*) ;;
*) e2e_fail "Xen's buffers still set up after destroy" ;;
esac
e2e_result generations "{\"setup\": $g_setup, \"online\": $g_online, \"online_again\": $g_again}"

e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
cp -a /tmp/hp "$E2E_OUT/hp"
e2e_log "trace: $(wc -c "$E2E_OUT"/hp/hypervisor/* | tr '\n' ' ')"
