# shellcheck shell=sh
# The dom0 watchdog of guest.sh, started by /init (test/e2e/guest/init.in)
# in a session of its own:
#
#   sh /e2e/watchdog.sh GUEST_PID LIMIT SPEED
#
# LIMIT is guest.sh's time limit on a quiet host (the scenario's
# GUEST_TIMEOUT), SPEED the speed factor /init measured; guest.sh may run
# LIMIT x SPEED seconds. When that is over, the watchdog measures the speed
# again: if the host got slower since (by more than a quarter), the limit
# grows with the new factor (up to E2E_MAX_SLOWDOWN, see e2e_calibrate) and
# the new factor goes to the console, where the host's boot.sh reads it and
# moves its own limit; otherwise guest.sh and everything it started (its
# process group) are killed. A hang therefore still fails, after at most
# LIMIT x E2E_MAX_SLOWDOWN seconds.
#
# Every HEARTBEAT seconds (E2E_HEARTBEAT_S, default 15) it prints a line on
# the console: the host's boot.sh takes a console silent for much longer
# as a hung Xen or dom0. When it kills guest.sh, it creates E2E_TIMED_OUT
# (default /tmp/e2e-timed-out) for /init. E2E_LIB (default /e2e/lib.sh) is
# where guest/lib.sh is (test/e2e-host/watchdog_test.sh runs it on the host).
# shellcheck source=/dev/null
. "${E2E_LIB:-/e2e/lib.sh}"

guest_pid=$1
limit=$2
speed=$3
export E2E_SPEED="$speed" # e2e_scaled reads it
heartbeat=${E2E_HEARTBEAT_S:-15}

# deadline: guest.sh's start + LIMIT x speed, in dom0 uptime seconds.
start=$(e2e_uptime)
deadline() {
	awk -v t="$start" -v l="$limit" -v f="$speed" 'BEGIN { printf "%.2f", t + l * f }'
}
end=$(deadline)
while :; do
	now=$(e2e_uptime)
	left=$(awk -v a="$now" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
	if awk -v l="$left" 'BEGIN { exit !(l <= 0) }'; then
		new=$(e2e_calibrate)
		if awk -v n="$new" -v f="$speed" 'BEGIN { exit !(n > f * 1.25) }'; then
			speed=$new
			export E2E_SPEED="$speed"
			end=$(deadline)
			echo "ltt-e2e: speed factor $speed (the host got slower): guest.sh's limit is now $(e2e_scaled "$limit") s"
			continue
		fi
		touch "${E2E_TIMED_OUT:-/tmp/e2e-timed-out}"
		echo "ltt-e2e: guest.sh overran its time limit of $limit s x speed factor $speed (measured again: $new): killing it"
		kill -TERM "-$guest_pid" 2>/dev/null
		sleep 5
		kill -KILL "-$guest_pid" 2>/dev/null
		exit 0
	fi
	# Sleep until the next heartbeat or the deadline, whichever comes first.
	nap=$(awk -v l="$left" -v h="$heartbeat" 'BEGIN { print (l < h ? l : h) }')
	sleep "$nap"
	echo "ltt-e2e: heartbeat, dom0 uptime $(e2e_uptime) s"
done
