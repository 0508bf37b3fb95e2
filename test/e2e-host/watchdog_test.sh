#!/bin/sh
# test/e2e/guest/watchdog.sh on the host, with a stand-in for
# `ltt-e2e-workload --calibrate` that reports the factors 3.0, then 3.2:
# guest.sh (here a `sleep` in a process group of its own) has a limit of
# 1 s x speed factor 1. At 1 s the watchdog measures 3.0 (more than 1.25 x
# 1): it extends the limit to 3 s and says so; at 3 s it measures 3.2 (not
# more than 1.25 x 3): it kills the process group and creates the
# timed-out marker. Heartbeats every second in between.
#
#   watchdog_test.sh REPO_ROOT
set -eu
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "FAIL: $*"
	echo "---- watchdog output:"
	cat "$tmp/out" 2>/dev/null || true
	exit 1
}

mkdir "$tmp/bin"
cat >"$tmp/bin/ltt-e2e-workload" <<FAKE
#!/bin/sh
n=\$(cat "$tmp/count" 2>/dev/null || echo 0)
n=\$((n + 1))
echo "\$n" >"$tmp/count"
if [ "\$n" = 1 ]; then f=3.0; else f=3.2; fi
echo "{\"calibration_s\": 1.0, \"factor\": \$f}"
FAKE
chmod +x "$tmp/bin/ltt-e2e-workload"

setsid sleep 1000 &
guest=$!
start=$(date +%s)
PATH=$tmp/bin:$PATH E2E_LIB=$root/test/e2e/guest/lib.sh E2E_TIMED_OUT=$tmp/timed-out \
	E2E_HEARTBEAT_S=1 timeout 60 sh "$root/test/e2e/guest/watchdog.sh" "$guest" 1 1 >"$tmp/out" 2>&1 ||
	fail "watchdog.sh exited with $? (124: still running after 60 s)"
took=$(($(date +%s) - start))

grep -q '^ltt-e2e: speed factor 3.00 (the host got slower): guest.sh.s limit is now 3 s$' "$tmp/out" ||
	fail "no 'speed factor 3.00 (the host got slower)' line"
grep -q '^ltt-e2e: guest.sh overran its time limit of 1 s x speed factor 3.00 (measured again: 3.20): killing it$' \
	"$tmp/out" || fail "no 'overran its time limit ... 3.00 (measured again: 3.20)' line"
[ "$(cat "$tmp/count")" = 2 ] || fail "calibrated $(cat "$tmp/count") times, expected 2"
[ "$(grep -c '^ltt-e2e: heartbeat' "$tmp/out")" -ge 2 ] || fail "fewer than 2 heartbeats"
[ -f "$tmp/timed-out" ] || fail "no timed-out marker"
if kill -0 "$guest" 2>/dev/null; then
	kill -KILL "-$guest"
	fail "the guest's process group is still there"
fi
[ "$took" -ge 3 ] || fail "killed after $took s, before the extended limit of 3 s"
echo "watchdog: extended the limit once, killed after $took s"
cat "$tmp/out"
