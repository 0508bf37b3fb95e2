#!/usr/bin/env bash
# Two sessions at once, on two producers, into two outputs: each trace is
# exactly its producer's records; a second session on a source or an
# output already in use is refused; destroying one leaves the other alone.
. "$(dirname "$0")/lib.sh"
start_lttd
start_stress a --cpus 2 --rate 15000 --duration 1.2 --subbuf-size 16k --subbufs 8
start_stress b --cpus 1 --rate 10000 --duration 1.2 --subbuf-size 16k --subbufs 16 --size-mix large
create_session sa "$WORK/a" "$WORK/out-a" --flush-interval 100
create_session sb "$WORK/b" "$WORK/out-b" --flush-interval 150
expect_error "already consumed by another session" ctl create sc --output "$WORK/out-c" \
    --source "$WORK/a" --facilities "$STRESS_CTF"
expect_error "is used by session \`sa\`" ctl create sd --output "$WORK/out-a" \
    --source "$WORK/b" --facilities "$STRESS_CTF"
expect_error "exists already" ctl create sa --output "$WORK/out-e" --source "$WORK/b" \
    --facilities "$STRESS_CTF"
ctl enable sa stress >/dev/null
ctl enable sb stress_large stress:stress_small >/dev/null
ctl start sa >/dev/null
ctl start sb >/dev/null
# Status of both while they record, from two clients at once.
clients=()
for i in 1 2 3 4 5; do
    ctl status sa >/dev/null &
    clients+=($!)
    ctl status sb --json >/dev/null &
    clients+=($!)
done
for p in "${clients[@]}"; do
    wait "$p" || fail "a concurrent status failed"
done
wait_stress a
wait_stress b
ctl stop sa >/dev/null
ctl list | grep -q "sb: active" || fail "stopping sa stopped sb"
ctl stop sb >/dev/null
ctl destroy sa >/dev/null
ctl status sb >/dev/null || fail "destroying sa broke sb"
check_trace "$WORK/out-a" "$WORK/a.json" --no-loss --cpus 0,1 --index
check_trace "$WORK/out-b" "$WORK/b.json" --no-loss --cpus 0 --index
pass
