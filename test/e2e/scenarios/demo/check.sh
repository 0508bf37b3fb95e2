#!/usr/bin/env bash
# Host-side check of the demo scenario (run by test/e2e/run.sh from the
# repository root with E2E_SHARE and E2E_RESULT_DIR set):
# - both traces (the recording, the snapshot) are read by babeltrace2 and
#   checked by test/e2e/ltt_trace_check.py: packets, timestamps, fields,
#   and loss counts against Xen's (ltt-ctl status --json);
# - the recording holds sched, runstate, irq, evtchn, hypercall and domain
#   (statedump) events from both physical CPUs, the statedump names dom0;
# - the snapshot holds sched, runstate and hypercall events of both CPUs;
# - ltt-view reads the recording: as many events as babeltrace2 decoded,
#   the same losses, no time-base audit violation; `ltt-view report` writes
#   the HTML report (report.html) and prints the answers (ltt-view.txt);
# - test/e2e/demo_report.sh prints the demo's report from all this
#   (report.txt), so that `make e2e` fails when `make demo` would.
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}
command -v babeltrace2 >/dev/null || fail "babeltrace2 is not installed (make deps)"

failed=0
# check_ltt NAME ARGS...: ltt_trace_check.py on $share/NAME, JSON to $res/NAME.json.
check_ltt() {
	local name=$1
	shift
	echo "check: $name"
	if ! python3 test/e2e/ltt_trace_check.py "$share/$name" --json "$res/$name.json" "$@" |
		sed 's/^/check:   /'; then
		echo "check: FAIL: $name (problems above)"
		failed=1
	fi
}
check_ltt trace --status "$share/trace.status.json"
check_ltt snapshot --snapshot --status "$share/snapshot.status.json" --domains-from "$res/trace.json"
[ "$failed" = 0 ] || fail "ltt_trace_check.py found problems (see above)"

python3 - "$res" <<'PY'
import json, os, sys
res = sys.argv[1]
problems = []
for name, want in (("trace", ("sched", "runstate", "irq", "evtchn", "hypercall", "domain")),
                   ("snapshot", ("sched", "runstate", "hypercall"))):
    t = json.load(open(os.path.join(res, name + ".json")))["trace"]
    missing = [f for f in want if not t["by_facility"].get(f)]
    if missing:
        problems.append("%s: no %s events" % (name, ", ".join(missing)))
    if len(t["streams"]) != 2 or any(not s["events"] for s in t["streams"].values()):
        problems.append("%s: events per CPU %s, expected 2 CPUs with events"
                        % (name, {c: s["events"] for c, s in t["streams"].items()}))
    if name == "trace" and "0" not in t["statedump"]["domains"]:
        problems.append("trace: the statedump does not name dom0: %s" % t["statedump"])
for p in problems:
    print("check: FAIL: " + p)
sys.exit(1 if problems else 0)
PY

# ltt-view against babeltrace2's view of the same trace (ltt_trace_check.py).
view=build/viewer/ltt-view
[ -x "$view" ] || fail "$view is not built (make tools)"
"$view" summary --json "$share/trace" >"$res/ltt-view-summary.json" 2>"$res/ltt-view.err" ||
	fail "ltt-view summary failed: $(cat "$res/ltt-view.err")"
python3 - "$res" <<'PY' || fail "ltt-view disagrees with babeltrace2 (above)"
import json, os, sys
res = sys.argv[1]
bt = json.load(open(os.path.join(res, "trace.json")))
view = json.load(open(os.path.join(res, "ltt-view-summary.json")))
problems = []
# Per source, ltt-view counts trace events (its loss records apart).
bt_events = bt["babeltrace2"]["events"]
rows = {t["name"]: t["rows"] for r in view["results"] for t in r["tables"]}
view_events = sum(r["events"] for r in rows.get("sources", []))
lost_view = sum(r.get("lost_events", 0) for r in rows.get("sources", []))
lost_bt = sum(s.get("events_discarded", 0) for s in bt["trace"]["streams"].values())
if view_events != bt_events:
    problems.append("ltt-view read %d events, babeltrace2 %d" % (view_events, bt_events))
if lost_view != lost_bt:
    problems.append("ltt-view counts %d lost events, babeltrace2 %d" % (lost_view, lost_bt))
for r in view["results"]:
    for t in r["tables"] if r["analysis"] == "audit" else []:
        for row in t["rows"]:
            if row.get("verdict") == "VIOLATION":
                problems.append("audit: %s: %s (%s)" % (row["check"], row["count"], row["detail"]))
for p in problems:
    print("check: FAIL: " + p)
print("check: ltt-view: %d events, %d lost, as babeltrace2; audit clean" % (bt_events, lost_view)
      if not problems else "check: ltt-view: %d problems" % len(problems))
sys.exit(1 if problems else 0)
PY
"$view" report "$share/trace" -o "$res/report.html" >"$res/ltt-view.txt" 2>>"$res/ltt-view.err" ||
	fail "ltt-view report failed: $(cat "$res/ltt-view.err")"
[ -s "$res/report.html" ] || fail "ltt-view report wrote no report.html"

test/e2e/demo_report.sh "$res" >"$res/report.txt" || fail "demo_report.sh failed"
echo "check: report.txt: $(wc -l <"$res/report.txt") lines"
echo "check: PASS"
