# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
# ltt-xenctl query, then its selftest; the output goes to the share only
# (not the console, where the host looks for Xen's own warnings).
ltt-xenctl query >"$E2E_OUT/query.txt" 2>&1 ||
	e2e_fail "ltt-xenctl query: $(cat "$E2E_OUT/query.txt")"
e2e_log "query: $(head -n 1 "$E2E_OUT/query.txt")"

status=0
e2e_timed selftest sh -c 'ltt-xenctl selftest >/tmp/selftest.txt 2>&1' || status=$?
cp /tmp/selftest.txt "$E2E_OUT/selftest.txt"
e2e_result selftest_status "$status"
e2e_log "selftest: $(grep -c ' ok$' /tmp/selftest.txt || true) ok, $(grep -c ' FAIL$' /tmp/selftest.txt || true) FAIL; $(tail -n 1 /tmp/selftest.txt)"
if [ "$status" != 0 ]; then
	grep -B1 -A1 ' FAIL$' /tmp/selftest.txt || true
	e2e_fail "ltt-xenctl selftest exited with status $status"
fi

# Xen must still answer, with nothing left set up.
ltt-xenctl query >"$E2E_OUT/query-after.txt" 2>&1 ||
	e2e_fail "ltt-xenctl query after the selftest: $(cat "$E2E_OUT/query-after.txt")"
e2e_log "query after: $(head -n 1 "$E2E_OUT/query-after.txt")"
