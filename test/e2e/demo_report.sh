#!/usr/bin/env bash
# The report `make demo` ends with: what the demo scenario recorded, what
# was lost, and where to look further.
#
#   test/e2e/demo_report.sh [RESULT_DIR]    (default e2e-out/demo)
#
# RESULT_DIR is what test/e2e/run.sh wrote for the demo scenario (boot.json,
# console.log, guest/ with the traces and result.json) and its check.sh
# (trace.json and snapshot.json: test/e2e/ltt_trace_check.py's view of the
# traces as babeltrace2 decoded them, and Xen's counters).
#
# "The answers" is what `ltt-view report` printed when the check wrote
# RESULT_DIR/report.html (ltt-view.txt): the time-base audit, events per
# source, CPU and class, interrupt delivery and vCPU scheduling latencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
res=${1:-e2e-out/demo}
for f in boot.json console.log guest/result.json trace.json snapshot.json guest/trace.status.json \
	ltt-view.txt report.html; do
	[ -f "$res/$f" ] || {
		echo "demo_report: $res/$f missing (run the demo scenario first: make demo)" >&2
		exit 1
	}
done

python3 - "$res" <<'PY'
import json, os, re, sys

res = sys.argv[1]


def load(*path):
    with open(os.path.join(res, *path)) as f:
        return json.load(f)


boot, result = load("boot.json"), load("guest", "result.json")
with open(os.path.join(res, "console.log"), errors="replace") as f:
    m = re.search(r"\(XEN\) Xen version (\S+) ", f.read())
xen_version = m.group(1) if m else "?"
trace, snap = load("trace.json"), load("snapshot.json")
status = load("guest", "trace.status.json")
t, s = trace["trace"], snap["trace"]
cpus = sorted(t["streams"], key=int)
share = os.path.join(res, "guest")


def rates(w):
    ph = w["phases"]
    names = {"cpu": "M spin iterations", "fork": "forks", "pipe": "pipe round trips", "io": "256 KiB files"}
    return ", ".join("%s %.0f/s" % (names.get(p, p), v["ops_per_s"]) for p, v in ph.items())


def size(n):
    return "%.1f MB" % (n / 1e6) if n >= 1e6 else "%.0f KB" % (n / 1e3)


print("=" * 78)
print("ltt-xen demo: the patched Xen %s under QEMU, dom0 Linux %s, %d physical CPUs, TSC %.3f MHz"
      % (xen_version, result.get("kernel"), len(cpus), (t.get("tsc_hz") or 0) / 1e6))
print("=" * 78)
print()
w = result["results"]["workload_traced"]
print("What was recorded")
print("  lttd recorded the hypervisor and dom0's kernel (ltt-guest.ko) in one session on the TSC")
print("  (every event, discard mode: nothing overwritten, every loss counted) while dom0 ran the")
print("  workload for %.1f s:" % w["total_s"])
print("    %s" % rates(w))
per_event = t["bytes"] / t["events"] if t["events"] else 0
span = t.get("span_s") or 0
print("  hypervisor: %d events, %s (%.1f bytes/event) in %d packets, over %.2f s: %.0f events/s"
      % (t["events"], size(t["bytes"]), per_event, t["packets"], span, t["events"] / span if span else 0))
print()
print("Loss")
lost = {c: t["streams"][c].get("events_discarded", 0) for c in cpus}
xen_lost = {str(c["cpu"]): c.get("lost_total") for c in status.get("cpus", [])
            if c.get("source", "xen") == "xen"}
print("  in the trace (events_discarded): " + ", ".join("cpu%s %d" % (c, lost[c]) for c in cpus)
      + ";  Xen's own counters: " + ", ".join("cpu%s %s" % (c, xen_lost.get(c, "?")) for c in cpus))
if sum(lost.values()) == 0:
    print("  nothing lost: every event the hypervisor produced is in the trace")
else:
    print("  %d events lost, each counted (babeltrace2 reports them as discarded events)" % sum(lost.values()))
print()
types = {0: "pv", 1: "hvm", 2: "pvh", 3: "system"}
doms = ", ".join("d%s (%s, %s vCPUs%s)" % (k, types.get(v["guest_type"], v["guest_type"]), v["nr_vcpus"],
                                          ", the hardware domain" if v["hwdom"] else "")
                 for k, v in t["statedump"]["domains"].items())
print("Domains (Xen's statedump at start): %s; d32767 is the idle domain" % doms)
print()
print("The answers (ltt-view report %s -o %s)" % (os.path.join(share, "trace"), os.path.join(res, "report.html")))
print()
# The long tables (every event class, every stage of every interrupt) stay
# in report.html and `ltt-view summary` / `irq-latency`: the terminal gets
# the totals and the worst cases.
skipping = False
with open(os.path.join(res, "ltt-view.txt")) as f:
    for line in f:
        if line.rstrip() in ("Events by class", "Per stage"):
            skipping = True
            print("  %s: in report.html" % line.rstrip())
            continue
        if skipping and not line.strip():
            skipping = False
        if skipping or line.startswith("report: "):
            continue
        print("  " + line.rstrip() if line.strip() else "")
print()
print("Flight recorder")
disc = {c: s["streams"][c].get("events_discarded", 0) for c in sorted(s["streams"], key=int)}
print("  overwrite mode, 16 KiB x 4 sub-buffers per CPU (the writer reuses the oldest one when full);")
print("  the snapshot taken while dom0 forked processes holds the last %.2f s before it:" % (s.get("span_s") or 0))
print("  %d events, %s in %d packets; overwritten before it, each counted: %s"
      % (s["events"], size(s["bytes"]), s["packets"], ", ".join("cpu%s %d" % kv for kv in disc.items())))
print()
bt = trace["babeltrace2"]
print("Checked on the host")
print("  babeltrace2 read both traces without an error (%d + %d events); packets, sequence numbers,"
      % (bt["events"], snap["babeltrace2"]["events"]))
print("  per-CPU timestamps, domain and vCPU ids and the loss counts against Xen's were checked")
print("  (test/e2e/ltt_trace_check.py; details in %s)." % os.path.join(res, "check.log"))
load = boot.get("host_load") or {}
print("  QEMU ran %.0f s; dom0 measured a speed factor of %s (how many times slower than on a quiet"
      % (boot.get("qemu_s") or 0, boot.get("speed_factor")))
if load:
    print("  host the emulated CPUs ran); the host's load average was %.1f, other work kept %.1f of its"
          % (load.get("load1_mean", 0), load.get("others_cores_mean", 0)))
    print("  cores busy.")
else:
    print("  host the emulated CPUs ran).")
print()
print("Look further")
tr = os.path.join(share, "trace")
print("  the HTML report (one file, offline: summary, latencies, CPU use, a zoomable timeline):")
print("                             %s" % os.path.join(res, "report.html"))
print("  the session (CTF 1.8):     %s/   (hypervisor/: %s; dom0/kernel/: dom0's vCPUs)"
      % (tr, ", ".join("xen_" + c for c in cpus)))
print("  the snapshot:              %s/" % os.path.join(share, "snapshot"))
print("  Xen's summary per vCPU:    build/viewer/ltt-view summary %s" % tr)
print("  CPU time, 100 ms buckets:  build/viewer/ltt-view cpu --interval 100ms %s" % tr)
print("  every event, filtered:     build/viewer/ltt-view events %s --filter 'name == sched_*' | head" % tr)
print("  with babeltrace2:          babeltrace2 %s | less" % tr)
print("  in Perfetto's UI:          %s (open it in ui.perfetto.dev; written by" % os.path.join(res, "perfetto.json"))
print("                             build/viewer/ltt-view export --format perfetto %s -o FILE)" % tr)
print("  dom0's log, Xen's console: %s/guest.log, %s/console.log" % (share, res))
print("  the full end-to-end suite: make e2e  (test/e2e/README.md)")
PY
