#!/usr/bin/env bash
# `make demo` summary of the ltt-xen scenario (run by test/e2e/demo.sh from
# the repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_XEN_MHZ set):
# what ltt-xen recorded (the discard trace of the fastest round, the
# flight-recorder snapshots) and how it compares with xentrace (compare.json,
# which check.sh wrote).
set -euo pipefail
python3 - "$E2E_RESULT_DIR" <<'PY'
import json, os, sys
res = sys.argv[1]

def load(name):
    with open(os.path.join(res, name)) as f:
        return json.load(f)

c = load("compare.json")
rnd = c["ltt_xen"]["round"]  # the round whose workload ran at the best rate
d = load("ltt-discard-%d.json" % rnd)
t = d["trace"]
cpus = sorted(t["streams"], key=int)
st = d.get("status", {})
print("ltt-xen, lttd --source xen in discard mode (every event, 256 KiB x 8 sub-buffers per CPU),")
print("while the workload ran (round %d of %d, the one with the best workload rate):" % (rnd, c["rounds"]))
print("  %d events, %d bytes in %d packets (+ %d bytes of metadata), %.3f s from first to last event"
      % (t["events"], t["bytes"], t["packets"], t["metadata_bytes"], t.get("span_s", 0)))
lost = ", ".join("cpu%s %s" % (c, t["streams"][c].get("events_discarded", 0)) for c in cpus)
xen_lost = ", ".join("cpu%s %s" % (c, st[c]["lost_total"]) for c in cpus if c in st)
print("  lost: %s in the trace (events_discarded); Xen's counters: %s" % (lost, xen_lost or "n/a"))
print()
print("  events per facility and physical CPU:")
print("    %-10s %9s" % ("facility", "total") + "".join("%9s" % ("cpu" + c) for c in cpus))
for f, n in t["by_facility"].items():
    print("    %-10s %9d" % (f, n) + "".join("%9d" % t["by_cpu_facility"].get(c, {}).get(f, 0) for c in cpus))
print("    %-10s %9d" % ("all", t["events"]) + "".join("%9d" % t["streams"][c]["events"] for c in cpus))
print()
top = list(t["by_event"].items())[:8]
print("  most frequent events: " + ", ".join("%s %d" % kv for kv in top))
sd = t["statedump"]
types = {0: "pv", 1: "hvm", 2: "pvh", 3: "system"}
doms = ", ".join("d%s (%s, %s vCPUs%s)" % (k, types.get(v["guest_type"], v["guest_type"]), v["nr_vcpus"],
                                          ", hardware domain" if v["hwdom"] else "")
                 for k, v in sd["domains"].items())
print("  statedump at start: %s; %d vCPU and %d event channel records" % (doms, len(sd["vcpus"]), sd["evtchns"]))
print("  domain ids in events: " + ", ".join("d%s %d" % kv for kv in t["domain_ids_seen"].items())
      + " (d32767 is the idle domain)")
print()
print("flight recorder, lttd in overwrite mode (64 KiB x 8 sub-buffers per CPU):")
for s, when in (("during", "while the workload ran"), ("after", "right after it")):
    sn = load("ltt-snapshot-%s.json" % s)["trace"]
    disc = ", ".join("cpu%s %d" % (c, sn["streams"][c].get("events_discarded", 0)) for c in sorted(sn["streams"], key=int))
    print("  snapshot %s: %d bytes (%d packets), %d events over %.3f s; overwritten before it: %s"
          % (when, sn["bytes"], sn["packets"], sn["events"], sn.get("span_s", 0), disc))
print()
L, X = c["ltt_xen"], c["xentrace"]
print("ltt-xen vs xentrace -D -e all -S 32, same Xen and workload (each tracer's round with the best workload rate,"
      " of %d):" % c["rounds"])
print("    %-22s %14s %14s" % ("", "ltt-xen", "xentrace"))
print("    %-22s %14d %14d" % ("events", L["events"], X["events"]))
print("    %-22s %14d %14d" % ("bytes", L["bytes"], X["bytes"]))
print("    %-22s %14.2f %14.2f" % ("bytes/event", L["bytes_per_event"], X["bytes_per_event"]))
print("    %-22s %14.0f %14.0f" % ("events/s of workload", L["events_per_s"], X["events_per_s"]))
print("    %-22s %14d %14d" % ("lost", L["lost"], X["lost"]))
o = c["overhead_pct"]
print("    %-22s %+13.1f%% %+13.1f%%   (geometric mean of the phases)" % ("overhead", o["ltt_xen"], o["xentrace"]))
print("  workload operations per second, best of each side's rounds, and the overhead of each tracer:")
print("    %-6s %12s %12s %12s %10s %10s" % ("phase", "untraced", "ltt-xen", "xentrace", "ltt-xen", "xentrace"))
for p, v in c["phases"].items():
    b, ov = v["best_ops_per_s"], v["overhead_pct"]
    print("    %-6s %12.1f %12.1f %12.1f %+9.1f%% %+9.1f%%" % (p, b["untraced"], b["ltt_xen"], b["xentrace"],
                                                         ov.get("ltt_xen", 0), ov.get("xentrace", 0)))
iv = c.get("overhead_intervals")
if iv:
    def cell(v, unit):
        lo, hi = v["ci95"] or (v["mean"], v["mean"])
        return "%+.1f%s [%+.1f, %+.1f]" % (v["mean"], unit, lo, hi)
    print("  overhead round by round against the same round's untraced run, mean [95%% interval] over %d rounds:"
          % c["rounds"])
    for k, v in iv["overhead_pct"].items():
        print("    %-10s %s%s" % (k.replace("_", "-"), cell(v, "%"), "" if v["shown"] else "   (not shown to differ from 0)"))
    for k, v in iv["difference_pct"].items():
        print("    %-10s %s%s" % ("difference", cell(v, " points"),
                                  "" if v["shown"] else "   (not shown to be real)"))
loads = [r["host_load"] for runs in c["workload_rates"].values() for r in runs if r.get("host_load")]
if loads:
    print("  host while the workload ran: load average %.1f-%.1f, other work %.1f-%.1f of the host's cores"
          " (more than a few tenths: compare overheads with care)"
          % (min(l["load1"] for l in loads), max(l["load1"] for l in loads),
             min(l["others_cores"] for l in loads), max(l["others_cores"] for l in loads)))
B = c.get("xen_cycles_per_event")
if B:
    print("  inside Xen, one CPU, median of %d interleaved rounds of %d calls (ltt-xenctl bench), cycles per call:"
          % (B["rounds"], B["events"]))
    print("    %-10s %10s %10s" % ("", "enabled", "disabled"))
    print("    %-10s %10.1f %10.1f" % ("ltt-xen", B["ltt_enabled"], B["ltt_disabled"]))
    print("    %-10s %10.1f %10.1f" % ("xentrace", B["xentrace_enabled"], B["xentrace_disabled"]))
    print("    ltt-xen / xentrace %.2f (goal at most 1/3: %s; an empty loop iteration %.1f is included;"
          " one rdtsc, which each record makes, %.1f)"
          % (B["ratio"], "met" if B["goal_met"] else "not met", B["empty_loop"], B.get("rdtsc", 0)))
S = c.get("same_information")
if S:
    x = S["xentrace"]["bytes_per_s"]
    print("  bytes for the same information (ltt-xen without event channels, hypercalls as entry + args):"
          " ltt-xen %.0f bytes per second of workload, xentrace %.0f (mean of %d rounds): %.2fx (goal at most"
          " 0.5x: %s)" % (S["ltt_xen"]["bytes_per_s"], x["mean"], S["xentrace"]["rounds"], S["ratio_bytes_per_s"],
                          "met" if S["goal_met"] else "not met"))
    if S.get("ratio_bytes_per_work") is not None:
        print("    per unit of work done instead of per second (does not follow the emulated CPUs' speed in"
              " that one run): %.2fx" % S["ratio_bytes_per_work"])
if c.get("bytes_per_event_ratio_ltt_to_xentrace"):
    print("  an ltt-xen event costs %.0f%% of a xentrace record's bytes (the two do not record the same set of events)"
          % (100 * c["bytes_per_event_ratio_ltt_to_xentrace"]))
PY
