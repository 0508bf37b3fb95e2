#!/usr/bin/env bash
# SIGKILL while lttd writes large packets: what is on disk stays readable by
# babeltrace2 (no torn packet at the end of a stream: the crash guard cuts
# one back), every record there is a real one, once, in order.
. "$(dirname "$0")/lib.sh"
start_lttd
start_stress src --cpus 2 --rate 150000 --duration 3 --size-mix large \
    --subbuf-size 1M --subbufs 4
create_session s1 "$WORK/src" "$WORK/out" --flush-interval 50
ctl enable s1 stress >/dev/null
ctl start s1 >/dev/null
guard=$(guardian_pid)
[ "$guard" -gt 0 ] || fail "no crash guard"
wait_until 20 sh -c "[ \$(cat \"$WORK\"/out/ust/*/cpu_0 | wc -c) -gt 8000000 ]" ||
    fail "lttd wrote too little"
kill -KILL "$LTTD_PID"
wait "$LTTD_PID" 2>/dev/null || true
wait_until 20 process_gone "$guard" || fail "the crash guard did not finish"
wait_stress src
check_trace "$WORK/out" "$WORK/src.json" --mode subset --cpus 0,1
pass
