#!/usr/bin/env python3
"""The dom0 workload runs of one e2e scenario, their rates and the host's
load while each ran; the overhead of a tracer as a comparison of rates.

ltt-e2e-workload runs for a fixed time and reports, per phase, operations
per second (test/e2e/workload/workload.c). A scenario's guest.sh runs it
through e2e_workload NAME, which puts the JSON into result.json under NAME
and logs "workload NAME: start" and "workload NAME: {...}" on the console,
whose lines boot.sh stamps with the host's seconds since QEMU started;
boot.sh also samples the host's load every 2 s (hostload.tsv). From these,
per run: its rates and the host load while it ran (mean 1-minute load
average, cores busy with other work than QEMU, cores QEMU used).

Overhead: the scenario interleaves rounds of the sides it compares
(untraced, traced, ...). Per phase, each side's best rate over its rounds;
a side's overhead is how much longer the same work takes on it than
untraced: 100 x (untraced rate / side's rate - 1), per phase and as the
geometric mean of the phases' ratios. Other work on the host slows the
emulated CPUs down by up to 20x, unevenly: the host load next to each run
says how far to trust the figures.

    workload_rates.py RESULT_DIR --side NAME=PATTERN... [--json OUT]

RESULT_DIR is e2e-out/SCENARIO (guest/result.json, console.log,
hostload.tsv); PATTERN a result name with {round} for the round number,
e.g. --side untraced=workload_untraced_{round} --side ltt=workload_ltt_{round};
the first side is the baseline. Prints a table; --json writes everything.
Exits 1 when a side has no run.
"""

import argparse
import json
import math
import os
import re
import sys

CONSOLE_RE = re.compile(r"^\[\s*(\d+\.\d+)\] ltt-e2e\[[0-9.]+\]: workload (\S+): (start|\{)")


def is_workload(value):
    return isinstance(value, dict) and isinstance(value.get("phases"), dict) and all(
        isinstance(p, dict) and "ops_per_s" in p for p in value["phases"].values())


def read_hostload(path):
    """[(seconds, load1, others_cores, qemu_cores)] from boot.sh's TSV."""
    samples = []
    if not os.path.exists(path):
        return samples
    with open(path) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) != 4 or parts[0] == "seconds":
                continue
            samples.append(tuple(float(x) for x in parts))
    return samples


def read_console_times(path):
    """{name: [start_s, end_s]} of each workload run, host seconds since
    QEMU started."""
    times = {}
    if not os.path.exists(path):
        return times
    with open(path, errors="replace") as f:
        for line in f:
            m = CONSOLE_RE.match(line)
            if not m:
                continue
            t, name, what = float(m.group(1)), m.group(2), m.group(3)
            span = times.setdefault(name, [None, None])
            span[0 if what == "start" else 1] = t
    return times


def host_load(samples, start, end):
    """Mean load over the samples taken while a run ran (each sample covers
    the 2 s before it), or the nearest sample after it."""
    if start is None or end is None:
        return None
    inside = [s for s in samples if start < s[0] <= end + 2.0]
    if not inside:
        later = [s for s in samples if s[0] > start]
        inside = later[:1]
    if not inside:
        return None
    n = len(inside)
    return {"load1": round(sum(s[1] for s in inside) / n, 2),
            "others_cores": round(sum(s[2] for s in inside) / n, 2),
            "qemu_cores": round(sum(s[3] for s in inside) / n, 2),
            "samples": n}


def load_runs(result_dir):
    """{name: run} of every workload run in the scenario's result.json."""
    with open(os.path.join(result_dir, "guest", "result.json")) as f:
        results = json.load(f)["results"]
    times = read_console_times(os.path.join(result_dir, "console.log"))
    samples = read_hostload(os.path.join(result_dir, "hostload.tsv"))
    runs = {}
    for name, value in results.items():
        if not is_workload(value):
            continue
        start, end = times.get(name, [None, None])
        runs[name] = {
            "name": name,
            "seconds": value.get("total_s"),
            "phases": {p: {"ops": v["ops"], "seconds": v["seconds"], "ops_per_s": v["ops_per_s"],
                           "op": v.get("op")}
                       for p, v in value["phases"].items()},
            "host_start_s": start,
            "host_load": host_load(samples, start, end),
        }
    return runs


def compare(runs, sides):
    """sides: [(side, pattern)], the first the baseline."""
    out = {"sides": {}, "phases": {}, "overhead_pct": {}}
    for side, pattern in sides:
        rounds = []
        if "{round}" in pattern:
            r = 1
            while pattern.format(round=r) in runs:
                rounds.append(runs[pattern.format(round=r)])
                r += 1
        elif pattern in runs:  # a single run
            rounds.append(runs[pattern])
        out["sides"][side] = rounds
    missing = [s for s, rounds in out["sides"].items() if not rounds]
    if missing:
        return out, "no workload run for side(s) %s" % ", ".join(missing)
    base = sides[0][0]
    phases = list(out["sides"][base][0]["phases"])
    for p in phases:
        best = {}
        for side, rounds in out["sides"].items():
            rates = [run["phases"][p]["ops_per_s"] for run in rounds if p in run["phases"]]
            best[side] = max(rates) if rates else None
        out["phases"][p] = {"op": out["sides"][base][0]["phases"][p]["op"], "best_ops_per_s": best,
                            "overhead_pct": {}}
        for side in best:
            if side == base or not best[side] or not best[base]:
                continue
            out["phases"][p]["overhead_pct"][side] = 100.0 * (best[base] / best[side] - 1.0)
    for side, _ in sides[1:]:
        ratios = [1.0 + v["overhead_pct"][side] / 100.0 for v in out["phases"].values()
                  if side in v["overhead_pct"]]
        if ratios:
            gm = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
            out["overhead_pct"][side] = 100.0 * (gm - 1.0)
    return out, None


# Student's t, 0.975 quantile, by degrees of freedom (1..30): the 95%
# interval of a mean of few rounds. A table, not scipy: ten numbers do not
# need a dependency.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def mean_ci(values):
    """{mean, ci95: [low, high], n, sd} of values (the t interval of the mean)."""
    n = len(values)
    if n == 0:
        return {"n": 0, "mean": None, "sd": None, "ci95": None}
    m = sum(values) / n
    if n < 2:
        return {"n": n, "mean": m, "sd": None, "ci95": None}
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1))
    half = (T975[n - 2] if n - 1 <= len(T975) else 1.96) * sd / math.sqrt(n)
    return {"n": n, "mean": m, "sd": sd, "ci95": [m - half, m + half]}


def geomean_rate(run):
    v = [p["ops_per_s"] for p in run["phases"].values()]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v and min(v) > 0 else 0.0


def intervals(cmp, sides):
    """Many interleaved rounds, intervals not single figures: per side the
    mean of its rounds' rates (geometric mean of the phases) with a 95%
    interval; per traced side its overhead round by round against the
    untraced run of the same round (paired: the host's load drifts between
    rounds more than within one) with its mean and interval; the same for
    the difference of two traced sides' overheads. An interval that holds
    0 says the difference is not shown to be real."""
    names = [s for s, _ in sides]
    base = names[0]
    out = {"rate": {}, "overhead_pct": {}, "difference_pct": {}}
    gm = {s: [geomean_rate(r) for r in cmp["sides"][s]] for s in names}
    for s in names:
        out["rate"][s] = mean_ci(gm[s])
    # Round by round; a round with a rate of 0 on either side compared
    # (no operation finished) is left out of that comparison only.
    over = {}
    for s in names[1:]:
        over[s] = [100.0 * (b / t - 1.0) if b > 0 and t > 0 else None
                   for b, t in zip(gm[base], gm[s])]
        kept = [v for v in over[s] if v is not None]
        if kept:
            out["overhead_pct"][s] = mean_ci(kept)
    for i, a in enumerate(names[1:]):
        for b in names[2 + i:]:
            d = [x - y for x, y in zip(over[a], over[b]) if x is not None and y is not None]
            if d:
                out["difference_pct"]["%s - %s" % (a, b)] = mean_ci(d)
    for group in (out["overhead_pct"], out["difference_pct"]):
        for v in group.values():
            v["shown"] = v["ci95"] is not None and (v["ci95"][0] > 0 or v["ci95"][1] < 0)
    return out


def print_intervals(iv, prefix=""):
    def fmt(v, unit=""):
        if v["ci95"] is None:
            return "%.1f%s (1 round)" % (v["mean"], unit)
        return "%.1f%s [%.1f, %.1f]" % (v["mean"], unit, v["ci95"][0], v["ci95"][1])
    print(prefix + "rounds' rates, mean [95% interval] (geometric mean of the phases, ops/s): "
          + ", ".join("%s %s" % (s, fmt(v)) for s, v in iv["rate"].items()))
    print(prefix + "overhead per round against the same round's untraced run, mean [95% interval]: "
          + ", ".join("%s %s%s" % (s, fmt(v, "%"), "" if v["shown"] else " (not shown to differ from 0)")
                      for s, v in iv["overhead_pct"].items()))
    for k, v in iv["difference_pct"].items():
        print(prefix + "difference of overheads %s: %s%s"
              % (k, fmt(v, " points"), "" if v["shown"] else " (not shown to be real)"))


def fmt_load(load):
    if not load:
        return "host load ?"
    return "load %.1f, other work %.1f cores, QEMU %.1f" % (load["load1"], load["others_cores"],
                                                            load["qemu_cores"])


def print_table(cmp, sides, prefix=""):
    names = [s for s, _ in sides]
    base = names[0]
    phases = list(cmp["phases"])
    print(prefix + "%-26s" % "run" + "".join("%12s" % p for p in phases) + "   host while it ran")
    for side in names:
        for run in cmp["sides"][side]:
            print(prefix + "%-26s" % run["name"]
                  + "".join("%12.1f" % run["phases"][p]["ops_per_s"] if p in run["phases"] else "%12s" % "-"
                            for p in phases)
                  + "   " + fmt_load(run["host_load"]))
    print(prefix + "operations per second (best of each side's rounds):")
    for p, v in cmp["phases"].items():
        best = v["best_ops_per_s"]
        cells = ", ".join("%s %.1f" % (s, best[s]) for s in names if best.get(s) is not None)
        over = ", ".join("%s %+.1f%%" % (s, v["overhead_pct"][s]) for s in names[1:] if s in v["overhead_pct"])
        print(prefix + "  %-5s %s; overhead vs %s: %s   (op: %s)" % (p, cells, base, over or "-", v["op"]))
    if cmp["overhead_pct"]:
        print(prefix + "overhead vs %s, geometric mean of the phases: " % base
              + ", ".join("%s %+.1f%%" % kv for kv in cmp["overhead_pct"].items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("result_dir")
    ap.add_argument("--side", action="append", required=True, metavar="NAME=PATTERN")
    ap.add_argument("--json")
    args = ap.parse_args()
    sides = []
    for s in args.side:
        if "=" not in s:
            ap.error("--side %s: want NAME=PATTERN" % s)
        sides.append(tuple(s.split("=", 1)))
    runs = load_runs(args.result_dir)
    cmp, problem = compare(runs, sides)
    if problem:
        print("workload_rates: %s: %s (runs: %s)" % (args.result_dir, problem, ", ".join(sorted(runs)) or "none"),
              file=sys.stderr)
        return 1
    print_table(cmp, sides)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(cmp, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
