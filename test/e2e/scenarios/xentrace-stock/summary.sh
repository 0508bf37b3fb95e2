#!/usr/bin/env bash
# `make demo` summary of the xentrace-stock scenario (run by test/e2e/demo.sh
# from the repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_XEN_MHZ set).
set -euo pipefail
res=$E2E_RESULT_DIR

# Event names from Xen's tools/xentrace/formats when a copy is at hand (the
# Xen source tree `make xen` unpacks, or the project's shared test data).
formats=()
for f in work-xen/*/tools/xentrace/formats ../shared/testdata/xentrace/xen-4.17-formats; do
	if [ -f "$f" ]; then
		formats=(--formats "$f")
		break
	fi
done

echo "xentrace -D -e all -S 32 while the workload ran (stock Xen):"
python3 test/e2e/xentrace_summary.py --cpu-mhz "$E2E_XEN_MHZ" "${formats[@]}" "$E2E_SHARE/xentrace.bin" |
	sed 's/^./  &/'
echo
echo "  runstates while traced, per domain and vCPU (xenalyze --summary; d32767 is the idle domain):"
awk '
	/^\|-- Domain [0-9]+ --\|/ { dom = "d" $3; v = ""; indom = 1; next }
	/^ Grant table ops/ { indom = 0 }
	/^-- v[0-9]+ --/ { v = $2; next }
	/^PV events:|^Emulate eip/ { v = "" }
	dom != "" && (indom || v != "") && /^ +[a-z_ ]+: +[0-9]+ +[0-9.]+s / {
		line = $0
		sub(/ *\{.*/, "", line)
		split(line, part, ":")
		name = part[1]
		gsub(/^ +| +$/, "", name)
		split(part[2], f, " ")
		if (v == "" || name ~ /^(running|runnable|blocked)$/)
			printf "    %-10s %-20s %8d times %8s\n", dom v, name, f[1], f[2]
	}
' "$res/xenalyze-summary.txt"
echo
python3 - "$res/overhead.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
n = len(o["sides"]["untraced"])
print("  workload operations per second, untraced vs under xentrace (best of %d runs each):" % n)
print("    %-6s %12s %12s %9s" % ("phase", "untraced", "xentrace", "overhead"))
for p, v in o["phases"].items():
    b = v["best_ops_per_s"]
    print("    %-6s %12.1f %12.1f %+8.1f%%" % (p, b["untraced"], b["xentrace"], v["overhead_pct"]["xentrace"]))
print("    %-6s %12s %12s %+8.1f%%   (geometric mean of the phases)" % ("all", "", "", o["overhead_pct"]["xentrace"]))
loads = [r["host_load"] for runs in o["sides"].values() for r in runs if r.get("host_load")]
if loads:
    print("  host while the workload ran: load average %.1f-%.1f, other work %.1f-%.1f of the host's cores"
          % (min(l["load1"] for l in loads), max(l["load1"] for l in loads),
             min(l["others_cores"] for l in loads), max(l["others_cores"] for l in loads)))
PY
