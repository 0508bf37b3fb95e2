#!/usr/bin/env bash
# Runs ltt-ring-stress with --out, then reads the trace with babeltrace2:
# it must show exactly the records the stress test read, and the
# discarded-events warnings babeltrace2 prints must add up to the losses
# the packets report (the counted losses, when the first packet carries 0).
# usage: check_babeltrace.sh STRESS BABELTRACE2 WORKDIR MODE
set -euo pipefail
stress=$1 bt=$2 work=$3 mode=$4
rm -rf "$work"
mkdir -p "$work"
timeout 120 "$stress" --mode "$mode" --seconds 0.5 --reader-pause-us 1000 \
	--out "$work/trace" --json "$work/summary.json" >/dev/null
timeout 300 "$bt" "$work/trace" >"$work/events.txt" 2>"$work/bt-stderr.txt" || {
	echo "babeltrace2 failed:"; head -20 "$work/bt-stderr.txt"; exit 1; }
python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
s = json.load(open(f"{work}/summary.json"))
events = sum(1 for _ in open(f"{work}/events.txt"))
stderr = open(f"{work}/bt-stderr.txt").read()
reported = sum(int(n) for n in re.findall(r"[Tt]racer discarded (\d+) events?", stderr))
expected_reported = sum(c["last_packet_discarded"] - c["first_packet_discarded"] for c in s["per_cpu"])
first = sum(c["first_packet_discarded"] for c in s["per_cpu"])
other = [l for l in stderr.splitlines() if l.strip() and "discarded" not in l
         and not l.startswith(" ") and "WARNING" in l]
print(f"mode {s['mode']}: produced {s['produced']} read {s['read']} lost {s['lost']}; "
      f"babeltrace2 events {events}, discarded reported {reported} "
      f"(packets say {expected_reported}, lost before the first packet read {first})")
ok = True
if events != s["read"]:
    print(f"FAIL: babeltrace2 shows {events} events, the stress test read {s['read']}"); ok = False
if reported != expected_reported:
    print(f"FAIL: babeltrace2 reported {reported} discarded, packets say {expected_reported}"); ok = False
if reported + first != s["lost"]:
    print(f"FAIL: reported {reported} + before first packet {first} != lost {s['lost']}"); ok = False
if s["mode"] == "discard" and first != 0:
    print("FAIL: discard mode lost records before its first packet closed"); ok = False
if other:
    print("FAIL: babeltrace2 warned:", *other[:5], sep="\n  "); ok = False
if not s["ok"]:
    print("FAIL: the stress test's own checks failed"); ok = False
sys.exit(0 if ok else 1)
PY
