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
print("  workload wall time, untraced vs under xentrace (fastest of %d runs each):" % o["rounds"])
print("    %-6s %10s %10s %9s" % ("phase", "untraced", "xentrace", "overhead"))
for p, v in o["phases"].items():
    print("    %-6s %9.3fs %9.3fs %+8.1f%%" % (p, v["untraced_s"], v["traced_s"], v["overhead_pct"]))
print("    %-6s %9.3fs %9.3fs %+8.1f%%" % ("total", o["untraced_s"], o["traced_s"], o["overhead_pct"]))
PY
