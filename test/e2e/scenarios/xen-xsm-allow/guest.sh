# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers), under
# Flask enforcing Xen's default policy, then Xen's default policy + dom0
# map_write on domxen_t (see scenario.conf).
#
# What goes to $E2E_OUT (the host's e2e-out/xen-xsm-allow/guest/):
#   NAME.txt, NAME.status   each command's output and exit status
#   steps.txt               "PHASE NAME STATUS ERROR" per command
#   selftest.txt            ltt-xenctl selftest's output

phase=default

# run NAME CMD...: CMD's output to NAME.txt, its status to NAME.status, a
# line to steps.txt (the errno name ltt-xenctl printed, or xentrace's
# error text); returns CMD's status.
run() {
	_name=$1
	shift
	_rc=0
	"$@" >"$E2E_OUT/$_name.txt" 2>&1 || _rc=$?
	echo "$_rc" >"$E2E_OUT/$_name.status"
	_err=-
	if [ "$_rc" != 0 ]; then
		_err=$(sed -n 's/^[a-z]*\( [0-9]*\)\{0,1\}: \(E[A-Z0-9]*\)$/\2/p' "$E2E_OUT/$_name.txt" | head -n 1)
		[ -n "$_err" ] || _err=$(grep -m 1 -i 'fail\|error\|denied' "$E2E_OUT/$_name.txt" | tr ' ' _)
	fi
	echo "$phase $_name $_rc ${_err:-?}" >>"$E2E_OUT/steps.txt"
	e2e_log "[$phase] $* -> status $_rc: $(head -c 200 "$E2E_OUT/$_name.txt" | tr '\n' ' ')"
	return "$_rc"
}

# allowed NAME CMD...: CMD must succeed.
allowed() {
	run "$@" || e2e_fail "$2 failed (status $(cat "$E2E_OUT/$1.status")): $(cat "$E2E_OUT/$1.txt")"
}

# refused NAME CMD...: CMD must fail.
refused() {
	if run "$@"; then
		e2e_fail "$* succeeded under Xen's default policy"
	fi
}

: >"$E2E_OUT/steps.txt"

# 1. Xen's default policy.
# flask-getenforce exits with the mode (1 when enforcing): only its output counts.
run getenforce flask-getenforce || true
grep -qx Enforcing "$E2E_OUT/getenforce.txt" || e2e_fail "Flask is not enforcing: $(cat "$E2E_OUT/getenforce.txt")"
allowed xenpm-topology xenpm get-cpu-topology
allowed ltt-query ltt-xenctl query
allowed ltt-setup ltt-xenctl setup 4096 4
allowed ltt-query-setup ltt-xenctl query
grep -q '^state setup' "$E2E_OUT/ltt-query-setup.txt" || e2e_fail "query after setup: not 'state setup'"
allowed ltt-enable ltt-xenctl enable all
allowed ltt-start ltt-xenctl start
allowed ltt-stop ltt-xenctl stop
allowed ltt-flush ltt-xenctl flush
# Maps CPU 0's control (ro), consumer (rw) and data (ro) frames.
refused ltt-cpu-default ltt-xenctl cpu 0
allowed ltt-teardown ltt-xenctl teardown
# xentrace maps its buffers read-write too: it gets its buffers (tbuf_op
# is allowed) and fails to map them. Its exit status is only recorded.
run xentrace-default timeout "$(e2e_scaled 30)" xentrace -D -e all -S 32 /tmp/xentrace-default.bin || true

# 2. The same + dom0 map_write on domxen_t, loaded at run time.
phase=ltt
e2e_log "loading /etc/xen/xenpolicy-ltt"
allowed loadpolicy flask-loadpolicy /etc/xen/xenpolicy-ltt
e2e_log "policy ltt loaded"
allowed ltt-setup-ltt ltt-xenctl setup 4096 4
allowed ltt-cpu-ltt ltt-xenctl cpu 0
allowed ltt-teardown-ltt ltt-xenctl teardown

status=0
e2e_timed selftest sh -c 'ltt-xenctl selftest >/tmp/selftest.txt 2>&1' || status=$?
cp /tmp/selftest.txt "$E2E_OUT/selftest.txt"
echo "$status" >"$E2E_OUT/selftest.status"
e2e_log "selftest: $(grep -c ' ok$' /tmp/selftest.txt || true) ok, $(grep -c ' FAIL$' /tmp/selftest.txt || true) FAIL; $(tail -n 1 /tmp/selftest.txt)"
[ "$status" = 0 ] || e2e_fail "ltt-xenctl selftest exited with status $status"

# xentrace_started: xentrace has written its first records (or exited).
xentrace_started() {
	[ -s /tmp/xentrace.bin ] || ! kill -0 "$(cat /tmp/e2e-bg-xentrace-ltt.pid)" 2>/dev/null
}
e2e_bg_start xentrace-ltt xentrace -D -e all -S 32 /tmp/xentrace.bin
e2e_wait_until 10 "xentrace's first records in /tmp/xentrace.bin" xentrace_started
kill -0 "$(cat /tmp/e2e-bg-xentrace-ltt.pid)" || e2e_fail "xentrace exited early: $(cat "$E2E_OUT/xentrace-ltt.log")"
e2e_bg_stop xentrace-ltt INT
bytes=$(wc -c </tmp/xentrace.bin)
echo "$bytes" >"$E2E_OUT/xentrace.bytes"
e2e_log "xentrace: $bytes bytes"
[ "$bytes" -gt 0 ] || e2e_fail "xentrace wrote nothing"
allowed ltt-query-after ltt-xenctl query
