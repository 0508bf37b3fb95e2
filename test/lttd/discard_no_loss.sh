#!/usr/bin/env bash
# Discard mode at a moderate rate: babeltrace2 reads exactly the records
# ltt-stress produced, each once and in order, and reports no loss;
# index.json agrees; status shows per-CPU counters while recording.
. "$(dirname "$0")/lib.sh"
start_lttd
start_stress src --cpus 2 --rate 20000 --duration 1 --size-mix mixed \
    --subbuf-size 16k --subbufs 8
create_session s1 "$WORK/src" "$WORK/out" --flush-interval 200
ctl enable s1 stress >/dev/null
ctl start s1 >/dev/null
sleep 0.3
ctl status s1 --json >"$WORK/status.json"
"$PYTHON3" - "$WORK/status.json" <<'PY' || fail "status while recording"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["state"] == "active", s["state"]
assert len(s["cpus"]) == 2
for c in s["cpus"]:
    for key in ("fill_percent", "produced", "records", "lost", "lost_total", "bytes_written"):
        assert key in c, key
    assert set(c["lost"]) == {"full", "overwritten", "busy", "nested", "too_big"}
assert sum(c["records"] for c in s["cpus"]) > 0
PY
ctl status s1 | grep -q "fill" || fail "human status"
wait_stress src
ctl stop s1 >/dev/null
# After stop, status counts what the producer counted.
ctl status s1 --json >"$WORK/status.json"
"$PYTHON3" - "$WORK/status.json" "$WORK/src.json" <<'PY' || fail "status after stop"
import json, sys
s = json.load(open(sys.argv[1]))["totals"]
p = json.loads(open(sys.argv[2]).read().splitlines()[-1])["totals"]
assert s["produced"] == p["produced"], (s, p)
assert s["records_written"] == p["produced"] and s["lost"] == 0, (s, p)
PY
check_trace "$WORK/out" "$WORK/src.json" --no-loss --cpus 0,1 --index
ctl destroy s1 >/dev/null
expect_alive
pass
