#!/bin/sh
# The dom0 scenario's part of `make demo`: what the host check found.
set -eu
res=$E2E_RESULT_DIR
python3 - "$res/dom0_check.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("  one session: %s events per layer, clock %s" % (r.get("session_events"), r.get("clock_uuids")))
print("  dom0 kernel events: %s" % r.get("kernel_events"))
u = r.get("ust", {})
utb = u.get("time_base", {})
print("  lttng-ust in dom0: %s events traced of %s emitted, %s discarded (lttng), %s outside Xen's span; "
      "time base: %s checked, %s outside; shifted %s cycles: %s / %s"
      % (u.get("traced"), u.get("emitted"), u.get("lttng_discarded"), u.get("outside_hypervisor_span"),
         utb.get("checked"), utb.get("violations"), utb.get("shift_cycles"),
         utb.get("violations_shift_plus"), utb.get("violations_shift_minus")))
tb = r.get("time_base", {})
print("  time base: %s dom0 events checked against Xen's runstate, %s outside; shifted 100k cycles: %s / %s"
      % (tb.get("checked"), tb.get("violations"), tb.get("violations_shift_plus_100k"),
         tb.get("violations_shift_minus_100k")))
ch = r.get("chains", {})
print("  interrupt chains complete: %s of %s pirq deliveries to dom0" % (ch.get("complete"), ch.get("pirq_deliveries")))
for line in (ch.get("sample") or [[]])[0]:
    print("    " + line)
print("  statedump: %s ports, %s matched /proc/interrupts" % (r.get("statedump_ports"), r.get("statedump_matched_proc_interrupts")))
PY
python3 test/e2e/scenarios/dom0/cost.py "$E2E_SHARE" | sed 's/^/  /'
