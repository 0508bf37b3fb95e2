#!/usr/bin/env python3
"""Physical interrupts to dom0, followed from babeltrace2's output alone, against ltt-view.

An independent computation of what `ltt-view irq-latency` reports for the
physical interrupts (pirqs) Xen routes to dom0, over babeltrace2's merged
text of a session that recorded the hypervisor and dom0's kernel:

  - every physical interrupt for dom0: Xen's irq_entry, its irq_guest_pirq
    (domid 0, port) on the same CPU, and the evtchn_set_pending of that port
    that follows it there;
  - the window in which dom0's trace shows every stage: from its first
    xen_evtchn_handle_port or statedump, whichever comes first (ltt-guest
    attaches the port's probe after the tracepoints and the upcall's, then
    writes the statedump; a snapshot's start-up statedump is overwritten),
    to dom0's last event; interrupts outside it are trace-boundary cases;
  - the handler run that serves it: the first xen_evtchn_handle_port of that
    port in dom0 after its set_pending (interrupts set pending before the
    guest took the port share it: coalesced), then irq_handler_entry and
    irq_handler_exit of the irq the statedump binds to the port, on that vCPU;
  - its total: irq_entry to irq_handler_exit, in TSC cycles.

Checks: at least 99% of the physical interrupts inside the window are
followed to their handler; ltt-view's coverage row for pirqs and its per-IRQ
chain counts equal the script's; its p50 and max per IRQ equal the script's
(to two cycles: ltt-view's JSON carries seconds); in ltt-view's worst chains
the stages add up to the total. Prints the figures; exit status 1 with every
difference listed.

  irq_chains.py --ltt-view BIN SESSION_DIR [--min-coverage 99]
"""

import argparse
import bisect
import json
import re
import subprocess
import sys
from collections import defaultdict

EVENT_RE = re.compile(r"^\[(\d+)\] (\S+) ([A-Za-z0-9_]+): \{ cpu_id = (\d+) \}, \{ ?(.*?) ?\}$")
FIELD_RE = re.compile(r'(\w+) = (?:"((?:[^"\\]|\\.)*)"|\( "([^"]*)" : container = (-?\d+) \)|'
                      r'(-?(?:0x[0-9a-fA-F]+|\d+)))')


def fields_of(text):
    out = {}
    for m in FIELD_RE.finditer(text):
        name, s, enum_name, _, num = m.groups()
        out[name] = s if s is not None else enum_name if enum_name is not None else int(num, 0)
    return out


def read_events(session):
    proc = subprocess.run(["babeltrace2", "--color=never", "--clock-cycles", "--no-delta",
                           "--fields=trace:domain", session],
                          capture_output=True, text=True, errors="replace", check=False)
    if proc.returncode != 0:
        sys.exit(f"babeltrace2 {session}: status {proc.returncode}: {proc.stderr[:500]}")
    for line in proc.stdout.splitlines():
        m = EVENT_RE.match(line)
        if m:
            yield (int(m.group(1)), m.group(2), m.group(3), int(m.group(4)),
                   fields_of(m.group(5)))


def percentile(sorted_values, p):
    """Nearest rank: the smallest value with at least p% at or below it."""
    rank = max(1, -(-p * len(sorted_values) // 100))
    return sorted_values[rank - 1]


def follow(session):
    """Per dom0 irq: the totals (cycles) of the interrupts followed; and the
    counts of physical interrupts in and out of the window."""
    in_irq = {}              # Xen CPU -> irq_entry tsc of the interrupt being handled
    pirq_port = {}           # Xen CPU -> port irq_guest_pirq named in that interrupt
    physical = []            # (irq_entry tsc, set_pending tsc, port)
    port_irq = {}            # dom0 port -> (irq, handler name), from the statedump
    window_start = None
    dom0_last = 0
    handle = defaultdict(list)            # port -> [(tsc, vcpu)]
    entries = defaultdict(list)           # (vcpu, irq) -> [tsc] of irq_handler_entry
    exits = defaultdict(list)             # (vcpu, irq) -> [tsc] of irq_handler_exit
    for tsc, domain, name, cpu, f in read_events(session):
        if domain == "hypervisor":
            if name == "irq_entry":
                in_irq[cpu] = tsc
                pirq_port.pop(cpu, None)
            elif name == "irq_exit":
                in_irq.pop(cpu, None)
                pirq_port.pop(cpu, None)
            elif name == "irq_guest_pirq" and f.get("domid") == 0 and cpu in in_irq:
                pirq_port[cpu] = f["port"]
            elif (name == "evtchn_set_pending" and f.get("domid") == 0
                  and pirq_port.get(cpu) == f["port"]):
                physical.append((in_irq[cpu], tsc, f["port"]))
                pirq_port.pop(cpu, None)
        elif domain == "kernel":
            dom0_last = tsc
            if name == "xen_evtchn_statedump_irq":
                port_irq[f["port"]] = (f["irq"], f.get("name", ""))
                if window_start is None:
                    window_start = tsc
            elif name == "xen_evtchn_bind_irq":
                port_irq[f["port"]] = (f["irq"], port_irq.get(f["port"], (0, ""))[1])
            elif name == "xen_evtchn_handle_port":
                handle[f["port"]].append((tsc, cpu))
                if window_start is None:
                    window_start = tsc
            elif name == "irq_handler_entry":
                entries[(cpu, f["irq"])].append(tsc)
            elif name == "irq_handler_exit":
                exits[(cpu, f["irq"])].append(tsc)
    if window_start is None:
        sys.exit(f"{session}: dom0's trace has no xen_evtchn_handle_port nor statedump: not a "
                 f"hypervisor + dom0 session")

    totals = defaultdict(list)  # (irq, name) -> [cycles]
    counts = {"in window": 0, "before": 0, "after": 0, "followed": 0, "not followed": 0,
              "coalesced": 0}
    served = defaultdict(int)  # (port, handle_port tsc) -> interrupts it served
    for t_irq, t_pending, port in physical:
        if t_pending < window_start:
            counts["before"] += 1
            continue
        if t_pending > dom0_last:
            counts["after"] += 1
            continue
        counts["in window"] += 1
        bound = port_irq.get(port)
        runs = handle.get(port, [])
        k = bisect.bisect_right(runs, (t_pending, float("inf")))
        if bound is None or k == len(runs):
            counts["not followed"] += 1
            continue
        t_take, vcpu = runs[k]
        irq, hname = bound
        e = entries[(vcpu, irq)]
        i = bisect.bisect_right(e, t_take)
        x = exits[(vcpu, irq)]
        if i == len(e) or bisect.bisect_left(x, e[i]) == len(x):
            counts["not followed"] += 1
            continue
        t_exit = x[bisect.bisect_left(x, e[i])]
        if not t_irq <= t_pending <= t_take <= e[i] <= t_exit:
            sys.exit(f"{session}: interrupt at {t_irq}: boundaries out of order")
        served[(port, t_take)] += 1
        totals[(irq, hname)].append(t_exit - t_irq)
        counts["followed"] += 1
    counts["coalesced"] = sum(n - 1 for n in served.values())
    return totals, counts


def ltt_view_tables(view, session):
    out = subprocess.run([view, "irq-latency", "--json", session], capture_output=True,
                         text=True, check=True).stdout
    doc = json.loads(out)
    for result in doc["results"]:
        if result["analysis"] == "irq_latency":
            return {t["name"]: t["rows"] for t in result["tables"]}
    sys.exit(f"ltt-view irq-latency {session}: no irq_latency result")


def tsc_hz(session):
    with open(f"{session}/index.json", encoding="utf-8") as f:
        index = json.load(f)
    hz = index.get("session", {}).get("tsc_hz")
    if not hz:
        sys.exit(f"{session}/index.json: no TSC frequency")
    return int(hz)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltt-view", required=True)
    ap.add_argument("--min-coverage", type=float, default=99.0)
    ap.add_argument("--json-out", help="also write the script's figures here")
    ap.add_argument("session")
    a = ap.parse_args()

    totals, counts = follow(a.session)
    hz = tsc_hz(a.session)
    tables = ltt_view_tables(a.ltt_view, a.session)
    problems = []

    inside = counts["in window"]
    coverage = 100.0 * counts["followed"] / inside if inside else 0.0
    print(f"physical interrupts to dom0: {inside} while dom0's trace ran, "
          f"{counts['followed']} followed to the handler ({coverage:.2f}%, "
          f"{counts['coalesced']} coalesced), {counts['not followed']} not; outside dom0's "
          f"trace: {counts['before']} before, {counts['after']} after")
    if inside == 0:
        problems.append("no physical interrupt for dom0 while its trace ran")
    elif coverage < a.min_coverage:
        problems.append(f"only {coverage:.2f}% of the physical interrupts followed "
                        f"(at least {a.min_coverage}% expected)")

    pirq = [r for r in tables.get("coverage", []) if r["domid"] == 0 and r["origin"] == "pirq"]
    if len(pirq) != 1:
        problems.append(f"ltt-view has no coverage row for dom0's pirqs: {pirq}")
    elif pirq[0]["chained"] != counts["followed"]:
        problems.append(f"ltt-view follows {pirq[0]['chained']} physical interrupts to their "
                        f"handler, the script {counts['followed']}")
    elif pirq[0]["coalesced"] != counts["coalesced"]:
        problems.append(f"coalesced: ltt-view {pirq[0]['coalesced']}, "
                        f"the script {counts['coalesced']}")

    rows = {(r["irq"], r["handler"]): r for r in tables.get("by_irq", [])
            if r["domid"] == 0 and r["origin"] == "pirq"}
    for key, values in sorted(totals.items()):
        values.sort()
        row = rows.get(key)
        if row is None:
            problems.append(f"irq {key}: {len(values)} chains in the script, none in ltt-view")
            continue
        if row["chains"] != len(values):
            problems.append(f"irq {key}: ltt-view {row['chains']} chains, the script "
                            f"{len(values)}")
        for name, ours in (("p50", percentile(values, 50)), ("max", values[-1])):
            theirs = row[name] * hz
            if abs(theirs - ours) > 2:
                problems.append(f"irq {key} {name}: ltt-view {theirs:.0f} cycles, the script "
                                f"{ours}")
        us = [v / hz * 1e6 for v in (percentile(values, 50), percentile(values, 99), values[-1])]
        print(f"  irq {key[0]} {key[1]}: {len(values)} chains, p50 {us[0]:.1f} us, "
              f"p99 {us[1]:.1f} us, max {us[2]:.1f} us")
    for key in set(rows) - set(totals):
        problems.append(f"irq {key}: ltt-view only ({rows[key]['chains']} chains)")

    stage_cols = ("xen", "wake", "schedule", "upcall", "dispatch", "handler_time")
    for w in tables.get("worst", []):
        parts = [w[c] for c in stage_cols if w.get(c) is not None]
        if any(p < 0 for p in parts):
            problems.append(f"worst chain at {w['start']}: a negative stage {parts}")
        if abs(sum(parts) - w["total"]) * hz > 2:
            problems.append(f"worst chain at {w['start']}: stages add up to {sum(parts)}, "
                            f"total {w['total']}")
    for s in tables.get("stages", []):
        if s["p50"] is not None and s["p50"] < 0:
            problems.append(f"stage {s['stage']} of irq {s['irq']}: negative")

    if a.json_out:
        with open(a.json_out, "w", encoding="utf-8") as f:
            json.dump({"counts": counts, "coverage_pct": round(coverage, 3),
                       "per_irq": {f"{k[0]} {k[1]}": len(v) for k, v in totals.items()}},
                      f, indent=2)
    if problems:
        for p in problems:
            print(f"  PROBLEM {p}")
        sys.exit(1)
    print("  ltt-view's irq-latency agrees with the script")


if __name__ == "__main__":
    main()
