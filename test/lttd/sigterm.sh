#!/usr/bin/env bash
# SIGTERM: lttd closes every CPU's partly filled sub-buffer, drains, closes
# every stream and writes index.json before exiting 0 - every committed
# record is in the trace. The periodic flush is an hour away, so nothing
# but the shutdown can have written the last packets.
. "$(dirname "$0")/lib.sh"
start_lttd
start_stress src --cpus 2 --rate 100000 --count 20000 --size-mix mixed \
    --subbuf-size 64k --subbufs 16
create_session s1 "$WORK/src" "$WORK/out" --flush-interval 3600000
ctl enable s1 stress >/dev/null
ctl start s1 >/dev/null
wait_stress src
kill -TERM "$LTTD_PID"
status=0
wait "$LTTD_PID" || status=$?
[ "$status" = 0 ] || fail "lttd exited $status after SIGTERM"
grep -q "exiting" "$WORK/lttd.log" || fail "no clean exit in the log"
test -s "$WORK/out/index.json" || fail "no index.json"
check_trace "$WORK/out" "$WORK/src.json" --no-loss --cpus 0,1 --index
pass
