# shellcheck shell=bash
# lttng-session.sh - a private LTTng session daemon for tests and benchmarks.
# Source it from bash:
#
#   . test/genevent-ust/lttng-session.sh
#   trap ltt_lttng_stop EXIT            # always: stops the daemons it started
#   ltt_lttng_start                     # private lttng-sessiond (no kernel tracing)
#   ltt_lttng create s1 --output="$LTT_LTTNG_HOME/trace"
#   ltt_lttng enable-event -u 'example:*'
#   ltt_lttng start
#   ltt_lttng_app ./traced-program args...
#   ltt_lttng stop; ltt_lttng destroy
#   ltt_lttng_stop
#
# or, for a flight-recorder comparison (lttng create --snapshot):
#   ltt_lttng_create_snapshot_session s2 "$LTT_LTTNG_HOME/snap"
#   ... ltt_lttng snapshot record -s s2
#
# Privacy: the daemon, the lttng client and the traced programs all use
# LTTNG_HOME=$LTT_LTTNG_HOME (a fresh short directory: its Unix sockets must
# fit 108 bytes), so nothing touches another session daemon. As root, lttng
# always talks to the system-wide daemon in /var/run/lttng; so when run as
# root, everything here runs as an unprivileged user instead ($LTT_LTTNG_USER,
# default nobody), which gives it a per-user daemon under LTTNG_HOME.
# Programs that are not run through ltt_lttng_app are not traced by it.
#
# Everything is bounded in time ($LTT_LTTNG_TIMEOUT seconds per command,
# default 60) and ltt_lttng_stop kills only the processes started here, by
# PID.

LTT_LTTNG_TIMEOUT=${LTT_LTTNG_TIMEOUT:-60}
LTT_LTTNG_USER=${LTT_LTTNG_USER:-nobody}
LTT_LTTNG_HOME=
LTT_LTTNG_SESSIOND_PID=
_ltt_lttng_as=()

_ltt_lttng_log() { echo "lttng-session: $*" >&2; }

# Runs a command as the tracing user with the private LTTNG_HOME.
_ltt_lttng_exec() {
	"${_ltt_lttng_as[@]}" env LTTNG_HOME="$LTT_LTTNG_HOME" HOME="$LTT_LTTNG_HOME" \
		LTTNG_UST_REGISTER_TIMEOUT="${LTTNG_UST_REGISTER_TIMEOUT:-30000}" "$@"
}

# ltt_lttng_start: starts the private session daemon and waits until it
# answers. Sets LTT_LTTNG_HOME (owned by the tracing user) and
# LTT_LTTNG_SESSIOND_PID. Returns non-zero, with the daemon's log, on failure.
ltt_lttng_start() {
	local tmp=${TMPDIR:-/tmp} uid gid i
	if ! command -v lttng-sessiond >/dev/null || ! command -v lttng >/dev/null; then
		_ltt_lttng_log "lttng-sessiond/lttng not found (install lttng-tools)"
		return 1
	fi
	LTT_LTTNG_HOME=$(mktemp -d "$tmp/ltt-lttng.XXXXXX") || return 1
	if [ ${#LTT_LTTNG_HOME} -gt 60 ]; then
		_ltt_lttng_log "$LTT_LTTNG_HOME: too long for LTTng's Unix sockets; set TMPDIR shorter"
		return 1
	fi
	mkdir -p "$LTT_LTTNG_HOME/no-auto-load"
	_ltt_lttng_as=()
	if [ "$(id -u)" = 0 ]; then
		if ! uid=$(id -u "$LTT_LTTNG_USER") || ! gid=$(id -g "$LTT_LTTNG_USER"); then
			_ltt_lttng_log "no user $LTT_LTTNG_USER to run LTTng as (set LTT_LTTNG_USER)"
			return 1
		fi
		chown -R "$uid:$gid" "$LTT_LTTNG_HOME"
		_ltt_lttng_as=(setpriv --reuid="$uid" --regid="$gid" --clear-groups)
	fi
	# Not through _ltt_lttng_exec: a backgrounded function would be a subshell,
	# and $! must be the daemon itself (setpriv and env exec it).
	"${_ltt_lttng_as[@]}" env LTTNG_HOME="$LTT_LTTNG_HOME" HOME="$LTT_LTTNG_HOME" \
		lttng-sessiond --no-kernel --load="$LTT_LTTNG_HOME/no-auto-load" \
		</dev/null >"$LTT_LTTNG_HOME/sessiond.log" 2>&1 &
	LTT_LTTNG_SESSIOND_PID=$!
	for ((i = 0; i < LTT_LTTNG_TIMEOUT * 10; i++)); do
		if ! kill -0 "$LTT_LTTNG_SESSIOND_PID" 2>/dev/null; then
			_ltt_lttng_log "lttng-sessiond exited at start:"
			cat "$LTT_LTTNG_HOME/sessiond.log" >&2
			LTT_LTTNG_SESSIOND_PID=
			return 1
		fi
		if _ltt_lttng_exec timeout 5 lttng --quiet list >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	_ltt_lttng_log "lttng-sessiond did not answer within ${LTT_LTTNG_TIMEOUT}s:"
	cat "$LTT_LTTNG_HOME/sessiond.log" >&2
	return 1
}

# ltt_lttng ARGS...: the lttng client against the private daemon.
ltt_lttng() {
	_ltt_lttng_exec timeout "$LTT_LTTNG_TIMEOUT" lttng "$@"
}

# ltt_lttng_app PROGRAM ARGS...: runs a program the private daemon traces.
# lttng-ust waits up to LTTNG_UST_REGISTER_TIMEOUT ms (default here: 30 s)
# for the daemon before main(), so the first events are not missed. As root
# the program runs as the tracing user and must be readable by it.
ltt_lttng_app() {
	_ltt_lttng_exec timeout "$LTT_LTTNG_TIMEOUT" "$@"
}

# ltt_lttng_create_snapshot_session NAME OUTPUT_DIR [lttng create options...]:
# a flight-recorder session (channels in overwrite mode) whose snapshots
# (`ltt_lttng snapshot record -s NAME`) go to OUTPUT_DIR.
ltt_lttng_create_snapshot_session() {
	local name=$1 out=$2
	shift 2
	ltt_lttng create "$name" --snapshot --output="$out" "$@"
}

# ltt_lttng_stop: stops the daemon (and its consumer daemons) started by
# ltt_lttng_start and removes LTT_LTTNG_HOME. Safe to call twice, from traps.
ltt_lttng_stop() {
	local pid=$LTT_LTTNG_SESSIOND_PID i
	local -a children=()
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		# On SIGTERM the daemon stops its consumer daemons itself.
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			_ltt_lttng_log "lttng-sessiond $pid ignored SIGTERM for 10 s; killing it"
			# its consumer daemons are its children
			read -r -a children <<<"$(pgrep -P "$pid" 2>/dev/null | tr '\n' ' ')"
			kill -KILL "$pid" "${children[@]}" 2>/dev/null || true
		fi
		wait "$pid" 2>/dev/null || true
	fi
	LTT_LTTNG_SESSIOND_PID=
	if [ -n "$LTT_LTTNG_HOME" ] && [ -d "$LTT_LTTNG_HOME" ]; then
		rm -rf "$LTT_LTTNG_HOME"
	fi
	LTT_LTTNG_HOME=
	return 0
}
