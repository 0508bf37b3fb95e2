#!/usr/bin/env bash
# `make demo`: runs the e2e scenarios (test/e2e/run.sh) and prints a readable
# summary of what each recorded: the boot timings, then the scenario's own
# summary.sh if it has one. ltt-view will take this over.
#
#   test/e2e/demo.sh [SCENARIO...]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

status=0
test/e2e/run.sh "$@" || status=$?

echo
echo "================ ltt-xen e2e demo ================"
while read -r verdict name _; do
	out=$E2E_OUT/$name
	dir=test/e2e/scenarios/$name
	echo
	echo "== $name: $verdict =="
	python3 - "$out/run.json" "$out/guest/result.json" <<'PY' || true
import json, sys
run = json.load(open(sys.argv[1]))
boot = run.get("boot") or {}
print("  Xen %s (%s), TSC %s MHz" % (run.get("xen_version") or "?", run["xen"], run.get("xen_cpu_mhz")))
print("  QEMU run %.1f s: Xen banner at %s s, dom0 /init at %s s, scenario done at %s s"
      % (boot.get("qemu_s") or 0, boot.get("xen_banner_s"), boot.get("dom0_init_s"),
         boot.get("scenario_end_s")))
print("  host load average %s before, %s after (other work on the 2 host cores slows the"
      " emulated CPUs: compare timings only between quiet runs)"
      % (run.get("host_load_before"), run.get("host_load_after")))
try:
    res = json.load(open(sys.argv[2]))
    print("  dom0 kernel %s, guest.sh ran %.1f s, status %s"
          % (res.get("kernel"), res.get("guest_s", 0), res.get("status")))
except (OSError, ValueError):
    print("  no result.json from dom0")
PY
	if [ "$verdict" = PASS ] && [ -f "$dir/summary.sh" ]; then
		mhz=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("xen_cpu_mhz") or 0)' "$out/run.json")
		E2E_SCENARIO=$name E2E_RESULT_DIR=$out E2E_SHARE=$out/guest E2E_CONSOLE=$out/console.log \
			E2E_XEN_MHZ=$mhz bash "$dir/summary.sh" | sed 's/^./  &/' || status=1
	elif [ "$verdict" != PASS ]; then
		echo "  failed: see $out/console.log and $out/guest/guest.log"
	fi
done <"$E2E_OUT/summary.txt"
exit "$status"
