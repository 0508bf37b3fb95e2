# shellcheck shell=sh
# Runs in dom0 on the patched Xen (see test/e2e/guest/lib.sh for e2e_*).
#
# 1. Cost: WORKLOAD_ROUNDS interleaved rounds of the workload untraced,
#    recorded by ltt-guest.ko (kernel irq and sched events, lttd) and by
#    dom0's ftrace (the same nine kernel events, x86-tsc clock).
# 2. One session, hypervisor + dom0 kernel + dom0 user space (`--source xen
#    --source kernel --source ust`), discard mode, every event, while the
#    workload runs with its I/O on the host share (virtio interrupts routed
#    to dom0), ltt-e2e-evtchn binds and closes event channels and the
#    lttng-ust example program (genevent's `example` provider) runs again
#    and again, traced by a real lttng-sessiond whose clock plugin puts it
#    on the session's clock (raw TSC, Xen's frequency, the session's clock
#    uuid) into the session's ust/; /proc/interrupts captured meanwhile.
# 3. A kernel-only session with tiny buffers that loses records on purpose
#    (lttd stopped meanwhile).
# 4. The same two sources as a flight recorder: a snapshot during the
#    workload and one after it.
# 5. LOAD_CYCLES times, while the workload runs and lttd records the
#    hypervisor: a kernel session on a fresh load of the module, rmmod
#    refused while it records, destroy, rmmod, insmod.
# 6. lttd SIGKILLed in the middle of a two-source session; the module
#    unloads and loads again afterwards.
#
# What goes to $E2E_OUT: all/ (+ all.status.json), lossy/, snapshot-during/,
# snapshot-after/, killed/, interrupts-*.txt, evtchn.txt, cost.json and the
# ftrace stats, lttd.log, ltt-ctl.log; of the ust part: ust-emitted.txt (one
# line per event the program emitted), ust-lttng-list.txt (lttng's channel
# statistics: discarded events), ust-runs.txt, lttng-sessiond.log, lttng.log.
scale=${WORKLOAD_SCALE:-0.3}
rounds=${WORKLOAD_ROUNDS:-2}
cycles=${LOAD_CYCLES:-10}
steps=${DOM0_STEPS:-1 2 3 4 5 6}
T=/sys/kernel/tracing
KEVENTS="irq/irq_handler_entry irq/irq_handler_exit irq/softirq_entry irq/softirq_exit
irq/softirq_raise sched/sched_switch sched/sched_waking sched/sched_wakeup sched/sched_wakeup_new"

# step N: whether DOM0_STEPS asks for step N (all by default; fewer to
# reproduce a problem of one step quickly - the host check then fails on
# what the skipped steps did not write).
step() {
	case " $steps " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}


# The lttng-ust side of step 2: lttng-sessiond (root's, --no-kernel) and
# every traced program load ltt-xen's clock plugin with the lttd session's
# clock (ltt-ctl status --json: "clock": tsc_hz, uuid), so lttng's trace is
# on the raw TSC, with the uuid of the session's other traces.
UST_PLUGIN=/usr/local/lib/ltt-xen/libltt-lttng-clock-tsc.so
UST_CONSUMERD=/usr/local/lib/lttng/libexec/lttng-consumerd
# ust_env_vars: those variables (values without blanks) for `env`, once
# ust_start has read the clock.
ust_env_vars=
ust_env() {
	# shellcheck disable=SC2086 # one word per variable
	env $ust_env_vars "$@"
}
ust_lttng() {
	echo "\$ lttng $*" >>"$E2E_OUT/lttng.log"
	ust_env lttng "$@" >>"$E2E_OUT/lttng.log" 2>&1 || e2e_fail "lttng $* failed: $(tail -n 5 "$E2E_OUT/lttng.log")"
}
# ust_start SESSION STATUS_JSON: lttng-sessiond with SESSION's clock, an
# lttng session writing into SESSION's ust/ (its lttng_ust_output).
ust_start() {
	_flat=$(tr -d ' \n' <"$2")
	ust_hz=$(echo "$_flat" | sed -n 's/.*"clock":{[^}]*"tsc_hz":\([0-9]*\).*/\1/p')
	ust_uuid=$(echo "$_flat" | sed -n 's/.*"clock":{[^}]*"uuid":"\([0-9a-f-]*\)".*/\1/p')
	_ust_out=$(echo "$_flat" | sed -n 's/.*"lttng_ust_output":"\([^"]*\)".*/\1/p')
	if [ -z "$ust_hz" ] || [ "$ust_hz" -lt 1000000 ] || [ -z "$ust_uuid" ] || [ -z "$_ust_out" ]; then
		e2e_fail "ltt-ctl status of $1 gives no clock/lttng_ust_output: $_flat"
	fi
	e2e_log "ust: clock tsc $ust_hz Hz uuid $ust_uuid, lttng output $_ust_out"
	# lttng-sessiond's agent thread listens on the loopback interface.
	ip link set lo up 2>/dev/null || true
	ust_env_vars="LTTNG_UST_CLOCK_PLUGIN=$UST_PLUGIN LTT_CLOCK_TSC_HZ=$ust_hz LTT_CLOCK_UUID=$ust_uuid"
	ust_env_vars="$ust_env_vars LTTNG_UST_REGISTER_TIMEOUT=$(($(e2e_scaled 30) * 1000))"
	# env execs lttng-sessiond: e2e_bg_stop signals the daemon itself.
	# shellcheck disable=SC2086 # one word per variable
	e2e_bg_start lttng-sessiond env $ust_env_vars lttng-sessiond --no-kernel --consumerd64-path=$UST_CONSUMERD
	e2e_wait_until 60 "lttng-sessiond answering" ust_ready
	ust_lttng create "$1-ust" --output="$_ust_out"
	ust_lttng enable-event --userspace 'example:*'
	ust_lttng start
}
ust_ready() {
	kill -0 "$(cat /tmp/e2e-bg-lttng-sessiond.pid)" 2>/dev/null ||
		e2e_fail "lttng-sessiond exited: $(cat "$E2E_OUT/lttng-sessiond.log")"
	lttng list >/dev/null 2>&1
}
# ust_app_loop_start / ust_app_loop_stop: the example program (500
# iterations, 669 events a run) again and again until stopped; every run
# prints a line per event it emitted (ust-emitted.txt).
ust_app_loop_start() {
	: >"$E2E_OUT/ust-emitted.txt"
	touch /tmp/ust-keep-going
	(
		runs=0
		while :; do
			ust_env genevent_ust_example 500 >>"$E2E_OUT/ust-emitted.txt" || exit 1
			runs=$((runs + 1))
			[ -f /tmp/ust-keep-going ] || break
		done
		echo "$runs" >"$E2E_OUT/ust-runs.txt"
	) &
	ust_loop=$!
}
ust_app_loop_stop() {
	rm -f /tmp/ust-keep-going
	wait "$ust_loop" || e2e_fail "the lttng-ust example program failed"
	e2e_log "ust: $(cat "$E2E_OUT/ust-runs.txt") runs of the example program, $(wc -l <"$E2E_OUT/ust-emitted.txt") events emitted"
}
# ust_stop: stops the lttng session (its channel statistics, with the
# discarded events, to ust-lttng-list.txt), destroys it (lttng's consumer
# has written everything then), stops lttng-sessiond.
ust_stop() {
	ust_lttng stop "$1-ust"
	ust_env lttng list "$1-ust" >"$E2E_OUT/ust-lttng-list.txt" 2>&1 ||
		e2e_fail "lttng list failed: $(cat "$E2E_OUT/ust-lttng-list.txt")"
	ust_lttng destroy "$1-ust"
	e2e_bg_stop lttng-sessiond TERM || e2e_fail "lttng-sessiond exited with an error: $(tail -n 5 "$E2E_OUT/lttng-sessiond.log")"
}

load_module() {
	insmod /root/ltt-guest.ko || e2e_fail "insmod ltt-guest.ko failed: $(dmesg | tail -n 3)"
	[ -f /sys/kernel/debug/ltt-guest/channel.json ] || e2e_fail "ltt-guest.ko loaded but has no files"
}

# ftrace_on/ftrace_off: the nine kernel events ltt-guest's irq and sched
# facilities record, on the TSC, 4 MiB per CPU.
ftrace_on() {
	echo 0 >$T/tracing_on
	echo >$T/trace
	echo x86-tsc >$T/trace_clock
	echo 4096 >$T/buffer_size_kb
	for e in $KEVENTS; do echo 1 >"$T/events/$e/enable"; done
	echo 1 >$T/tracing_on
}
ftrace_off() {
	echo 0 >$T/tracing_on
	for e in $KEVENTS; do echo 0 >"$T/events/$e/enable"; done
	for c in /sys/kernel/tracing/per_cpu/cpu*; do
		echo "${c##*/} $(tr '\n' ' ' <"$c/stats")"
	done >"$E2E_OUT/$1.stats"
	echo >$T/trace
}

# Kernel warnings to the console as they happen, and a heartbeat: if dom0
# ever stops, the console says when and what the kernel said last.
dmesg -n 7
(
	n=0
	while sleep 30; do
		n=$((n + 30))
		echo "dom0 heartbeat ${n}s" >/dev/console
	done
) &
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
mount -t tracefs tracefs $T 2>/dev/null || true
[ -d $T/events/sched ] || e2e_fail "no tracefs at $T"
load_module
e2e_log "$(dmesg | grep 'ltt-guest: ready' | tail -n 1)"
cp /sys/kernel/debug/ltt-guest/channel.json "$E2E_OUT/channel.json"
insmod /root/ltt-guest.ko 2>"$E2E_OUT/insmod-twice.txt" && e2e_fail "a second insmod was accepted"
e2e_log "second insmod refused: $(cat "$E2E_OUT/insmod-twice.txt")"
cat /proc/interrupts >"$E2E_OUT/interrupts-boot.txt"

e2e_lttd_start
ltt-e2e-workload --scale 0.1 >/dev/null

# 1. cost, interleaved rounds
if step 1; then
	round=1
	while [ "$round" -le "$rounds" ]; do
		e2e_workload "workload_untraced_$round" --scale "$scale"

		e2e_ltt_ctl create cost --source kernel --output "/tmp/cost_$round" --mode discard --subbuf-size 256k --subbufs 8
		e2e_ltt_ctl enable cost irq sched
		e2e_ltt_ctl start cost
		e2e_workload "workload_ltt_guest_$round" --scale "$scale"
		e2e_ltt_ctl stop cost
		e2e_ltt_ctl_to "$E2E_OUT/cost_$round.status.json" status cost --json
		e2e_ltt_ctl destroy cost
		rm -rf "/tmp/cost_$round"

		ftrace_on
		e2e_workload "workload_ftrace_$round" --scale "$scale"
		ftrace_off "ftrace_$round"
		round=$((round + 1))
	done
	e2e_result workload_rounds "$rounds"
fi

# 2. one session, every layer
if step 2; then
	mkdir -p "$E2E_OUT/io"
	e2e_ltt_ctl create all --source xen --source kernel --source ust --output /tmp/all --mode discard --subbuf-size 256k --subbufs 8
	e2e_ltt_ctl enable all '*'
	e2e_ltt_ctl_to /tmp/all.created.json status all --json
	ust_start all /tmp/all.created.json
	e2e_ltt_ctl start all
	cat /proc/interrupts >"$E2E_OUT/interrupts-recording.txt"
	ltt-e2e-evtchn 3 >"$E2E_OUT/evtchn.txt" 2>&1 || e2e_fail "ltt-e2e-evtchn: $(cat "$E2E_OUT/evtchn.txt")"
	ust_app_loop_start
	e2e_workload workload_all --scale "$scale" --io-dir "$E2E_OUT/io"
	ust_app_loop_stop
	# lttng's trace complete before lttd stops Xen: its events lie within
	# the hypervisor trace, and lttd lists it in index.json at the stop.
	ust_stop all
	e2e_ltt_ctl stop all
	e2e_ltt_ctl_to /tmp/all.status.json status all --json
	e2e_ltt_ctl status all
	e2e_ltt_ctl destroy all
	rm -rf "$E2E_OUT/io"
	# Copied as soon as written (nothing measured from here on), so that a
	# later step running out of time still leaves them to check.
	cp -a /tmp/all "$E2E_OUT/"
	cp /tmp/all.status.json "$E2E_OUT/"
fi

# 3. losses on purpose: 2 x 4 KiB per vCPU, and lttd stopped (SIGSTOP)
if step 3; then
	#    while the workload runs, so the buffers fill and the module discards
	e2e_ltt_ctl create lossy --source kernel --output /tmp/lossy --mode discard --subbuf-size 4k --subbufs 2
	e2e_ltt_ctl enable lossy '*'
	e2e_ltt_ctl start lossy
	kill -STOP "$(cat /tmp/e2e-bg-lttd.pid)"
	ltt-e2e-workload --scale 0.1 --phases fork,io >/dev/null
	kill -CONT "$(cat /tmp/e2e-bg-lttd.pid)"
	e2e_ltt_ctl stop lossy
	e2e_ltt_ctl_to /tmp/lossy.status.json status lossy --json
	e2e_ltt_ctl destroy lossy
	cp -a /tmp/lossy "$E2E_OUT/"
	cp /tmp/lossy.status.json "$E2E_OUT/"
fi

# 4. flight recorder, both sources
if step 4; then
	e2e_ltt_ctl create fr --source xen --source kernel --output /tmp/fr --mode overwrite --subbuf-size 64k --subbufs 8
	e2e_ltt_ctl enable fr '*'
	e2e_ltt_ctl start fr
	ltt-e2e-workload --scale "$scale" >/tmp/workload_overwrite.json &
	wpid=$!
	sleep 1
	e2e_ltt_ctl snapshot fr --output /tmp/snapshot-during
	wait "$wpid" || e2e_fail "the workload failed under the flight recorder"
	e2e_ltt_ctl snapshot fr --output /tmp/snapshot-after
	e2e_ltt_ctl stop fr
	e2e_ltt_ctl_to /tmp/fr.status.json status fr --json
	e2e_ltt_ctl destroy fr
	cp -a /tmp/snapshot-during /tmp/snapshot-after "$E2E_OUT/"
	cp /tmp/fr.status.json "$E2E_OUT/"
fi

# 5. load/unload cycles while the workload runs and lttd records Xen
if step 5; then
	e2e_ltt_ctl create hvbg --source xen --output /tmp/hvbg --mode discard
	e2e_ltt_ctl enable hvbg '*'
	e2e_ltt_ctl start hvbg
	touch /tmp/keep-working
	(while [ -f /tmp/keep-working ]; do ltt-e2e-workload --scale 0.1 --phases cpu,fork,pipe >/dev/null || exit 1; done) &
	bgw=$!
	cycle=1
	busy_refused=0
	while [ "$cycle" -le "$cycles" ]; do
		e2e_ltt_ctl create "k$cycle" --source kernel --output "/tmp/k$cycle" --mode discard --subbuf-size 64k --subbufs 4
		e2e_ltt_ctl enable "k$cycle" '*'
		e2e_ltt_ctl start "k$cycle"
		sleep 0.3
		if rmmod ltt_guest 2>/tmp/rmmod.err; then
			e2e_fail "cycle $cycle: rmmod succeeded while lttd held the buffers"
		fi
		busy_refused=$((busy_refused + 1))
		e2e_ltt_ctl stop "k$cycle"
		e2e_ltt_ctl_to "/tmp/k$cycle.status.json" status "k$cycle" --json
		e2e_ltt_ctl destroy "k$cycle"
		rmmod ltt_guest || e2e_fail "cycle $cycle: rmmod failed after destroy: $(dmesg | tail -n 3)"
		[ ! -e /sys/kernel/debug/ltt-guest ] || e2e_fail "cycle $cycle: the files outlived the module"
		load_module
		[ "$cycle" = 1 ] || [ "$cycle" = "$cycles" ] || rm -rf "/tmp/k$cycle"
		cycle=$((cycle + 1))
	done
	rm -f /tmp/keep-working
	wait "$bgw" || e2e_fail "the background workload failed during the load/unload cycles"
	e2e_ltt_ctl stop hvbg
	e2e_ltt_ctl destroy hvbg
	e2e_result load_cycles "$cycles"
	e2e_result rmmod_refused_while_recording "$busy_refused"
	rm -rf /tmp/hvbg
fi

# 6. lttd SIGKILLed mid-session
if step 6; then
	e2e_ltt_ctl create killed --source xen --source kernel --output /tmp/killed --mode discard --flush-interval 200
	e2e_ltt_ctl enable killed '*'
	e2e_ltt_ctl start killed
	ltt-e2e-workload --scale 0.2 >/dev/null
	sleep 1
	lttd_pid=$(cat /tmp/e2e-bg-lttd.pid)
	kill -9 "$lttd_pid"
	sleep 1
	kill -0 "$lttd_pid" 2>/dev/null && e2e_fail "lttd survived SIGKILL"
	# its guardian cut the stream files back to whole packets; the buffers are
	# free again: the module unloads, and Xen's are torn down by hand
	n=0
	until rmmod ltt_guest 2>/tmp/rmmod.err; do
		n=$((n + 1))
		[ "$n" -lt 50 ] || e2e_fail "rmmod after lttd's death: $(cat /tmp/rmmod.err)"
		sleep 0.1
	done
	load_module
	rmmod ltt_guest || e2e_fail "rmmod after reload failed"
	ltt-xenctl teardown >/dev/null 2>&1 || true
	e2e_log "lttd SIGKILLed; the module unloaded and loaded again"
fi

cat /proc/interrupts >"$E2E_OUT/interrupts-end.txt"
if step 5; then
	cp -a /tmp/k1 "/tmp/k$cycles" "$E2E_OUT/"
	cp /tmp/k1.status.json "$E2E_OUT/"
fi
! step 6 || cp -a /tmp/killed "$E2E_OUT/"
e2e_log "copied the traces to the share"
