# shellcheck shell=sh
# Helpers for a scenario's guest.sh, which /init sources after this file
# (busybox ash, `set -eu`, cwd /tmp). In the environment:
#   E2E_OUT           the host share (/mnt/host = e2e-out/SCENARIO/guest/ on the host)
#   E2E_SCENARIO      the scenario's name
#   E2E_SCENARIO_DIR  the scenario directory's copy (/e2e/scenario)
#   E2E_KVER          the dom0 kernel version
#   E2E_SPEED         the speed factor /init measured (e2e_calibrate): how
#                     many times slower than on a quiet host the emulated
#                     CPUs run now, at least 1; waits and limits scale with it
# plus every NAME=VALUE the scenario's GUEST_ENV set.

# e2e_log MESSAGE...: a line on the console and in guest.log, with dom0 uptime.
e2e_log() {
	echo "ltt-e2e[$(e2e_uptime)]: $*"
}

# e2e_fail MESSAGE...: log and exit 1 (the scenario fails).
e2e_fail() {
	e2e_log "FAIL: $*"
	exit 1
}

# e2e_uptime: seconds since dom0 booted (/proc/uptime, 10 ms resolution).
e2e_uptime() {
	read -r _e2e_up _ </proc/uptime
	echo "$_e2e_up"
}

# e2e_timed NAME CMD...: run CMD, log its wall time, record it as result
# "time_NAME_s" and in $E2E_LAST_SECONDS; returns CMD's status.
e2e_timed() {
	_e2e_name=$1
	shift
	_e2e_t0=$(e2e_uptime)
	_e2e_rc=0
	"$@" || _e2e_rc=$?
	E2E_LAST_SECONDS=$(awk -v a="$_e2e_t0" -v b="$(e2e_uptime)" 'BEGIN { printf "%.2f", b - a }')
	e2e_result "time_${_e2e_name}_s" "$E2E_LAST_SECONDS"
	e2e_log "$_e2e_name: $E2E_LAST_SECONDS s (status $_e2e_rc)"
	return "$_e2e_rc"
}

# e2e_result KEY JSON_VALUE: one entry of "results" in $E2E_OUT/result.json
# (JSON_VALUE verbatim: a number, "a string" with its quotes, an object...).
e2e_result() {
	printf '"%s": %s\n' "$1" "$2" >>/tmp/e2e-results
}

# e2e_result_file KEY FILE: like e2e_result, the value being FILE's content
# (a JSON document, e.g. what ltt-e2e-workload printed).
e2e_result_file() {
	e2e_result "$1" "$(tr '\n' ' ' <"$2")"
}

# e2e_bg_start NAME CMD...: start CMD in the background, its output going to
# $E2E_OUT/NAME.log; e2e_bg_stop stops it.
e2e_bg_start() {
	_e2e_name=$1
	shift
	"$@" >"$E2E_OUT/$_e2e_name.log" 2>&1 &
	echo $! >"/tmp/e2e-bg-$_e2e_name.pid"
	e2e_log "started $_e2e_name (pid $!): $*"
}

# e2e_bg_stop NAME [SIGNAL [SECONDS]]: send SIGNAL (default INT) to the
# process e2e_bg_start started, wait up to SECONDS (default 30; times
# E2E_SPEED) for it to exit, SIGKILL it after that; returns its exit status
# (137 when killed).
e2e_bg_stop() {
	_e2e_name=$1
	_e2e_sig=${2:-INT}
	_e2e_wait=$(e2e_scaled "${3:-30}")
	_e2e_pid=$(cat "/tmp/e2e-bg-$_e2e_name.pid")
	kill -s "$_e2e_sig" "$_e2e_pid" 2>/dev/null || true
	_e2e_n=0
	while kill -0 "$_e2e_pid" 2>/dev/null; do
		_e2e_n=$((_e2e_n + 1))
		if [ "$_e2e_n" -gt $((_e2e_wait * 10)) ]; then
			e2e_log "$_e2e_name did not exit within $_e2e_wait s of SIG$_e2e_sig: SIGKILL"
			kill -s KILL "$_e2e_pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	_e2e_rc=0
	wait "$_e2e_pid" || _e2e_rc=$?
	rm -f "/tmp/e2e-bg-$_e2e_name.pid"
	e2e_log "stopped $_e2e_name (status $_e2e_rc)"
	return "$_e2e_rc"
}

# e2e_workload NAME [ARGS...]: run ltt-e2e-workload ARGS (cpu, fork, pipe
# and io phases for a fixed time: --seconds S, default 4), its JSON (per
# phase: seconds, operations, operations per second) going to
# $E2E_OUT/NAME.json and into result.json as "NAME". The console lines
# "workload NAME: start" and "workload NAME: {...}" let the host tell which
# host load the run saw (test/e2e/workload_rates.py).
e2e_workload() {
	_e2e_name=$1
	shift
	e2e_log "workload $_e2e_name: start: ltt-e2e-workload $*"
	ltt-e2e-workload "$@" >"$E2E_OUT/$_e2e_name.json"
	e2e_result_file "$_e2e_name" "$E2E_OUT/$_e2e_name.json"
	e2e_log "workload $_e2e_name: $(cat "$E2E_OUT/$_e2e_name.json")"
}

# Time limits. A slow host slows the emulated CPUs down; a scenario's waits
# are written for a quiet host and scaled by the speed factor measured at
# boot (E2E_SPEED), so that a slow host never fails a test and a hang still
# does.

# e2e_calibrate [JSON_FILE]: the speed factor now (ltt-e2e-workload
# --calibrate: a fixed spin on every vCPU, timed against a quiet host's
# time), at least 1 and at most E2E_MAX_SLOWDOWN (default 40); the
# calibration's JSON to JSON_FILE when given.
e2e_calibrate() {
	_e2e_f=1
	if command -v ltt-e2e-workload >/dev/null 2>&1 &&
		ltt-e2e-workload --calibrate >"/tmp/e2e-calibrate.$$.json" 2>/dev/null; then
		_e2e_f=$(sed -n 's/.*"factor": \([0-9.]*\).*/\1/p' "/tmp/e2e-calibrate.$$.json")
		[ -z "${1:-}" ] || cp "/tmp/e2e-calibrate.$$.json" "$1"
	fi
	awk -v f="${_e2e_f:-1}" -v max="${E2E_MAX_SLOWDOWN:-40}" \
		'BEGIN { if (f < 1) f = 1; if (f > max) f = max; printf "%.2f", f }'
}

# e2e_scaled SECONDS: SECONDS (a quiet host's figure) times E2E_SPEED,
# rounded up to whole seconds.
e2e_scaled() {
	awk -v s="$1" -v f="${E2E_SPEED:-1}" 'BEGIN { v = s * f; r = int(v); if (r < v) r++; print r }'
}

# e2e_wait_until SECONDS WHAT CMD...: run CMD every 0.1 s until it succeeds;
# fail the scenario when it has not after SECONDS (a quiet host's figure,
# times E2E_SPEED). WHAT says what was awaited.
e2e_wait_until() {
	_e2e_quiet=$1
	_e2e_limit=$(e2e_scaled "$1")
	_e2e_what=$2
	shift 2
	_e2e_n=0
	until "$@"; do
		_e2e_n=$((_e2e_n + 1))
		[ "$_e2e_n" -lt $((_e2e_limit * 10)) ] ||
			e2e_fail "$_e2e_what: not within $_e2e_limit s ($_e2e_quiet s x speed factor ${E2E_SPEED:-1})"
		sleep 0.1
	done
}

# lttd in dom0, for scenarios that record with it.

# e2e_lttd_start: lttd in the background (output in lttd.log) on its default
# socket, exported as LTT_SOCKET; returns once the socket is there.
e2e_lttd_start() {
	export LTT_SOCKET=/run/ltt-xen/lttd.sock
	e2e_bg_start lttd lttd --socket "$LTT_SOCKET"
	e2e_wait_until 10 "lttd's socket $LTT_SOCKET" _e2e_lttd_ready
}

# _e2e_lttd_ready: lttd's socket is there; fails the scenario if lttd exited.
_e2e_lttd_ready() {
	kill -0 "$(cat /tmp/e2e-bg-lttd.pid)" 2>/dev/null ||
		e2e_fail "lttd exited: $(cat "$E2E_OUT/lttd.log")"
	[ -S "$LTT_SOCKET" ]
}

# e2e_ltt_ctl ARGS...: ltt-ctl ARGS, its output on the console and in
# $E2E_OUT/ltt-ctl.log; a failure fails the scenario with lttd's answer.
e2e_ltt_ctl() {
	_e2e_rc=0
	ltt-ctl "$@" >/tmp/ltt-ctl.out 2>&1 || _e2e_rc=$?
	{
		echo "\$ ltt-ctl $*"
		cat /tmp/ltt-ctl.out
	} >>"$E2E_OUT/ltt-ctl.log"
	e2e_log "ltt-ctl $*: $(head -c 300 /tmp/ltt-ctl.out | tr '\n' ' ')"
	[ "$_e2e_rc" = 0 ] || e2e_fail "ltt-ctl $* failed (status $_e2e_rc): $(cat /tmp/ltt-ctl.out)"
}

# e2e_ltt_ctl_to FILE ARGS...: ltt-ctl ARGS with its output in FILE (a
# status's JSON, say), the command and its status in $E2E_OUT/ltt-ctl.log;
# a failure fails the scenario with lttd's answer.
e2e_ltt_ctl_to() {
	_e2e_file=$1
	shift
	_e2e_rc=0
	ltt-ctl "$@" >"$_e2e_file" 2>/tmp/ltt-ctl.err || _e2e_rc=$?
	echo "\$ ltt-ctl $* >${_e2e_file##*/} (status $_e2e_rc) $(cat /tmp/ltt-ctl.err)" >>"$E2E_OUT/ltt-ctl.log"
	[ "$_e2e_rc" = 0 ] || e2e_fail "ltt-ctl $* failed (status $_e2e_rc): $(cat /tmp/ltt-ctl.err)"
}
