#!/usr/bin/env bash
# Host-side check of the ltt-xen scenario (run by test/e2e/run.sh from the
# repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_XEN_MHZ set).
#
# - every lttd trace (the discard trace of each round, the two flight-recorder
#   snapshots) is read by babeltrace2 and checked by test/e2e/ltt_trace_check.py
#   (packets, timestamps, fields, loss counts against lttd's status);
# - the discard traces hold sched, runstate, irq, evtchn, hypercall and domain
#   (statedump) events from both physical CPUs;
# - the xentrace files read cleanly (test/e2e/xentrace_summary.py);
# - compare.json: ltt-xen against xentrace (bytes, events, bytes/event,
#   events/s of workload time, workload rates and overhead with the host's
#   load during each run: test/e2e/workload_rates.py), in the result
#   directory and as e2e-out/compare.json.
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
mhz=$E2E_XEN_MHZ
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}
command -v babeltrace2 >/dev/null || fail "babeltrace2 is not installed (make deps)"

rounds=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"]["workload_rounds"])' \
	"$share/result.json")
failed=0

# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh

for r in $(seq 1 "$rounds"); do
	check_ltt "ltt-discard-$r" --status "$share/ltt-discard-$r.status.json"
done
for s in during after; do
	check_ltt "ltt-snapshot-$s" --snapshot --status "$share/ltt-overwrite.status.json" \
		--domains-from "$res/ltt-discard-1.json"
done

check_ltt ltt-same-info --status "$share/ltt-same-info.status.json"
check_ltt ltt-lossy --status "$share/ltt-lossy.status.json" --domains-from "$res/ltt-discard-1.json"

for r in $(seq 1 "$rounds"); do
	f=$share/xentrace-$r.bin
	[ -s "$f" ] || fail "$f missing or empty"
	python3 test/e2e/xentrace_summary.py --cpu-mhz "$mhz" --json "$f" >"$res/xentrace-$r.json"
done
[ "$failed" = 0 ] || fail "ltt_trace_check.py found problems (see above)"

# What the scenario needs beyond a readable, consistent trace.
python3 - "$res" "$share" "$rounds" <<'PY'
import json, os, sys
res, share, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
problems = []
want = ("sched", "runstate", "irq", "evtchn", "hypercall", "domain")
for r in range(1, rounds + 1):
    t = json.load(open(os.path.join(res, "ltt-discard-%d.json" % r)))["trace"]
    name = "ltt-discard-%d" % r
    missing = [f for f in want if not t["by_facility"].get(f)]
    if missing:
        problems.append("%s: no %s events" % (name, ", ".join(missing)))
    if t["events"] < 10000:
        problems.append("%s: only %d events" % (name, t["events"]))
    if len(t["streams"]) != 2 or any(not s["events"] for s in t["streams"].values()):
        problems.append("%s: events per CPU %s, expected 2 CPUs with events"
                        % (name, {c: s["events"] for c, s in t["streams"].items()}))
    sd = t["statedump"]
    if "0" not in sd["domains"] or not sd["vcpus"]:
        problems.append("%s: the statedump does not list dom0 and its vCPUs: %s" % (name, sd))
    for ev in ("domain_statedump_domain", "domain_statedump_vcpu", "domain_statedump_evtchn", "time_tsc_params"):
        if not t["by_event"].get(ev):
            problems.append("%s: no %s event" % (name, ev))
    print("check: %s: %d events, facilities %s; statedump: domains %s, %d vCPUs, %d event channels; "
          "domain ids seen %s" % (name, t["events"], ",".join(t["by_facility"]), ",".join(sd["domains"]),
                                  len(sd["vcpus"]), sd["evtchns"], ",".join(t["domain_ids_seen"])))

import re
status = json.load(open(os.path.join(share, "ltt-overwrite.status.json")))
listed = [os.path.basename(str(p).rstrip("/")) for p in status.get("snapshots", [])]
# What ltt-ctl said each snapshot holds: "snapshot N written to DIR (P packets, R records)".
said = {}
for line in open(os.path.join(share, "ltt-ctl.log")):
    m = re.match(r"snapshot \d+ written to (\S+) \((\d+) packets, (\d+) records\)", line)
    if m:
        said[os.path.basename(m.group(1))] = (int(m.group(2)), int(m.group(3)))
prev = None
per_cpu = {}
for s in ("during", "after"):
    name = "ltt-snapshot-" + s
    t = json.load(open(os.path.join(res, name + ".json")))["trace"]
    for f in ("sched", "runstate", "hypercall"):
        if not t["by_facility"].get(f):
            problems.append("%s: no %s events" % (name, f))
    # lttd asks Xen for a statedump at each snapshot: it names the domains.
    if "0" not in t["statedump"]["domains"]:
        problems.append("%s: no statedump of dom0 in the snapshot: %s" % (name, t["statedump"]))
    if len(t["streams"]) != 2:
        problems.append("%s: %d streams, expected 2" % (name, len(t["streams"])))
    if name not in listed:
        problems.append("%s: not in lttd's status snapshots %s" % (name, listed))
    if said.get(name) != (t["packets"], t["events"]):
        problems.append("%s: ltt-ctl said (packets, records) %s, the directory holds %s"
                        % (name, said.get(name), (t["packets"], t["events"])))
    for c, st in t["streams"].items():
        acc = per_cpu.setdefault(c, [0, 0])
        acc[0] += st["bytes"]
        acc[1] += st["packets"]
    disc = {c: st.get("events_discarded", 0) for c, st in t["streams"].items()}
    if prev is not None:
        for c, n in disc.items():
            if n < prev.get(c, 0):
                problems.append("%s: cpu %s events_discarded %d < the earlier snapshot's %d"
                                % (name, c, n, prev[c]))
    prev = disc
    print("check: %s: %d events, %d bytes, %d packets, span %.3f s, events_discarded (overwritten) per CPU %s"
          % (name, t["events"], t["bytes"], t["packets"], t.get("span_s", 0), disc))
# lttd's per-CPU bytes and packets written add up both snapshots.
for c in status.get("cpus", []):
    have = per_cpu.get(str(c["cpu"]), [0, 0])
    if [c.get("bytes_written"), c.get("packets_written")] != have:
        problems.append("overwrite session cpu %s: lttd wrote %s bytes in %s packets, the snapshots hold %s"
                        % (c["cpu"], c.get("bytes_written"), c.get("packets_written"), have))

# The lossy session must have lost records (else its loss check proves
# nothing); ltt_trace_check.py checked the counts equal Xen's, per CPU.
lossy = json.load(open(os.path.join(res, "ltt-lossy.json")))["trace"]
xen_lost = sum(c.get("lost_total", 0) for c in json.load(open(os.path.join(share, "ltt-lossy.status.json")))["cpus"])
if not lossy["events_discarded"]:
    problems.append("ltt-lossy: no record lost with 2 x 1 KiB sub-buffers per CPU")
print("check: ltt-lossy: %d events kept, %d lost in the trace (per CPU %s), Xen's control pages say %d"
      % (lossy["events"], lossy["events_discarded"],
         {c: st.get("events_discarded", 0) for c, st in lossy["streams"].items()}, xen_lost))
if lossy["events_discarded"] != xen_lost:
    problems.append("ltt-lossy: the trace says %d lost, Xen %d" % (lossy["events_discarded"], xen_lost))

for r in range(1, rounds + 1):
    x = json.load(open(os.path.join(res, "xentrace-%d.json" % r)))
    if x["records"] < 10000 or x["truncated_bytes"] or len(x["cpus"]) < 2:
        problems.append("xentrace-%d.bin: %d records, %d truncated bytes, CPUs %s"
                        % (r, x["records"], x["truncated_bytes"], x["cpus"]))
if problems:
    for p in problems:
        print("check: FAIL: " + p)
    sys.exit(1)
PY

# compare.json: ltt-xen vs xentrace on the same Xen and workload.
python3 - "$res" "$share" "$rounds" <<'PY'
import json, math, os, re, sys
sys.path.insert(0, "test/e2e")
import workload_rates  # noqa: E402

res, share, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
sides = [("untraced", "workload_untraced_{round}"), ("ltt_xen", "workload_ltt_{round}"),
         ("xentrace", "workload_xentrace_{round}")]
runs = workload_rates.load_runs(res)
rates, problem = workload_rates.compare(runs, sides)
if problem:
    sys.exit("check: FAIL: " + problem)


geomean_rate = workload_rates.geomean_rate


def tracer(per_round, workloads):
    """The figures of the round whose traced workload ran at the best rate
    (the host's load slows the emulated CPUs down by up to 20x: a slow
    round's events/s says more about the host than the tracer), and every
    round's."""
    for i, p in enumerate(per_round):
        p["round"] = i + 1
        p["bytes_per_event"] = p["bytes"] / p["events"] if p["events"] else None
        p["events_per_s"] = p["events"] / p["workload_s"]
        p["workload_geomean_ops_per_s"] = geomean_rate(workloads[i])
        p["host_load"] = workloads[i]["host_load"]
    best = max(per_round, key=lambda p: p["workload_geomean_ops_per_s"])
    out = {k: best[k] for k in ("round", "bytes", "events", "bytes_per_event", "events_per_s", "lost",
                                "workload_s", "host_load")}
    out["rounds"] = per_round
    return out

def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def xen_bench(res, share):
    """ltt-xenctl bench (XEN_SYSCTL_LTT_bench): cycles per record inside Xen,
    the medians recomputed here from the rounds' cycles, every round's
    records checked against the calls made. Timing never fails the check;
    a record missing, lost or written while disabled does."""
    b = json.load(open(os.path.join(share, "xen-bench.json")))
    n, rr = b["events"], b["per_round"]
    bad = []
    if len(rr) != b["rounds"] or not rr:
        bad.append("%d rounds listed, %d run" % (len(rr), b["rounds"]))
    for i, r in enumerate(rr):
        # ltt-xen counts all records of the CPU: at least n, none lost.
        if r["ltt_records"] < n or r["ltt_lost"]:
            bad.append("round %d: ltt-xen committed %d records for %d calls, lost %d"
                       % (i, r["ltt_records"], n, r["ltt_lost"]))
        # The xentrace event is the bench's own: exactly n, a wrap record at most.
        if r["xentrace_records"] != n or r["xentrace_lost"] or r["xentrace_other"] > 1:
            bad.append("round %d: xentrace wrote %d records for %d calls, %d others, %d lost"
                       % (i, r["xentrace_records"], n, r["xentrace_other"], r["xentrace_lost"]))
        if r["ltt_disabled_records"] or r["xentrace_disabled_records"]:
            bad.append("round %d: records written while disabled (ltt-xen %d, xentrace %d)"
                       % (i, r["ltt_disabled_records"], r["xentrace_disabled_records"]))
    if bad:
        sys.exit("check: FAIL: xen-bench: " + "; ".join(bad))
    fig = {k: median([r[src] for r in rr]) / n for k, src in
           (("ltt_enabled", "ltt"), ("xentrace_enabled", "xentrace"), ("ltt_disabled", "ltt_disabled"),
            ("xentrace_disabled", "xentrace_disabled"), ("empty_loop", "loop"),
            ("rdtsc", "rdtsc"))}
    for k in ("ltt_enabled", "xentrace_enabled", "ltt_disabled", "xentrace_disabled"):
        if abs(fig[k] - b[k]) > 0.01:
            sys.exit("check: FAIL: xen-bench: ltt-xenctl says %s %.3f cycles, its rounds %.3f" % (k, b[k], fig[k]))
    fig["ratio"] = fig["ltt_enabled"] / fig["xentrace_enabled"]
    # Every disturbance of a shared host only adds cycles: the least
    # disturbed round says what the code costs, next to the median.
    fig["ltt_enabled_min"] = min(r["ltt"] for r in rr) / n
    fig["xentrace_enabled_min"] = min(r["xentrace"] for r in rr) / n
    fig["ratio_min"] = fig["ltt_enabled_min"] / fig["xentrace_enabled_min"]
    fig["goal_ratio_max"] = round(1 / 3, 4)
    fig["goal_met"] = fig["ratio"] <= 1 / 3
    fig["ns_per_cycle"] = 1e6 / b["cpu_khz"]
    fig.update({k: b[k] for k in ("events", "rounds", "cpu", "cpu_khz", "data_bytes", "ltt_written",
                                  "xentrace_written")})
    # The host's load while it ran, from the console's "bench start/end".
    times = {}
    for line in open(os.path.join(res, "console.log"), errors="replace"):
        m = re.match(r"^\[\s*(\d+\.\d+)\] ltt-e2e\[[0-9.]+\]: bench (start|end)$", line.rstrip())
        if m:
            times[m.group(2)] = float(m.group(1))
    fig["host_load"] = workload_rates.host_load(
        workload_rates.read_hostload(os.path.join(res, "hostload.tsv")), times.get("start"), times.get("end"))
    fig["what"] = ("median over interleaved rounds of the cycles (TSC) of one call, inside Xen on one CPU, "
                   "interrupts enabled: ltt-xen's sched_wake tracepoint into a bench session's buffer "
                   "against xentrace's TRACE_1D() (TRC_GEN mask) into its buffer, %d data bytes each, "
                   "an empty loop's cost included; rdtsc: a loop of one TSC read, the floor under both; "
                   "disabled: no session / xentrace off" % b["data_bytes"])
    return fig


def same_information(res, runs, xt):
    """Trace bytes per second of workload: ltt-xen recording what xentrace
    -e all records (its same-information run) against every xentrace
    round (mean and 95% interval), with the host's load of each."""
    t = json.load(open(os.path.join(res, "ltt-same-info.json")))["trace"]
    run = runs["workload_ltt_same_info"]
    ltt_rate = t["bytes"] / run["seconds"]
    xt_rates = [x["bytes"] / x["workload_s"] for x in xt]
    xt_ci = workload_rates.mean_ci(xt_rates)
    ratio = ltt_rate / xt_ci["mean"]
    # Bytes per second follow how fast the emulated CPUs ran in that one
    # run; per unit of work done (the phases' geometric mean rate times the
    # run's time; both sides run the same phase mix) they do not.
    ltt_work = geomean_rate(run) * run["seconds"]
    # tracer() has put each round's rate into xt.
    xt_work = [x["bytes"] / (x["workload_geomean_ops_per_s"] * x["workload_s"])
               for x in xt if x["workload_geomean_ops_per_s"] > 0]
    xt_work_ci = workload_rates.mean_ci(xt_work) if xt_work else None
    return {
        "what": "trace bytes (stream files, ltt-xen metadata apart) per second of the same workload: "
                "ltt-xen with every facility but evtchn and hypercalls as entry + args (what xentrace "
                "-e all records) in one run, against xentrace -e all in every round; bytes_per_work: "
                "per unit of work done (the phases' geometric mean rate times the run's seconds), "
                "which does not follow the emulated CPUs' speed in that run",
        "ltt_xen": {"bytes": t["bytes"], "events": t["events"], "lost": t["events_discarded"],
                    "workload_s": run["seconds"], "bytes_per_s": ltt_rate,
                    "bytes_per_event": t["bytes"] / t["events"] if t["events"] else None,
                    "by_facility": t["by_facility"],
                    "workload_geomean_ops_per_s": geomean_rate(run), "host_load": run["host_load"]},
        "xentrace": {"rounds": len(xt_rates), "bytes_per_s": xt_ci},
        "ratio_bytes_per_s": ratio,
        "ltt_xen_bytes_per_work": t["bytes"] / ltt_work if ltt_work > 0 else None,
        "xentrace_bytes_per_work": xt_work_ci,
        "ratio_bytes_per_work": (t["bytes"] / ltt_work / xt_work_ci["mean"]
                                 if ltt_work > 0 and xt_work_ci else None),
        "goal_ratio_max": 0.5,
        "goal_met": ratio <= 0.5,
    }


ltt, xt = [], []
for i in range(1, rounds + 1):
    t = json.load(open(os.path.join(res, "ltt-discard-%d.json" % i)))["trace"]
    ltt.append({"bytes": t["bytes"], "metadata_bytes": t["metadata_bytes"], "events": t["events"],
                "lost": t["events_discarded"], "span_s": t.get("span_s"),
                "workload_s": runs["workload_ltt_%d" % i]["seconds"]})
    x = json.load(open(os.path.join(res, "xentrace-%d.json" % i)))
    xt.append({"bytes": x["bytes"], "events": x["records"], "lost": x["lost_records"], "span_s": x.get("span_s"),
               "workload_s": runs["workload_xentrace_%d" % i]["seconds"]})
out = {
    "what": "the dom0 workload (ltt-e2e-workload, a fixed time per run) on the patched Xen, recorded by ltt-xen "
            "(lttd --source xen, discard mode, 256 KiB x 8 sub-buffers per CPU, every event) and by xentrace -D "
            "-e all -S 32; bytes are the stream files (ltt-xen metadata apart), events/s per second of workload "
            "wall time; each tracer's figures are those of its round whose workload ran at the best rate; "
            "overhead_pct compares each side's best rate per phase with the untraced side's (geometric mean "
            "of the phases), with the host's load during every run in workload_rates; "
            "overhead_intervals: each side's mean rate over the rounds and each tracer's overhead "
            "against the untraced run of the same round, mean and 95% t interval (shown: the "
            "interval excludes 0)",
    "rounds": rounds,
    "ltt_xen": tracer(ltt, rates["sides"]["ltt_xen"]),
    "xentrace": tracer(xt, rates["sides"]["xentrace"]),
    "overhead_pct": rates["overhead_pct"],
    "overhead_intervals": workload_rates.intervals(rates, sides),
    "phases": rates["phases"],
    "workload_rates": rates["sides"],
}
out["xen_cycles_per_event"] = xen_bench(res, share)
out["same_information"] = same_information(res, runs, xt)
ltt_bpe, xt_bpe = out["ltt_xen"]["bytes_per_event"], out["xentrace"]["bytes_per_event"]
out["bytes_per_event_ratio_ltt_to_xentrace"] = ltt_bpe / xt_bpe if ltt_bpe and xt_bpe else None
for path in (os.path.join(res, "compare.json"), os.path.join(res, "..", "compare.json")):
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
L, X = out["ltt_xen"], out["xentrace"]
print("check: compare (best of %d rounds): ltt-xen %d events, %d bytes, %.2f bytes/event, %.0f events/s, lost %d; "
      "xentrace %d events, %d bytes, %.2f bytes/event, %.0f events/s, lost %d"
      % (rounds, L["events"], L["bytes"], L["bytes_per_event"], L["events_per_s"], L["lost"],
         X["events"], X["bytes"], X["bytes_per_event"], X["events_per_s"], X["lost"]))
workload_rates.print_table(rates, sides, prefix="check: ")
workload_rates.print_intervals(out["overhead_intervals"], prefix="check: ")
S = out["same_information"]
print("check: bytes for the same information: ltt-xen %.0f bytes/s of workload (%d events, %.2f bytes/event, "
      "lost %d), xentrace %.0f [%.0f, %.0f] over %d rounds: ratio %.3f, goal <= 0.5 %s"
      % (S["ltt_xen"]["bytes_per_s"], S["ltt_xen"]["events"], S["ltt_xen"]["bytes_per_event"] or 0,
         S["ltt_xen"]["lost"], S["xentrace"]["bytes_per_s"]["mean"],
         *(S["xentrace"]["bytes_per_s"]["ci95"] or [0, 0]), S["xentrace"]["rounds"],
         S["ratio_bytes_per_s"], "met" if S["goal_met"] else "not met"))
if S["ratio_bytes_per_work"] is not None:
    print("check: bytes for the same information per unit of work (steadier than per second): ratio %.3f"
          % S["ratio_bytes_per_work"])
B = out["xen_cycles_per_event"]
print("check: in-Xen cycles per record (median of %d rounds x %d calls, CPU %d, host load %s): "
      "ltt-xen %.1f enabled / %.1f disabled, xentrace %.1f enabled / %.1f disabled, empty loop %.1f, "
      "one rdtsc %.1f; "
      "ltt-xen / xentrace %.3f, goal <= 1/3 %s; least disturbed rounds %.1f / %.1f = %.3f"
      % (B["rounds"], B["events"], B["cpu"], B["host_load"], B["ltt_enabled"], B["ltt_disabled"],
         B["xentrace_enabled"], B["xentrace_disabled"], B["empty_loop"], B["rdtsc"], B["ratio"],
         "met" if B["goal_met"] else "not met", B["ltt_enabled_min"], B["xentrace_enabled_min"],
         B["ratio_min"]))
PY
echo "check: PASS"
