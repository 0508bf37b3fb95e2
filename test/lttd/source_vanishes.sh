#!/usr/bin/env bash
# The source directory is removed while a session records: every buffer is
# drained to its end first (all committed records reach the trace), the
# session stops with the reason in status, lttd goes on.
. "$(dirname "$0")/lib.sh"
start_lttd
start_stress src --cpus 2 --rate 50000 --count 20000 --subbuf-size 16k --subbufs 16
create_session s1 "$WORK/src" "$WORK/out" --flush-interval 3600000
ctl enable s1 stress >/dev/null
ctl start s1 >/dev/null
wait_stress src
rm -rf "$WORK/src"
wait_until 10 sh -c "\"$LTT_CTL\" status s1 | grep -q 'source directory was removed'" ||
    fail "status does not report the vanished source"
ctl status s1 --json | grep -q '"state": "stopped"' || fail "the session did not stop"
expect_error "not active" ctl stop s1
check_trace "$WORK/out" "$WORK/src.json" --no-loss --cpus 0,1
ctl destroy s1 >/dev/null
expect_alive
pass
