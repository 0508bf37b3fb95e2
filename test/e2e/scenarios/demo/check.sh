#!/usr/bin/env bash
# Host-side check of the demo scenario (run by test/e2e/run.sh from the
# repository root with E2E_SHARE and E2E_RESULT_DIR set):
# - both traces (the recording, the snapshot) are read by babeltrace2 and
#   checked by test/e2e/ltt_trace_check.py: packets, timestamps, fields,
#   and loss counts against Xen's (ltt-ctl status --json);
# - the recording holds sched, runstate, irq, evtchn, hypercall and domain
#   (statedump) events from both physical CPUs, the statedump names dom0;
#   dom0's kernel part is read by babeltrace2 and ltt-view alike, and
#   irq-latency follows interrupts from Xen to dom0's handlers: at least
#   99% of the physical ones, with the counts and percentiles an
#   independent script over babeltrace2's output finds (irq_chains.py);
# - the snapshot holds sched, runstate and hypercall events of both CPUs;
# - ltt_trace_check.py also has ltt-view read both: as many events as
#   babeltrace2 decoded, the same losses, no time-base audit violation;
# - `ltt-view report` writes the HTML report (report.html) and prints the
#   answers (ltt-view.txt);
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
# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh
check_ltt trace --part hypervisor --status "$share/trace.status.json"
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

# ltt_trace_check.py compared ltt-view's reading with babeltrace2's
# (events, losses, no audit violation); the report for the demo's answers.
view=build/viewer/ltt-view
[ -x "$view" ] || fail "$view is not built (make tools)"
"$view" report "$share/trace" -o "$res/report.html" >"$res/ltt-view.txt" 2>"$res/ltt-view.err" ||
	fail "ltt-view report failed: $(cat "$res/ltt-view.err")"
"$view" irq-latency --json "$share/trace" >"$res/irq-latency.json" 2>>"$res/ltt-view.err" ||
	fail "ltt-view irq-latency failed: $(cat "$res/ltt-view.err")"
python3 - "$res/irq-latency.json" <<'PY' || fail "irq-latency followed no interrupt into dom0"
import json, sys
doc = json.load(open(sys.argv[1]))
rows = [r for res in doc["results"] if res["analysis"] == "irq_latency" for t in res["tables"]
        if t["name"] == "by_irq" for r in t["rows"]]
chains = sum(r["chains"] for r in rows)
print("check: irq-latency: %d chains from Xen to dom0's handlers, %d interrupts" % (chains, len(rows)))
sys.exit(0 if chains > 0 else 1)
PY
# Physical interrupts to dom0 followed from babeltrace2's output alone
# (irq_chains.py): at least 99% reach their handler, and ltt-view's counts,
# p50 and max per IRQ equal the script's.
python3 test/e2e/irq_chains.py --ltt-view "$view" --json-out "$res/irq-chains.json" \
	"$share/trace" | sed 's/^/check: irq-chains: /' ||
	fail "irq_chains.py: ltt-view's irq-latency disagrees with babeltrace2's events (above)"
[ -s "$res/report.html" ] || fail "ltt-view report wrote no report.html"
"$view" export --format perfetto "$share/trace" -o "$res/perfetto.json" >/dev/null 2>>"$res/ltt-view.err" ||
	fail "ltt-view export failed: $(cat "$res/ltt-view.err")"

test/e2e/demo_report.sh "$res" >"$res/report.txt" || fail "demo_report.sh failed"
echo "check: report.txt: $(wc -l <"$res/report.txt") lines"
echo "check: PASS"
