#!/usr/bin/env bash
# Host-side check of the xentrace-stock scenario (run by test/e2e/run.sh from
# the repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_XEN_MHZ set).
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
mhz=$E2E_XEN_MHZ
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}

trace=$share/xentrace.bin
[ -s "$trace" ] || fail "$trace missing or empty"
bytes=$(stat -c %s "$trace")
[ "$bytes" -ge 100000 ] || fail "$trace: only $bytes bytes (expected a few MB)"

# Our own parser: record counts, classes, CPUs, loss.
python3 test/e2e/xentrace_summary.py --cpu-mhz "$mhz" --json "$trace" >"$res/xentrace-summary.json"
python3 test/e2e/xentrace_summary.py --cpu-mhz "$mhz" "$trace" >"$res/xentrace-summary.txt"
python3 - "$res/xentrace-summary.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
problems = []
if d["records"] < 10000:
    problems.append("only %d records" % d["records"])
for cls in ("pv", "sched"):
    if d["by_class"].get(cls, 0) == 0:
        problems.append("no %s records" % cls)
if len(d["cpus"]) < 2:
    problems.append("records from %d physical CPU(s), expected 2" % len(d["cpus"]))
if d["truncated_bytes"]:
    problems.append("last record truncated (%d bytes)" % d["truncated_bytes"])
if d["lost_records"]:
    print("check: note: xentrace lost %d records" % d["lost_records"])
if problems:
    sys.exit("check: FAIL: " + "; ".join(problems))
print("check: xentrace: %d records, %d CPUs, classes %s, span %.2f s, lost %d"
      % (d["records"], len(d["cpus"]), ",".join(d["by_class"]), d.get("span_s", 0), d["lost_records"]))
PY

# xenalyze (Debian's, from xen-utils-4.17) must read the whole file.
xenalyze --cpu-hz="${mhz}M" --summary "$trace" >"$res/xenalyze-summary.txt" 2>"$res/xenalyze.err" ||
	fail "xenalyze --summary failed: $(tail -n 3 "$res/xenalyze.err")"
grep -q '^Total time:' "$res/xenalyze-summary.txt" || fail "xenalyze printed no 'Total time'"
echo "check: xenalyze: $(grep '^Total time:' "$res/xenalyze-summary.txt")"

# Overhead of xentrace on the workload: rates of the interleaved rounds,
# with the host's load during each run (test/e2e/workload_rates.py).
python3 test/e2e/workload_rates.py "$res" --side untraced='workload_untraced_{round}' \
	--side xentrace='workload_traced_{round}' --json "$res/overhead.json" | sed 's/^/check: /'
echo "check: PASS"
