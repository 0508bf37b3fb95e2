#!/usr/bin/env python3
"""Checks a trace lttd wrote against what ltt-stress says it produced.

babeltrace2 (the reference reader) must read the trace and exit 0, with no
warning other than discarded-events ones. Its events are parsed per CPU
(cpu_id of the stream = the record's cpu field) and their sequence numbers
checked:

  exact     (default) what the buffers did not lose is there exactly once, in
            order: events = produced - lost, and the discarded-events reports
            add up to the losses ltt-stress counted, per CPU;
  subset    (lttd was killed) no record twice, in order, none beyond what
            was produced;
  snapshot  (overwrite mode) consecutive sequence numbers ending with the
            last one produced (--last), none older than --min.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

EVENT = re.compile(r" stress_(?:small|medium|large): \{ cpu_id = (\d+) \}, \{ cpu = (\d+), seq = (\d+)")
DISCARDED = re.compile(r"[Tt]racer discarded (\d+) events?.*within stream \"([^\"]+)\"")
STREAM_CPU = re.compile(r"cpu_(\d+)$")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def stress_report(path, batch):
    with open(path) as f:
        lines = [json.loads(l) for l in f if l.strip()]
    if not lines:
        fail(f"{path}: ltt-stress printed nothing")
    if batch:
        for l in lines:
            if l["batch"] == batch:
                return l
        fail(f"{path}: no report for batch {batch}")
    return lines[-1]


def read_trace(bt, trace):
    # stderr to a file: a pipe nobody reads while stdout is read would fill
    # with discarded-events warnings and block babeltrace2.
    err = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([bt, trace], stdout=subprocess.PIPE, stderr=err, text=True)
    seqs = defaultdict(list)
    bad_lines = 0
    for line in proc.stdout:
        m = EVENT.search(line)
        if not m:
            bad_lines += 1
            if bad_lines < 5:
                print(f"unexpected babeltrace2 line: {line.rstrip()[:200]}")
            continue
        cpu_id, cpu, seq = int(m[1]), int(m[2]), int(m[3])
        if cpu_id != cpu:
            fail(f"record of cpu {cpu} in the stream of cpu {cpu_id}")
        seqs[cpu].append(seq)
    status = proc.wait()
    err.seek(0)
    stderr = err.read()
    if status != 0:
        fail(f"babeltrace2 exited {status}:\n{stderr[-3000:]}")
    if bad_lines:
        fail(f"{bad_lines} lines babeltrace2 printed are not ltt-stress records")
    discarded = defaultdict(int)
    for n, stream in DISCARDED.findall(stderr):
        m = STREAM_CPU.search(stream)
        if not m:
            fail(f"discarded-events report for an unknown stream {stream}")
        discarded[int(m[1])] += int(n)
    warnings = [l for l in stderr.splitlines()
                if "WARNING" in l or "ERROR" in l
                if "discarded" not in l]
    if warnings:
        fail("babeltrace2 warned:\n  " + "\n  ".join(warnings[:5]))
    return seqs, discarded


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--babeltrace2", required=True)
    ap.add_argument("--trace", required=True)
    ap.add_argument("--stress", required=True, help="ltt-stress output (JSON lines)")
    ap.add_argument("--batch", type=int, default=0, help="use this batch's report")
    ap.add_argument("--mode", choices=["exact", "subset", "snapshot"], default="exact")
    ap.add_argument("--no-loss", action="store_true")
    ap.add_argument("--require-losses", action="store_true")
    ap.add_argument("--cpus", help="comma-separated CPUs that must have records")
    ap.add_argument("--last", type=int, help="snapshot: the last sequence number of each CPU")
    ap.add_argument("--min", type=int, default=0, help="snapshot: no sequence number below")
    ap.add_argument("--index", action="store_true", help="check index.json against the trace")
    ap.add_argument("--allow-inconsistent", action="store_true",
                    help="the test broke a buffer under ltt-stress: its counts may not add up")
    a = ap.parse_args()

    rep = stress_report(a.stress, a.batch)
    produced = {c["cpu"]: c["produced"] for c in rep["cpus"]}
    lost = {c["cpu"]: c["lost_total"] for c in rep["cpus"]}
    if a.mode != "snapshot" and not a.allow_inconsistent and not rep["consistent"]:
        fail("ltt-stress's own counts are inconsistent (produced != committed + lost)")
    seqs, discarded = read_trace(a.babeltrace2, a.trace)
    total = sum(len(s) for s in seqs.values())
    print(f"{a.trace}: {total} events on CPUs {sorted(seqs)}; produced {sum(produced.values())}, "
          f"lost {sum(lost.values())}, discarded reported {sum(discarded.values())}")

    for cpu in (int(c) for c in a.cpus.split(",")) if a.cpus else []:
        if not seqs.get(cpu):
            fail(f"cpu {cpu} has no record in the trace")
    for cpu, s in seqs.items():
        if cpu not in produced:
            fail(f"records of cpu {cpu}, which ltt-stress did not write")
        for prev, cur in zip(s, s[1:]):
            if cur <= prev:
                fail(f"cpu {cpu}: seq {cur} after {prev} (duplicate or out of order)")
        if s[-1] >= produced[cpu]:
            fail(f"cpu {cpu}: seq {s[-1]} but only {produced[cpu]} produced")

    if a.mode == "exact":
        if a.no_loss and sum(lost.values()):
            fail(f"ltt-stress counted {sum(lost.values())} lost records; expected none")
        if a.require_losses and not sum(lost.values()):
            fail("no record was lost; the test needs an overloaded producer")
        for cpu in produced:
            got = len(seqs.get(cpu, []))
            if got != produced[cpu] - lost[cpu]:
                fail(f"cpu {cpu}: {got} records in the trace, produced {produced[cpu]} - "
                     f"lost {lost[cpu]} = {produced[cpu] - lost[cpu]}")
            if discarded.get(cpu, 0) != lost[cpu]:
                fail(f"cpu {cpu}: babeltrace2 reports {discarded.get(cpu, 0)} discarded, "
                     f"ltt-stress counted {lost[cpu]} lost")
    elif a.mode == "snapshot":
        for cpu in produced:
            s = seqs.get(cpu, [])
            if not s:
                fail(f"cpu {cpu}: no record in the snapshot")
            if any(cur != prev + 1 for prev, cur in zip(s, s[1:])):
                fail(f"cpu {cpu}: the snapshot's records are not consecutive")
            if a.last is not None and s[-1] != a.last:
                fail(f"cpu {cpu}: last record {s[-1]}, the most recent produced is {a.last}")
            if s[0] < a.min:
                fail(f"cpu {cpu}: record {s[0]} is older than {a.min}")
            print(f"  cpu {cpu}: records {s[0]}..{s[-1]}")

    if a.index:
        with open(os.path.join(a.trace, "index.json")) as f:
            index = json.load(f)
        cpus = index["domains"][0]["channels"][0]["cpus"]
        for c in cpus:
            n = len(seqs.get(c["cpu"], []))
            if c["records"] != n:
                fail(f"index.json: cpu {c['cpu']} records {c['records']}, trace has {n}")
            if a.mode == "exact" and c["events_discarded"] != lost[c["cpu"]]:
                fail(f"index.json: cpu {c['cpu']} events_discarded {c['events_discarded']}, "
                     f"lost {lost[c['cpu']]}")
    print("trace OK")


if __name__ == "__main__":
    main()
