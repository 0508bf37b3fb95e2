#!/usr/bin/env bash
# A CPU coming online mid-session: its buffer file appears while lttd
# records (inotify), and its records are in the trace like the others'.
. "$(dirname "$0")/lib.sh"
start_lttd
start_stress src --cpus 2 --rate 10000 --duration 1.2 --add-cpu-after 0.4 \
    --subbuf-size 16k --subbufs 8
create_session s1 "$WORK/src" "$WORK/out" --flush-interval 100
ctl enable s1 stress >/dev/null
ctl start s1 >/dev/null
wait_until 10 test -e "$WORK/src/cpu2.ltt" || fail "ltt-stress did not add cpu 2"
wait_until 10 sh -c "\"$LTT_CTL\" status s1 --json | grep -q '\"cpu\": 2'" ||
    fail "lttd did not pick up cpu 2"
wait_stress src
ctl stop s1 >/dev/null
check_trace "$WORK/out" "$WORK/src.json" --no-loss --cpus 0,1,2 --index
test -s "$WORK/out/ust/ltt-stress-$(stress_pid src)/cpu_2" || fail "no stream file for cpu 2"
pass
