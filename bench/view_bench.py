#!/usr/bin/env python3
"""ltt-view's read speed next to babeltrace2's (and xenalyze's), one run.

On an ltt-xen session of N events (ltt-synth; 10 M by default) every command
below reads the same trace; the figures are events per second of CPU time
(user + system, from wait4: a busy host slows the wall clock, not the work)
and of wall time, and each program's own peak RSS (both measured by
ltt-bench-child-usage, which runs the program as its child; the RSS it
leaves as a floor, `true`'s peak, is peak_rss_floor_kb):

  ltt-view events > /dev/null      against  babeltrace2 --output-format=dummy
                                   and      babeltrace2 (text) > /dev/null
  ltt-view summary, and each analysis (irq-latency, sched-latency, cpu,
  grants, loss, audit)
  on each xentrace file given: ltt-view summary / events against
  xenalyze --summary / --dump-all (same --cpu-hz)

Writes OUT/view.json (ltt_view_events_per_s, babeltrace2_dummy_events_per_s,
ratio_vs_babeltrace2 = the first over the second, the text ratio, each
analysis, peak RSS of each, the host's load) and prints a table. Never fails
on the figures; fails only when a program fails.

  view_bench.py --view BIN --synth BIN --babeltrace2 BIN --child-usage BIN --out DIR
                [--xenalyze BIN --xentrace FILE...] [--events N] [--quick]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

CHILD_USAGE = None  # --child-usage: runs one program, writes its own rusage


def run(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (cpu seconds, wall seconds, peak RSS KiB), each of cmd's own process.

    Through the child-usage launcher, not os.wait4 here: Linux carries a
    process's peak RSS across exec, so a child forked from this script would
    start with Python's RSS as its peak (every program showed the same)."""
    # stderr goes to a file, not a pipe: a tool that writes much there
    # (xenalyze's warnings) would block on a full pipe while we wait for it.
    with tempfile.TemporaryFile() as errfile, tempfile.NamedTemporaryFile("r") as usage:
        start = time.monotonic()
        launcher = subprocess.run([CHILD_USAGE, usage.name] + cmd, stdout=stdout, stderr=errfile)
        wall = time.monotonic() - start
        errfile.seek(0)
        err = errfile.read().decode(errors="replace")
        figures = usage.read().split()
    if launcher.returncode != 0 or len(figures) != 4:
        raise SystemExit("view_bench: %s could not be measured: %s" % (" ".join(cmd), err[-500:]))
    user, system, rss, code = float(figures[0]), float(figures[1]), int(figures[2]), int(figures[3])
    if code != 0:
        raise SystemExit("view_bench: %s failed (%d): %s" % (" ".join(cmd), code, err[-500:]))
    return user + system, wall, rss


def best(cmd, repeat):
    """The run with the least CPU time of `repeat`."""
    runs = [run(cmd) for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def count_events(view, path):
    out = subprocess.run([view, "summary", "--json", path], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)["events"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--view", required=True)
    ap.add_argument("--synth", required=True)
    ap.add_argument("--babeltrace2", required=True)
    ap.add_argument("--child-usage", required=True,
                    help="ltt-bench-child-usage (bench/child_usage.cpp)")
    ap.add_argument("--xenalyze")
    ap.add_argument("--xentrace", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="small trace, one run: no figures")
    args = ap.parse_args()
    global CHILD_USAGE
    CHILD_USAGE = args.child_usage
    os.makedirs(args.out, exist_ok=True)
    if args.quick:
        args.events = 100_000
    repeat = 1 if args.quick else 3

    session = os.path.join(args.out, "view-session-%d" % args.events)
    if not os.path.isdir(session):
        subprocess.run([args.synth, "--output", session, "--events", str(args.events)],
                       check=True, stderr=subprocess.DEVNULL)
    n = count_events(args.view, session)
    load = os.getloadavg()[0]
    # What the launcher itself leaves in a child's peak RSS (the least any
    # program can show).
    rss_floor = run(["true"])[2]

    results = {}
    def measure(name, cmd, events, runs=repeat):
        cpu, wall, rss = best(cmd, runs)
        results[name] = {"events": events, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
                         "events_per_s": round(events / cpu) if cpu > 0 else None,
                         "events_per_wall_s": round(events / wall) if wall > 0 else None,
                         "peak_rss_kb": rss}
        print("  %-34s %10.2f M/s  (%6.2f s CPU, %6.2f s wall, %7d KiB peak RSS)" %
              (name, (events / cpu) / 1e6 if cpu else 0, cpu, wall, rss), flush=True)

    print("ltt-view against babeltrace2 on an ltt-xen session of %d events (host load %.1f; "
          "peak RSS floor of the launcher %d KiB):" % (n, load, rss_floor))
    measure("ltt_view_events", [args.view, "events", session], n)
    measure("babeltrace2_dummy", [args.babeltrace2, "--output-format=dummy", session], n)
    # babeltrace2's text output is slow: one run.
    measure("babeltrace2_text", [args.babeltrace2, session], n, runs=1)
    measure("ltt_view_summary", [args.view, "summary", session], n)
    for a in ("irq-latency", "sched-latency", "cpu", "grants", "loss", "audit"):
        measure("ltt_view_" + a.replace("-", "_"), [args.view, a, session], n)

    xen = {}
    for f in args.xentrace:
        if not args.xenalyze or not os.path.exists(f):
            continue
        name = os.path.basename(f)
        # xentrace files do not record the TSC frequency: both get the same.
        hz = ["--cpu-hz", "2.6G"]
        k = json.loads(subprocess.run([args.view, "summary", "--json"] + hz + [f],
                                      capture_output=True, text=True,
                                      check=True).stdout)["events"]
        print("xentrace %s (%d records):" % (name, k))
        before = dict(results)
        measure("ltt_view_summary:" + name, [args.view, "summary"] + hz + [f], k)
        measure("xenalyze_summary:" + name, [args.xenalyze, "--cpu-hz=2.6G", "--summary", f], k)
        measure("ltt_view_events:" + name, [args.view, "events"] + hz + [f], k)
        measure("xenalyze_dump_all:" + name, [args.xenalyze, "--cpu-hz=2.6G", "--dump-all", f], k)
        xen[name] = {key: results.pop(key) for key in list(results) if key not in before}

    ev = results["ltt_view_events"]["events_per_s"]
    dummy = results["babeltrace2_dummy"]["events_per_s"]
    text = results["babeltrace2_text"]["events_per_s"]
    summary = results["ltt_view_summary"]["events_per_s"]
    doc = {
        "trace_events": n,
        "host_load": load,
        "quick": args.quick,
        "ltt_view_events_per_s": ev,
        "babeltrace2_dummy_events_per_s": dummy,
        "ratio_vs_babeltrace2": round(ev / dummy, 2),
        "babeltrace2_text_events_per_s": text,
        "ratio_vs_babeltrace2_text": round(ev / text, 2),
        "ltt_view_summary_events_per_s": summary,
        "summary_ratio_vs_babeltrace2": round(summary / dummy, 2),
        "peak_rss_kb": {k: v["peak_rss_kb"] for k, v in results.items()},
        "peak_rss_floor_kb": rss_floor,
        "runs": results,
        "xentrace": xen,
    }
    with open(os.path.join(args.out, "view.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print("ltt-view events: %.2fx babeltrace2's dummy sink, %.1fx its text output; summary "
          "%.2fx the dummy sink (goal: 20x)" % (doc["ratio_vs_babeltrace2"],
                                                doc["ratio_vs_babeltrace2_text"],
                                                doc["summary_ratio_vs_babeltrace2"]))
    print("wrote", os.path.join(args.out, "view.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
