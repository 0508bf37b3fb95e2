#!/usr/bin/env python3
"""ltt-e2e-workload (test/e2e/workload/workload.c) on the host:

- --seconds S runs each asked phase for about its share of S: every phase
  did some work, ops_per_s is ops / seconds, total_s covers the phases;
  the run lasts at least S (a phase ends at its deadline, never before);
- SIGTERM ends a long run early, with "stopped": true and exit status 0,
  and leaves no child process behind;
- --calibrate prints a factor of at least 1 and the times it came from;
- bad usage exits with 2.
No timing upper bound is asserted but a generous one for SIGTERM (60 s): a
busy host must not fail this test, a workload that ignores SIGTERM must.

    workload_test.py LTT_E2E_WORKLOAD
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

exe = sys.argv[1]
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def run_json(args):
    out = subprocess.run([exe] + args, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        problems.append("%s: status %d: %s" % (args, out.returncode, out.stderr.strip()))
        return None
    return json.loads(out.stdout)


with tempfile.TemporaryDirectory(prefix="ltt-e2e-workload-") as tmp:
    d = run_json(["--seconds", "0.8", "--io-dir", tmp])
    if d:
        check(d["stopped"] is False, "stopped is %r in a run that was not stopped" % d["stopped"])
        check(list(d["phases"]) == ["cpu", "fork", "pipe", "io"], "phases %s" % list(d["phases"]))
        for p, v in d["phases"].items():
            check(v["ops"] > 0, "%s: no operation in %.3f s" % (p, v["seconds"]))
            check(v["seconds"] >= 0.2, "%s: %.3f s, less than its share of 0.2 s" % (p, v["seconds"]))
            check(abs(v["ops_per_s"] - v["ops"] / v["seconds"]) <= 0.001 * max(1.0, v["ops_per_s"]),
                  "%s: ops_per_s %s != %d / %s" % (p, v["ops_per_s"], v["ops"], v["seconds"]))
        total = sum(v["seconds"] for v in d["phases"].values())
        check(d["total_s"] >= total - 0.001, "total_s %s < the phases' %s" % (d["total_s"], total))
        check(not os.listdir(tmp), "io phase left files behind: %s" % os.listdir(tmp))

    d = run_json(["--scale", "0.25", "--phases", "pipe,fork"])
    if d:
        check(d["seconds"] == 1, "--scale 0.25: %s seconds, expected 1" % d["seconds"])
        check(list(d["phases"]) == ["fork", "pipe"], "--phases pipe,fork ran %s" % list(d["phases"]))

# SIGTERM in each kind of phase: the cpu phase's children spin until told.
for phases in ("cpu", "fork", "pipe", "io"):
    p = subprocess.Popen([exe, "--seconds", "600", "--phases", phases], stdout=subprocess.PIPE, text=True,
                         start_new_session=True)
    # Signal it once its handler is in place (a slow host may take a while
    # to get there): SigCgt in /proc/PID/status, bit SIGTERM - 1.
    for _ in range(600):
        with open("/proc/%d/status" % p.pid) as f:
            caught = int(next(l for l in f if l.startswith("SigCgt:")).split()[1], 16)
        if caught & (1 << (signal.SIGTERM - 1)):
            break
        time.sleep(0.1)
    time.sleep(0.3)
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        out, _ = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        problems.append("%s: still running 60 s after SIGTERM" % phases)
        continue
    waited = time.monotonic() - t0
    check(p.returncode == 0, "%s: status %d after SIGTERM" % (phases, p.returncode))
    try:
        d = json.loads(out)
        check(d["stopped"] is True, "%s: stopped is %r after SIGTERM" % (phases, d["stopped"]))
        check(list(d["phases"]) == [phases], "%s: phases %s" % (phases, list(d["phases"])))
    except ValueError:
        problems.append("%s: not JSON after SIGTERM: %r" % (phases, out[:200]))
    # Nothing left in the process group (the cpu phase's children).
    try:
        os.killpg(p.pid, 0)
        time.sleep(2)
        os.killpg(p.pid, 0)
        problems.append("%s: processes left running after SIGTERM" % phases)
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    print("SIGTERM during %s: exited after %.2f s" % (phases, waited))

d = run_json(["--calibrate"])
if d:
    check(d["factor"] >= 1.0, "calibration factor %s < 1" % d["factor"])
    parts = d["cpu_s"] + d["pipe_s"] + d["fork_s"]
    check(abs(parts - d["calibration_s"]) < 0.01, "calibration_s %s != cpu+pipe+fork %s" % (d["calibration_s"], parts))
    want = max(1.0, d["calibration_s"] / d["reference_s"])
    check(abs(d["factor"] - want) < 0.011, "factor %s, calibration_s / reference_s = %s" % (d["factor"], want))
    print("calibration on the host: %s" % d)

for bad in (["--seconds", "0"], ["--seconds", "x"], ["--phases", "nope"], ["--frobnicate"]):
    r = subprocess.run([exe] + bad, capture_output=True, text=True, timeout=60)
    check(r.returncode == 2 and r.stderr, "%s: status %d, stderr %r (expected 2 and a message)"
          % (bad, r.returncode, r.stderr))

for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
