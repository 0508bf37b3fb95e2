#!/usr/bin/env bash
# Overwrite (flight recorder) mode: nothing reaches the disk until a
# snapshot; each snapshot is a complete trace babeltrace2 reads, holding the
# most recent records of every CPU (consecutive, ending with the last one
# produced); the second one only records newer than the first; recording
# goes on in between.
. "$(dirname "$0")/lib.sh"
start_lttd
count=20000
start_stress src --cpus 2 --mode overwrite --count $count --batches 2 --size-mix small \
    --subbuf-size 4k --subbufs 4
create_session s1 "$WORK/src" "$WORK/out" --mode overwrite
ctl enable s1 stress >/dev/null
ctl start s1 >/dev/null
wait_until 30 grep -q '"batch":1' "$WORK/src.json" || fail "batch 1 not written"
files=$(find "$WORK/out" -type f | wc -l)
[ "$files" = 0 ] || fail "overwrite mode wrote $files files before any snapshot"
ctl snapshot s1 >"$WORK/snap1.txt" || fail "snapshot 1"
snap1=$(sed -n 's/.* written to \(.*\) (.*/\1/p' "$WORK/snap1.txt")
[ -d "$snap1" ] || fail "snapshot 1 directory missing: $(cat "$WORK/snap1.txt")"
kill -USR1 "$(stress_pid src)"
wait_stress src
ctl snapshot s1 --output "$WORK/snap2" >/dev/null || fail "snapshot 2"
check_trace "$snap1" "$WORK/src.json" --batch 1 --mode snapshot --last $((count - 1)) --min 1 \
    --cpus 0,1 --index
check_trace "$WORK/snap2" "$WORK/src.json" --batch 2 --mode snapshot --last $((2 * count - 1)) \
    --min $count --cpus 0,1 --index
ctl status s1 | grep -q "snapshot: $WORK/snap2" || fail "status does not list the snapshots"
[ "$(ctl status s1 --json | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["state"])')" = active ] ||
    fail "the session stopped recording"
pass
