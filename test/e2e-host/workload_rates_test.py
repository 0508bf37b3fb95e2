#!/usr/bin/env python3
"""test/e2e/workload_rates.py on a hand-built scenario result whose answers
were worked out by hand:

  run                 cpu ops/s  fork ops/s  console (host s)
  workload_base_1       100         50        10.0 .. 14.0
  workload_base_2       120         40        20.0 .. 24.0
  workload_traced_1     100         25        30.0 .. 34.0
  workload_traced_2      90         20        (no console lines)

Best rates: base cpu 120, fork 50; traced cpu 100, fork 25. Overhead of
traced: cpu 120/100 - 1 = +20 %, fork 50/25 - 1 = +100 %, geometric mean
sqrt(1.2 * 2.0) - 1 = +54.919 %. hostload.tsv has a sample every 2 s whose
load1 is its time and others_cores a tenth of it: a run from 10 to 14
gets the samples at 12, 14 and 16 (each covers the 2 s before it): load1
14.0, others 1.4. A run without console lines gets no host load. A side
without a run is an error (exit 1).

    workload_rates_test.py WORKLOAD_RATES_PY
"""
import json
import os
import subprocess
import sys
import tempfile

script = sys.argv[1]
problems = []


def workload(cpu, fork):
    return {"seconds": 4, "total_s": 4.1, "ncpu": 2, "stopped": False,
            "phases": {"cpu": {"seconds": 2.0, "ops": cpu * 2, "ops_per_s": float(cpu), "op": "Miter"},
                       "fork": {"seconds": 2.0, "ops": fork * 2, "ops_per_s": float(fork), "op": "fork"}}}


with tempfile.TemporaryDirectory(prefix="workload-rates-") as res:
    os.mkdir(os.path.join(res, "guest"))
    results = {"workload_base_1": workload(100, 50), "workload_base_2": workload(120, 40),
               "workload_traced_1": workload(100, 25), "workload_traced_2": workload(90, 20),
               "workload_rounds": 2, "time_selftest_s": 3.5}
    with open(os.path.join(res, "guest", "result.json"), "w") as f:
        json.dump({"scenario": "t", "status": 0, "results": results}, f)
    with open(os.path.join(res, "console.log"), "w") as f:
        f.write("[   1.000] (XEN) Xen version 4.17.5 (root@x) \n")
        for name, a, b in (("workload_base_1", 10, 14), ("workload_base_2", 20, 24),
                           ("workload_traced_1", 30, 34)):
            f.write("[%4d.000] ltt-e2e[%d.00]: workload %s: start: ltt-e2e-workload --seconds 4\n" % (a, a - 5, name))
            f.write("[  %2d.500] ltt-e2e: heartbeat, dom0 uptime 9.00 s\n" % a)
            f.write("[%4d.000] ltt-e2e[%d.00]: workload %s: {\"seconds\": 4}\n" % (b, b - 5, name))
    with open(os.path.join(res, "hostload.tsv"), "w") as f:
        f.write("seconds\tload1\tothers_cores\tqemu_cores\n")
        for t in range(2, 42, 2):
            f.write("%.1f\t%.2f\t%.2f\t%.2f\n" % (t, t, t / 10.0, 0.5))

    out = os.path.join(res, "rates.json")
    r = subprocess.run([sys.executable, script, res, "--side", "base=workload_base_{round}",
                        "--side", "traced=workload_traced_{round}", "--json", out],
                       capture_output=True, text=True, timeout=60)
    print(r.stdout, end="")
    if r.returncode != 0:
        problems.append("status %d: %s" % (r.returncode, r.stderr))
    else:
        d = json.load(open(out))

        def near(a, b):
            return a is not None and abs(a - b) < 1e-6

        ph = d["phases"]
        for p, base, traced, over in (("cpu", 120, 100, 20.0), ("fork", 50, 25, 100.0)):
            if ph[p]["best_ops_per_s"] != {"base": base, "traced": traced}:
                problems.append("%s: best rates %s, expected base %d, traced %d" % (p, ph[p]["best_ops_per_s"], base,
                                                                                    traced))
            if not near(ph[p]["overhead_pct"].get("traced"), over):
                problems.append("%s: overhead %s, expected %s" % (p, ph[p]["overhead_pct"], over))
        if not near(d["overhead_pct"].get("traced"), (1.2 * 2.0) ** 0.5 * 100 - 100):
            problems.append("geometric mean overhead %s, expected 54.919..." % d["overhead_pct"])
        runs = {run["name"]: run for side in d["sides"].values() for run in side}
        if sorted(runs) != ["workload_base_1", "workload_base_2", "workload_traced_1", "workload_traced_2"]:
            problems.append("runs %s" % sorted(runs))
        want = {"workload_base_1": (14.0, 1.4, 3), "workload_base_2": (24.0, 2.4, 3),
                "workload_traced_1": (34.0, 3.4, 3)}
        for name, (load1, others, n) in want.items():
            hl = runs[name]["host_load"]
            if not hl or not near(hl["load1"], load1) or not near(hl["others_cores"], others) or hl["samples"] != n:
                problems.append("%s: host load %s, expected load1 %s, others %s over %d samples" % (name, hl, load1,
                                                                                                   others, n))
        if runs["workload_traced_2"]["host_load"] is not None:
            problems.append("workload_traced_2 has no console lines, got host load %s"
                            % runs["workload_traced_2"]["host_load"])
        if runs["workload_base_1"]["host_start_s"] != 10.0:
            problems.append("workload_base_1 started at %s, expected 10.0" % runs["workload_base_1"]["host_start_s"])

    r = subprocess.run([sys.executable, script, res, "--side", "base=workload_base_{round}",
                        "--side", "other=workload_other_{round}"], capture_output=True, text=True, timeout=60)
    if r.returncode != 1 or "other" not in r.stderr:
        problems.append("a side without runs: status %d, stderr %r (expected 1 naming the side)"
                        % (r.returncode, r.stderr))

for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
