#!/usr/bin/env python3
"""A domU's virtual interrupts, followed from babeltrace2's output alone, against ltt-view.

An independent computation of what `ltt-view irq-latency` reports for one
PV domU whose kernel trace (session/domU-<id>/kernel/, recorded by dom0's
lttd through the domU's grants) is in the session, over babeltrace2's
merged text of the hypervisor's trace and the domU's (so "kernel" is the
domU), in the spirit of test/e2e/irq_chains.py (dom0's physical IRQs):

  - every event-channel notification Xen sets pending on a port of the
    domU (evtchn_set_pending, domid = the domU's), with its origin: the
    evtchn_send that precedes it on that CPU (Xen sets the remote port
    pending inside the send hypercall: the next set_pending there) - by
    another domain ("interdomain": dom0's console, xenstore, lttd) or by
    the domU itself ("ipi/loopback": its IPIs are sends on IPI ports) - or
    none ("virq": Xen's own timer and other virqs);
  - the window in which the domU's trace shows every stage: from its first
    xen_evtchn_handle_port or statedump, whichever comes first (ltt-guest
    attaches the port's probe after the tracepoints and the upcall's, then
    writes the statedump) to the domU's last event; notifications outside
    it are counted apart (before: the domU booting before ltt-guest
    loaded; after: it unloaded before the power-off); inside it, those set
    pending after the port probe's last firing are still on their way when ltt-guest
    detached it (the trace ended before their handler), as are handlers
    without an exit nor an upcall exit after them (it ended inside): the
    coverage is over the others;
  - the handler run that serves it: the first handle_port of that port in
    the domU after its set_pending (notifications set pending before the
    domU took the port share it: coalesced), then irq_handler_entry of the
    irq the domU's statedump (or bind) maps the port to, on that vCPU,
    before its upcall ends, and its irq_handler_exit;
  - its stages, from Xen's runstate records of that vCPU and the domU's
    upcall: wake (blocked -> runnable) if the vCPU was blocked at the
    set_pending, schedule (-> running) if it was not running, upcall (the
    vCPU's next xen_evtchn_upcall_entry), dispatch, handler; its total:
    origin (the send, or the set_pending) to irq_handler_exit, in cycles.

Checks against `ltt-view irq-latency --json`: its chain count per domU irq,
handler and origin equals the script's, p50 and max too (to two cycles:
ltt-view's JSON carries seconds); its coverage rows for the domU follow as
many notifications as the script, inside the window all but what the
script cannot follow either; its stage rows are never negative and, in its
worst chains, add up to the total. The script's own figures: at least
--min-coverage % of the notifications inside the window followed, no stage
negative, stages adding up to the total.

  domU_irq_chains.py --ltt-view BIN SHARE_DIR [--min-coverage 99] [--json-out F]

Prints the figures; exit status 1 with every difference listed.
"""

import argparse
import bisect
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from irq_chains import EVENT_RE, fields_of, ltt_view_tables, percentile, tsc_hz  # noqa: E402

STAGES = ("xen", "wake", "schedule", "upcall", "dispatch", "handler")


def read_events(paths):
    """(tsc, 'hypervisor'|'kernel', name, cpu, fields), babeltrace2's merged order."""
    proc = subprocess.run(["babeltrace2", "--color=never", "--clock-cycles", "--no-delta",
                           "--fields=trace:domain"] + paths,
                          capture_output=True, text=True, errors="replace", check=False)
    if proc.returncode != 0:
        sys.exit(f"babeltrace2 {paths}: status {proc.returncode}: {proc.stderr[:500]}")
    discarded = [ln for ln in proc.stderr.splitlines() if "discarded" in ln]
    events = []
    for line in proc.stdout.splitlines():
        m = EVENT_RE.match(line)
        if m:
            events.append((int(m.group(1)), m.group(2), m.group(3), int(m.group(4)),
                           fields_of(m.group(5))))
    return events, discarded


def first_after(times, t):
    """The first of the sorted times strictly after t, or None."""
    i = bisect.bisect_right(times, t)
    return times[i] if i < len(times) else None


def follow(events, domid):
    """Every notification of the domU, with what became of it."""
    sent = {}                      # Xen CPU -> (tsc, sender domid) of a send not yet set pending
    notes = []                     # (set_pending tsc, port, vcpu, origin, origin tsc)
    runstate = defaultdict(list)   # vcpu -> [(tsc, old, new)] of the domU's vCPUs
    port_irq = {}                  # port -> (irq, handler name): the domU's statedump / binds
    window_start, last = None, None
    handle = defaultdict(list)     # port -> [(tsc, vcpu)] of xen_evtchn_handle_port
    upcalls = defaultdict(list)    # vcpu -> [tsc] of xen_evtchn_upcall_entry
    upcall_ends = defaultdict(list)
    entries = defaultdict(list)    # (vcpu, irq) -> [tsc] of irq_handler_entry
    exits = defaultdict(list)      # (vcpu, irq) -> [tsc] of irq_handler_exit
    for tsc, layer, name, cpu, f in events:
        if layer == "hypervisor":
            if name == "evtchn_send":
                sent[cpu] = (tsc, f["domid"])
            elif name == "evtchn_set_pending":
                send = sent.pop(cpu, None)
                if f["domid"] != domid:
                    continue
                if send is None:
                    origin, t0 = "virq", tsc
                else:
                    origin = "ipi/loopback" if send[1] == domid else "interdomain"
                    t0 = send[0]
                notes.append((tsc, f["port"], f["vcpu"], origin, t0))
            elif name == "runstate_change" and f["domid"] == domid:
                runstate[f["vcpu"]].append((tsc, f["old_state"], f["new_state"]))
        elif layer == "kernel":
            last = tsc
            if name == "xen_evtchn_statedump_irq":
                port_irq[f["port"]] = (f["irq"], f.get("name", ""))
                window_start = tsc if window_start is None else window_start
            elif name == "xen_evtchn_bind_irq":
                port_irq[f["port"]] = (f["irq"], port_irq.get(f["port"], (0, ""))[1])
            elif name == "xen_evtchn_handle_port":
                handle[f["port"]].append((tsc, cpu))
                window_start = tsc if window_start is None else window_start
            elif name == "xen_evtchn_upcall_entry":
                upcalls[cpu].append(tsc)
            elif name == "xen_evtchn_upcall_exit":
                upcall_ends[cpu].append(tsc)
            elif name == "irq_handler_entry":
                entries[(cpu, f["irq"])].append(tsc)
            elif name == "irq_handler_exit":
                exits[(cpu, f["irq"])].append(tsc)
    if window_start is None:
        sys.exit("the domU's trace has no xen_evtchn_handle_port nor statedump")

    def state_at(vcpu, t):
        """The vCPU's runstate just before t (Xen's records), None if unknown."""
        rs = runstate[vcpu]
        i = bisect.bisect_left(rs, (t,)) - 1
        return rs[i][2] if i >= 0 else None

    def change_after(vcpu, t, new, old=None):
        for ts, o, n in runstate[vcpu][bisect.bisect_right(runstate[vcpu], (t, "~")):]:
            if n == new and (old is None or o == old):
                return ts
        return None

    last_take = max((r[-1][0] for r in handle.values() if r), default=window_start)
    chains, counts = [], Counter()
    served = Counter()  # (port, handle_port tsc) -> notifications it served
    for t_pending, port, vcpu, origin, t0 in notes:
        if t_pending < window_start:
            counts["before"] += 1
            continue
        if t_pending > last:
            counts["after"] += 1
            continue
        counts["in window"] += 1
        runs = handle.get(port, [])
        k = bisect.bisect_right(runs, (t_pending, float("inf")))
        bound = port_irq.get(port)
        if k == len(runs) and bound is not None and t_pending > last_take:
            # After the port probe's last firing: ltt-guest detaches it
            # before its tracepoints, so the guest took this one untraced.
            counts["trace ended before the handler"] += 1
            continue
        if k == len(runs) or bound is None:
            counts["not taken by the domU"] += 1
            continue
        t_take, w = runs[k]
        irq, hname = bound
        t_entry = first_after(entries[(w, irq)], t_take)
        t_end = first_after(upcall_ends[w], t_take)
        if t_entry is None or (t_end is not None and t_entry > t_end):
            counts["no handler in the upcall"] += 1
            continue
        t_exit = first_after(exits[(w, irq)], t_entry)
        if t_exit is None:
            # No upcall exit after it either: the trace ended inside.
            key = "trace ended inside the handler" if t_end is None else "no handler exit"
            counts[key] += 1
            continue
        st = state_at(vcpu, t_pending)
        t_run = change_after(vcpu, t_pending, "running") if st in ("blocked", "runnable") else None
        t_wake = change_after(vcpu, t_pending, "runnable", "blocked") if st == "blocked" else None
        if t_wake is not None and t_run is not None and t_wake > t_run:
            t_wake = None
        t_up = first_after(upcalls[w], t_run if t_run is not None else t_pending)
        if t_up is not None and t_up > t_entry:
            t_up = None
        bounds = [t_pending if origin != "virq" else None, t_wake, t_run, t_up, t_entry, t_exit]
        stages, prev = {}, t0
        for s, b in zip(STAGES, bounds):
            if b is not None:
                stages[s] = b - prev
                prev = b
        served[(port, t_take)] += 1
        counts["followed"] += 1
        chains.append({"irq": irq, "handler": hname, "origin": origin, "vcpu": vcpu,
                       "handled_on": w, "total": t_exit - t0, "stages": stages,
                       "start": t0})
    counts["coalesced"] = sum(n - 1 for n in served.values())
    return chains, counts, (window_start, last), port_irq


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltt-view", required=True)
    ap.add_argument("--min-coverage", type=float, default=99.0)
    ap.add_argument("--json-out")
    ap.add_argument("share")
    a = ap.parse_args()
    domu = json.load(open(os.path.join(a.share, "domU.json")))
    domid = int(domu["domid"])
    session = os.path.join(a.share, "session")
    events, discarded = read_events([os.path.join(session, "hypervisor"),
                                     os.path.join(session, "domU-%d" % domid, "kernel")])
    chains, counts, window, port_irq = follow(events, domid)
    hz = tsc_hz(session)
    problems = []
    if discarded:
        # Losses end chains early in ltt-view, at times the text does not
        # say exactly: the comparison below is then not exact.
        problems.append("babeltrace2 reports discarded events: %s" % discarded[:3])

    inside = counts["in window"]
    # Coverage over what the trace could show: not what was still on its
    # way when ltt-guest detached its port probe.
    followable = (inside - counts["trace ended before the handler"]
                  - counts["trace ended inside the handler"])
    cov = 100.0 * counts["followed"] / followable if followable else 0.0
    print(f"domain {domid}: {inside + counts['before'] + counts['after']} notifications set "
          f"pending, {inside} while its trace showed every stage ({(window[1] - window[0]) / hz:.3f} s), "
          f"{counts['followed']} followed to the handler ({cov:.2f}%, {counts['coalesced']} "
          f"coalesced); not followed: {counts['not taken by the domU']} not taken, "
          f"{counts['no handler in the upcall']} without a handler, {counts['no handler exit']} "
          f"without its exit; the trace ended before the handler for "
          f"{counts['trace ended before the handler']} (after the port probe's last firing), "
          f"inside it for {counts['trace ended inside the handler']}; outside its trace: {counts['before']} before, {counts['after']} after")
    if followable == 0:
        problems.append("no notification of the domU while its trace ran")
    elif cov < a.min_coverage:
        problems.append(f"only {cov:.2f}% of the notifications inside the domU's trace followed "
                        f"(at least {a.min_coverage}% expected)")
    for c in chains:
        if any(v < 0 for v in c["stages"].values()) or sum(c["stages"].values()) != c["total"]:
            problems.append(f"the script's chain at {c['start']}: stages {c['stages']}, "
                            f"total {c['total']}")
            break

    tables = ltt_view_tables(a.ltt_view, session)
    groups = defaultdict(list)
    for c in chains:
        groups[(c["irq"], c["handler"], c["origin"])].append(c["total"])
    rows = {(r["irq"], r["handler"], r["origin"]): r for r in tables.get("by_irq", [])
            if r["domid"] == domid}
    per_irq = {}
    for key, values in sorted(groups.items()):
        values.sort()
        p50, p95, mx = percentile(values, 50), percentile(values, 95), values[-1]
        per_irq[f"{key[0]} {key[1]} {key[2]}"] = {"chains": len(values), "p50": p50, "p95": p95,
                                                   "max": mx}
        print(f"  irq {key[0]} {key[1]} ({key[2]}): {len(values)} chains, p50 "
              f"{p50 / hz * 1e6:.1f} us, p95 {p95 / hz * 1e6:.1f} us, max {mx / hz * 1e6:.1f} us")
        row = rows.get(key)
        if row is None:
            problems.append(f"irq {key}: {len(values)} chains in the script, none in ltt-view")
            continue
        if row["chains"] != len(values):
            problems.append(f"irq {key}: ltt-view {row['chains']} chains, the script {len(values)}")
            continue
        for name, ours in (("p50", p50), ("max", mx)):
            theirs = row[name] * hz
            if abs(theirs - ours) > 2:
                problems.append(f"irq {key} {name}: ltt-view {theirs:.0f} cycles, the script {ours}")
    for key in set(rows) - set(groups):
        problems.append(f"irq {key}: ltt-view only ({rows[key]['chains']} chains)")

    cov_rows = [r for r in tables.get("coverage", []) if r["domid"] == domid]
    view = Counter()
    for r in cov_rows:
        view["interrupts"] += r["interrupts"]
        view["chained"] += r["chained"]
        view["coalesced"] += r["coalesced"]
    ended = Counter()
    for r in tables.get("ended_early", []):
        if r.get("domid") == domid:
            ended[r["reason"]] += r["count"]
    total = inside + counts["before"] + counts["after"]
    if view["interrupts"] != total:
        problems.append(f"ltt-view counts {view['interrupts']} notifications of domain {domid}, "
                        f"the script {total}")
    if view["chained"] != counts["followed"] or view["coalesced"] != counts["coalesced"]:
        problems.append(f"followed: ltt-view {view['chained']} ({view['coalesced']} coalesced), "
                        f"the script {counts['followed']} ({counts['coalesced']})")
    for reason, ours in (("before the guest's trace began", counts["before"]),
                         ("after the guest's trace ended", counts["after"])):
        if ended[reason] != ours:
            problems.append(f"ended early '{reason}': ltt-view {ended[reason]}, the script {ours}")
    print(f"  ltt-view: coverage {dict(view)}, ended early {dict(ended)}")

    stage_cols = ("xen", "wake", "schedule", "upcall", "dispatch", "handler_time")
    for w in tables.get("worst", []):
        parts = [w[c] for c in stage_cols if w.get(c) is not None]
        if any(p < 0 for p in parts) or abs(sum(parts) - w["total"]) * hz > 2:
            problems.append(f"ltt-view's worst chain at {w['start']}: stages {parts}, "
                            f"total {w['total']}")
    for s in tables.get("stages", []):
        if s["domid"] == domid and s["p50"] is not None and s["p50"] < 0:
            problems.append(f"ltt-view: stage {s['stage']} of irq {s['irq']} negative")

    if a.json_out:
        with open(a.json_out, "w", encoding="utf-8") as f:
            json.dump({"domid": domid, "counts": counts, "coverage_pct": round(cov, 3),
                       "window_cycles": window, "per_irq": per_irq,
                       "ports": {p: list(v) for p, v in sorted(port_irq.items())}}, f, indent=2)
    if problems:
        for p in problems:
            print(f"  PROBLEM {p}")
        return 1
    print("  ltt-view's irq-latency agrees with the script for the domU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
