#!/usr/bin/env python3
"""ltt-view's analyses against simulated hosts whose answers are known.

ltt-synth simulates a Xen host and writes its ltt-xen session together with
truth.json: what the simulation did (interrupt chains with the time of every
stage, wake latencies, runstate times, CPU lanes, hypercalls, grants,
losses). Every figure checked here is computed from truth.json by this
script, never taken from ltt-view; ltt-view's JSON output must agree.

Runs: a lossless host (every analysis, exactly), the same with records lost
on CPU 1 (loss counts and lanes), and one whose dom0 clock is off by 100,000
cycles (the time base audit must find violations; without the skew it finds
none).

  analyses_truth.py --synth LTT_SYNTH --view LTT_VIEW --work DIR
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def near(a, b, tol):
    return abs(a - b) <= tol


def percentile(sorted_values, p):
    """Nearest rank, integer arithmetic (viewer/analyses/percentiles.hpp)."""
    n = len(sorted_values)
    rank = max(1, min(n, (p * n + 99) // 100))
    return sorted_values[rank - 1]


def synth(args, name, *extra):
    out = os.path.join(args.work, name)
    shutil.rmtree(out, ignore_errors=True)
    if os.path.exists(out + ".truth.json"):
        os.remove(out + ".truth.json")
    subprocess.run([args.synth, "--output", out, "--events", "150000", "--seed", "7"] +
                   list(extra), check=True, stderr=subprocess.DEVNULL)
    with open(out + ".truth.json") as f:
        return out, json.load(f)


def view(args, command, session, *extra):
    r = subprocess.run([args.view, command, "--json", session] + list(extra),
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("ltt-view %s failed: %s" % (command, r.stderr))
    doc = json.loads(r.stdout)
    tables = {}
    for result in doc["results"]:
        for t in result["tables"]:
            tables[(result["analysis"], t["name"])] = t["rows"]
    return doc, tables


def cycles(seconds, hz):
    return seconds * hz


def check_irq(args, session, truth):
    hz = truth["tsc_hz"]
    tol = 2  # cycles: JSON carries seconds as doubles
    _, t = view(args, "irq-latency", session)
    by_irq = {(r["domid"], r["irq"]): r for r in t[("irq_latency", "by_irq")]}
    stages = {(r["domid"], r["irq"], r["stage"]): r for r in t[("irq_latency", "stages")]}
    expected = collections.defaultdict(list)
    expected_stage = collections.defaultdict(list)
    for c in truth["chains"]:
        key = (c["domid"], c["irq"])
        expected[key].append(c["t_handler_exit"] - c["t_irq"])
        bounds = [("xen", c["t_pending"]), ("wake", c["t_runnable"]),
                  ("schedule", c["t_running"]), ("upcall", c["t_upcall"]),
                  ("dispatch", c["t_handler"]), ("handler", c["t_handler_exit"])]
        prev = c["t_irq"]
        total = 0
        for stage, at in bounds:
            if at is None:
                continue
            check(at >= prev, "truth chain has a stage going backwards: %s" % c)
            expected_stage[key + (stage,)].append(at - prev)
            total += at - prev
            prev = at
        check(total == c["t_handler_exit"] - c["t_irq"], "stages add up to the total")
    check(set(by_irq) == set(expected), "irq-latency: interrupts %s, expected %s" %
          (sorted(by_irq), sorted(expected)))
    for key, values in expected.items():
        row = by_irq.get(key)
        if row is None:
            continue
        values.sort()
        check(row["chains"] == len(values), "irq %s: %s chains, expected %d" %
              (key, row["chains"], len(values)))
        for p in (50, 95, 99, 100):
            name = "max" if p == 100 else "p%d" % p
            check(near(cycles(row[name], hz), percentile(values, p), tol),
                  "irq %s %s: %s cycles, expected %d" %
                  (key, name, cycles(row[name], hz), percentile(values, p)))
    for key, values in expected_stage.items():
        row = stages.get(key)
        check(row is not None, "irq-latency: no stage row %s" % (key,))
        if row is None:
            continue
        values.sort()
        check(row["count"] == len(values), "stage %s: count %s, expected %d" %
              (key, row["count"], len(values)))
        for p in (50, 95, 99, 100):
            name = "max" if p == 100 else "p%d" % p
            check(near(cycles(row[name], hz), percentile(values, p), tol),
                  "stage %s %s: %s, expected %d" % (key, name, cycles(row[name], hz),
                                                    percentile(values, p)))
    # Coalesced interrupts are chains too (served by the handler of the one
    # pending before them); every interrupt is either chained or unfinished.
    cov = t[("irq_latency", "coverage")]
    coalesced = sum(r["coalesced"] for r in cov)
    chained = sum(r["chained"] for r in cov)
    ended = sum(r["ended_early"] for r in cov)
    check(coalesced == truth["coalesced"],
          "coalesced: %d, expected %d" % (coalesced, truth["coalesced"]))
    check(sum(1 for c in truth["chains"] if c["coalesced"]) == truth["coalesced"],
          "truth: every coalesced interrupt is a chain")
    check(chained == len(truth["chains"]),
          "chained: %d, expected %d" % (chained, len(truth["chains"])))
    check(ended == truth["unfinished"], "ended early: %d, expected %d (unfinished)" %
          (ended, truth["unfinished"]))
    check(sum(r["interrupts"] for r in cov) == chained + ended,
          "coverage: interrupts = chained + ended early")
    print("irq-latency: %d chains in %d interrupts, %d coalesced: checked" %
          (len(truth["chains"]), len(expected), truth["coalesced"]))


def check_sched(args, session, truth):
    hz = truth["tsc_hz"]
    _, t = view(args, "sched-latency", session)
    rows = {(r["domid"], r["vcpu"]): r for r in t[("sched_latency", "by_vcpu")]}
    for v in truth["vcpus"]:
        values = sorted(v["wake_latencies"])
        row = rows.get((v["domid"], v["vcpu"]))
        if not values:
            check(row is None, "sched-latency: %s has no wakes" % v)
            continue
        check(row is not None and row["wakes"] == len(values),
              "sched-latency d%dv%d: %s wakes, expected %d" %
              (v["domid"], v["vcpu"], row and row["wakes"], len(values)))
        if row is None:
            continue
        for p in (50, 95, 99, 100):
            name = "max" if p == 100 else "p%d" % p
            check(near(cycles(row[name], hz), percentile(values, p), 2),
                  "sched-latency d%dv%d %s" % (v["domid"], v["vcpu"], name))
        check(near(cycles(row["mean"], hz), sum(values) / len(values), 2),
              "sched-latency d%dv%d mean" % (v["domid"], v["vcpu"]))
    print("sched-latency: %d wakes: checked" % sum(len(v["wake_latencies"]) for v in truth["vcpus"]))


def check_cpu(args, session, truth, exact_guest=True):
    hz = truth["tsc_hz"]
    _, t = view(args, "cpu", session)
    lanes = {r["cpu"]: r for r in t[("cpu", "lanes")]}
    vcpus = t[("cpu", "vcpus")]
    for lane in truth["lanes"]:
        row = lanes.get(lane["pcpu"])
        check(row is not None, "cpu: no lane %d" % lane["pcpu"])
        if row is None:
            continue
        span = lane["last"] - lane["first"]
        parts = ("guest", "hypervisor", "idle", "lost", "unknown")
        total = sum(cycles(row[p], hz) for p in parts)
        check(near(total, cycles(row["span"], hz), 6), "cpu %d: parts %f != span %f" %
              (lane["pcpu"], total, cycles(row["span"], hz)))
        check(near(cycles(row["span"], hz), span, 2), "cpu %d span" % lane["pcpu"])
        for name in ("hypervisor", "idle", "lost"):
            check(near(cycles(row[name], hz), lane[name], 2), "cpu %d %s: %f, expected %d" %
                  (lane["pcpu"], name, cycles(row[name], hz), lane[name]))
        guest = sum(lane["guest"].values())
        check(near(cycles(row["guest"], hz), guest, 2), "cpu %d guest: %f, expected %d" %
              (lane["pcpu"], cycles(row["guest"], hz), guest))
        check(row["unknown"] == 0, "cpu %d: unknown time %s" % (lane["pcpu"], row["unknown"]))
        if exact_guest:
            for dom, c in lane["guest"].items():
                got = sum(cycles(v["time"], hz) for v in vcpus
                          if v["cpu"] == lane["pcpu"] and str(v["domid"]) == dom)
                check(near(got, c, 4), "cpu %d dom %s: %f, expected %d" %
                      (lane["pcpu"], dom, got, c))
    print("cpu: %d lanes: checked" % len(truth["lanes"]))


def check_counts(args, session, truth):
    _, t = view(args, "summary", session)
    counts = collections.Counter()
    for r in t[("event_counts", "event_classes")]:
        counts[(r["layer"], r["event"])] += r["count"]
    for name, n in truth["xen_events"].items():
        check(counts[("xen", name)] == n, "summary: xen %s %d, expected %d" %
              (name, counts[("xen", name)], n))
    for name, n in truth["dom0_events"].items():
        check(counts[("kernel", name)] == n, "summary: kernel %s %d, expected %d" %
              (name, counts[("kernel", name)], n))
    _, g = view(args, "grants", session)
    pairs = {(r["granting_domid"], r["mapping_domid"]): r for r in g[("grants", "pairs")]}
    for gt in truth["grants"]:
        row = pairs.get((gt["granting_domid"], gt["mapping_domid"]))
        check(row is not None and row["maps"] == gt["maps"] and row["unmaps"] == gt["unmaps"],
              "grants %s: %s" % (gt, row))
    print("summary, grants: checked")


def check_loss(args, session, truth):
    _, t = view(args, "loss", session)
    lost = collections.Counter()
    for r in t[("loss", "totals")]:
        if r["source"] == "hypervisor":
            lost[str(r["cpu"])] += r["lost"]
    for cpu, n in truth["lost"].items():
        check(lost[cpu] == n, "loss cpu %s: %d, expected %d" % (cpu, lost[cpu], n))
    check(sum(truth["lost"].values()) > 0, "the lossy run lost nothing")
    print("loss: %d records lost: checked" % sum(truth["lost"].values()))


def audit_violations(args, session):
    _, t = view(args, "audit", session)
    for r in t[("audit", "checks")]:
        if r["check"].startswith("guest events while"):
            return r["count"], r["verdict"]
    raise SystemExit("no audit check of guest events")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", required=True)
    ap.add_argument("--view", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    session, truth = synth(args, "clean")
    check(len(truth["chains"]) > 100 and truth["coalesced"] > 0, "the model made few chains")
    check_irq(args, session, truth)
    check_sched(args, session, truth)
    check_cpu(args, session, truth)
    check_counts(args, session, truth)
    n, verdict = audit_violations(args, session)
    check(n == 0 and verdict == "ok", "audit on a good clock: %s %s" % (n, verdict))

    lossy, ltruth = synth(args, "lossy", "--lose-at", "20000")
    check_loss(args, lossy, ltruth)
    check_cpu(args, lossy, ltruth, exact_guest=False)

    skewed, _ = synth(args, "skewed", "--skew-dom0", "100000")
    n, verdict = audit_violations(args, skewed)
    check(n > 0 and verdict == "VIOLATION",
          "audit on a dom0 clock 100k cycles off: %s %s (it must fail)" % (n, verdict))
    print("audit: 0 violations on the good clock, %d with the skewed one" % n)

    if FAILURES:
        print("%d checks failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
