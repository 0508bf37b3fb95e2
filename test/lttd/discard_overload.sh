#!/usr/bin/env bash
# Discard mode above what the buffers can absorb (no rate limit, 4 x 4 KiB
# sub-buffers per CPU): records are lost, and babeltrace2's discarded-events
# reports add up exactly to the losses ltt-stress counted, per CPU; every
# record not lost is there once, in order.
. "$(dirname "$0")/lib.sh"
start_lttd
start_stress src --cpus 2 --rate 0 --count 300000 --size-mix mixed \
    --subbuf-size 4k --subbufs 4
create_session s1 "$WORK/src" "$WORK/out"
ctl enable s1 '*' >/dev/null
ctl start s1 >/dev/null
wait_stress src
ctl stop s1 >/dev/null
check_trace "$WORK/out" "$WORK/src.json" --require-losses --cpus 0,1 --index
pass
