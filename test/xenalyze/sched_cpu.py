#!/usr/bin/env python3
"""ltt-view sched-latency and cpu against xenalyze --summary on one xentrace file.

xenalyze (Debian's, from Xen's tools) is the independent computation: its
per-vCPU runstate figures are parsed from its text (parity.py's parser) and
compared with what ltt-view's analyses print in --json for the same file and
TSC frequency:

  sched-latency --xenalyze-compat, per vCPU: wakes equal to xenalyze's
      "wake" count; mean within one cycle of xenalyze's average (xenalyze
      truncates it to whole cycles);
  sched-latency (its own definition: blocked -> runnable until running, from
      the first record on): at least as many wakes as xenalyze finds, never
      fewer (xenalyze starts following a vCPU at its first run);
  cpu, per domain vCPU: the time it ran as a guest (summed over the physical
      CPUs it ran on) within 1% of xenalyze's running time less the time of
      its HVM exits (what ltt-view counts as hypervisor time in a vCPU's
      running stretch; xentrace has no hypercall or interrupt ends);
  cpu, per physical CPU: idle time within 1% of the running time xenalyze
      gives the idle domain's vCPU of that CPU.

  sched_cpu.py --ltt-view BIN --xenalyze BIN --cpu-hz HZ FILE
Exit status 0 when everything matches, 1 with every difference listed.
"""

import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity import checker, parse_xenalyze  # noqa: E402

IDLE_DOMAIN = 32767


def ltt_view(args, command, extra=()):
    """The named analysis's tables of `ltt-view COMMAND --json`, times in cycles."""
    cmd = [args.ltt_view, command, "--json", "--cpu-hz", str(args.cpu_hz), *extra, args.file]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    tables = {}
    for result in json.loads(out)["results"]:
        if result["analysis"] == "audit":
            continue
        if result["time_unit"] != "s":
            sys.exit(f"{' '.join(cmd)}: times in {result['time_unit']}, expected seconds")
        for t in result["tables"]:
            units = {c["name"]: c["unit"] for c in t["columns"]}
            rows = []
            for row in t["rows"]:
                r = dict(row)
                for k, u in units.items():
                    if u == "time" and r.get(k) is not None:
                        r[k] = r[k] * args.cpu_hz  # cycles, unrounded
                rows.append(r)
            tables[t["name"]] = rows
    return tables


def stat_cycles(s):
    return s["avg"] * s["count"]


RE_TIME = re.compile(r"^\S?\s*(\d+\.\d{9}) ")
RE_ACT = re.compile(r" (d[\d?]+v[\d?]+) (runstate_change|vmexit|vmentry)\b(.*)$")
RE_CHANGE = re.compile(r"^ d(\d+)v(\d+) (\w+)->(\w+)")


def guest_cycles_from_dump(dump, hz):
    """Per vCPU, cycles of running less HVM exits, from xenalyze --dump-all.

    The lane model cpu_usage.hpp documents, computed from xenalyze's own
    decoding of every record: a vCPU runs from its change to running to its
    next change; an exit is hypervisor time from its vmexit to the vmentry,
    cut short by a vCPU starting on that CPU or the exiting vCPU leaving it.
    The running intervals still open at the end close at their CPU's last
    record. (xenalyze's printed seconds come out 1/4096 short of cycles / hz,
    its fixed-point conversion: well inside the 1% compared.)"""
    running = {}    # vcpu -> (start, pcpu)
    in_exit = {}    # pcpu -> (vcpu, start)
    last = {}       # pcpu -> last timestamp
    total = {}      # vcpu -> running seconds
    exits = {}      # vcpu -> exit seconds while running
    for line in dump.splitlines():
        t = RE_TIME.match(line)
        if not t:
            continue
        ts = float(t.group(1))
        rest = line[t.end():]
        a = RE_ACT.search(rest)
        marker = rest[:a.start()] if a else rest.split(" d", 1)[0]
        if "x" not in marker:
            continue
        pcpu = marker.index("x")
        last[pcpu] = ts
        if not a:
            continue
        actor, kind, tail = a.groups()

        def close_exit(at):
            if pcpu in in_exit:
                v, start = in_exit.pop(pcpu)
                exits[v] = exits.get(v, 0.0) + at - start

        if kind == "runstate_change":
            m = RE_CHANGE.match(tail)
            if not m:
                continue
            v = f"d{m.group(1)}v{m.group(2)}"
            old, new = m.group(3), m.group(4)
            if new == "running" or (old == "running" and in_exit.get(pcpu, ("",))[0] == v):
                close_exit(ts)
            if new == "running":
                running[v] = (ts, pcpu)
            elif v in running:
                start, _ = running.pop(v)
                total[v] = total.get(v, 0.0) + ts - start
        elif kind == "vmexit":
            close_exit(ts)
            if actor in running:
                in_exit[pcpu] = (actor, ts)
        else:
            close_exit(ts)
    for v, (start, pcpu) in running.items():
        total[v] = total.get(v, 0.0) + last[pcpu] - start
    for pcpu in list(in_exit):
        v, start = in_exit.pop(pcpu)
        exits[v] = exits.get(v, 0.0) + last[pcpu] - start
    out = {}
    for v, secs in total.items():
        dom, vcpu = (int(x) for x in v[1:].split("v"))
        out[(dom, vcpu)] = (secs - exits.get(v, 0.0)) * hz
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltt-view", required=True)
    ap.add_argument("--xenalyze", required=True)
    ap.add_argument("--cpu-hz", required=True, type=int)
    ap.add_argument("file")
    a = ap.parse_args()

    xen = subprocess.run([a.xenalyze, "--summary", f"--cpu-hz={a.cpu_hz}", a.file],
                         capture_output=True, text=True, check=True).stdout
    theirs = parse_xenalyze(xen)
    dumped = guest_cycles_from_dump(
        subprocess.run([a.xenalyze, "--dump-all", f"--cpu-hz={a.cpu_hz}", a.file],
                       capture_output=True, text=True, check=True).stdout, a.cpu_hz)
    if not theirs:
        sys.exit(f"{a.file}: xenalyze reported no vCPU (its output changed?)")

    compat = {(r["domid"], r["vcpu"]): r
              for r in ltt_view(a, "sched-latency", ["--xenalyze-compat"])["by_vcpu"]}
    own = {(r["domid"], r["vcpu"]): r for r in ltt_view(a, "sched-latency")["by_vcpu"]}
    cpu = ltt_view(a, "cpu")
    guest = {}
    for r in cpu["vcpus"]:
        key = (r["domid"], r["vcpu"])
        guest[key] = guest.get(key, 0.0) + r["time"]
    idle = {r["cpu"]: r["idle"] for r in cpu["lanes"]}

    c = checker()
    wakes = vcpus = idle_cpus = 0
    for (dom, vcpu), t in sorted(theirs.items()):
        name = f"d{dom}v{vcpu}"
        running = t["runstates"].get("running")
        if dom == IDLE_DOMAIN:
            if running is None:
                continue
            if vcpu not in idle:
                c.problems.append(f"cpu {vcpu}: xenalyze has its idle vCPU running, "
                                  f"ltt-view has no lane")
                continue
            c.within(f"cpu {vcpu} idle cycles", idle[vcpu], stat_cycles(running))
            idle_cpus += 1
            continue

        wake = t["runstates"].get("wake")
        mine = compat.get((dom, vcpu))
        if wake is None:
            if mine is not None:
                c.problems.append(f"{name}: {mine['wakes']} wakes in ltt-view "
                                  f"--xenalyze-compat, none in xenalyze")
        elif mine is None:
            c.problems.append(f"{name}: {wake['count']} wakes in xenalyze, none in ltt-view")
        else:
            c.equal(f"{name} wakes (--xenalyze-compat)", mine["wakes"], wake["count"])
            c.checked += 1
            if abs(mine["mean"] - wake["avg"]) >= 1.0:
                c.problems.append(f"{name} mean wake latency (--xenalyze-compat): ltt-view "
                                  f"{mine['mean']:.1f} cycles, xenalyze {wake['avg']}")
            c.checked += 1
            ours = own.get((dom, vcpu), {"wakes": 0})["wakes"]
            if ours < wake["count"]:
                c.problems.append(f"{name}: ltt-view sched-latency finds {ours} wakes, "
                                  f"fewer than xenalyze's {wake['count']}")
            wakes += wake["count"]

        if running is not None:
            if t["exits"]:
                # xenalyze's exit times run to the vmentry even when the vCPU
                # was descheduled meanwhile: the guest time comes from its
                # record dump instead (guest_cycles_from_dump).
                c.within(f"{name} guest cycles (running less exits, from the dump)",
                         guest.get((dom, vcpu), 0.0), dumped.get((dom, vcpu), 0.0))
            else:
                c.within(f"{name} guest cycles (running)", guest.get((dom, vcpu), 0.0),
                         stat_cycles(running))
            vcpus += 1
    for key in set(guest) - set(theirs):
        c.problems.append(f"d{key[0]}v{key[1]}: ltt-view cpu only ({guest[key]:.0f} cycles)")

    print(f"{a.file}: {wakes} wakes on {len(compat)} vCPUs, guest time of {vcpus} vCPUs, "
          f"idle time of {idle_cpus} CPUs; {c.checked} comparisons")
    if c.problems:
        for p in c.problems:
            print(f"  MISMATCH {p}")
        sys.exit(1)
    print("  sched-latency and cpu agree with xenalyze")


if __name__ == "__main__":
    main()
