#!/usr/bin/env bash
# `make demo` summary of the xen-hotplug scenario (run by test/e2e/demo.sh
# from the repository root with E2E_RESULT_DIR set): what check.sh found
# (hotplug.json).
set -euo pipefail
python3 - "$E2E_RESULT_DIR" <<'PY'
import json, os, sys
h = json.load(open(os.path.join(sys.argv[1], "hotplug.json")))
pc = h["per_cpu"]
g = h["generations"]
print("CPU hotplug under lttd --source xen: physical CPU 1 offline at setup (no buffer), then online, offline, online")
print("  %d events: %s; lost %d (Xen's counters: %s)"
      % (h["events"], ", ".join("cpu%s %d" % (c, pc[c]["events"]) for c in sorted(pc, key=int)), h["lost"],
         ", ".join("cpu%s %s" % kv for kv in sorted(h["xen_lost"].items()))))
print("  CPU 1's stream starts %.2f s into the session (dom0 ran cpu-online at %.2f s); Xen's generation %s -> %s,"
      " unchanged when CPU 1 came back" % (h["cpu1_first_event_s"], h["dom0_online_s"], g["setup"], g["online"]))
print("  CPU 1 silent for %.2f s while offline (dom0: %.2f s to %.2f s); lttd added its buffer once"
      % (h["cpu1_gap_s"], h["dom0_offline_s"][0], h["dom0_offline_s"][1]))
PY
