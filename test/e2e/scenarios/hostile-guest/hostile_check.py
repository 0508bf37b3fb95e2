#!/usr/bin/env python3
"""Host-side checks of the hostile-guest scenario (test/e2e/scenarios/
hostile-guest), over babeltrace2's output, the stream files' packet headers
and what dom0 wrote; independent of lttd's code. The domids come from xl in
dom0 (domus.json), never from the trace.

- lttd survived: guest.sh already failed if lttd did not answer `status`
  while the hostile domU scribbled or did not exit 0 on SIGTERM; here its
  log must not show a crash;
- the whole session reads with babeltrace2 (status 0, nothing on stderr
  but discarded-events warnings), and so does each part alone, the hostile
  domU's included: whatever lttd accepted from it is well-formed CTF;
- the hypervisor's, dom0's and the honest domU's parts are complete: no
  packet refused, no CPU broken, packet sequence numbers without a gap in
  every stream file, and the events babeltrace2 reads of each equal the
  records lttd says it wrote (the honest domU: from both vCPUs);
- the hostile domU did scribble (its console says so and how many rounds)
  and lttd refused and reported what it could not trust: the domU's final
  counts (status guests.gone) show refused packets (its 16 KiB sub-buffers
  make many), and any CPU given up has its reason.

    hostile_check.py SHARE_DIR [--json OUT]

Exits 1 listing the problems.
"""

import argparse
import json
import os
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dom0"))
from dom0_check import babeltrace, packets, stderr_problems  # noqa: E402


def stream_files(trace_dir):
    return sorted(os.path.join(trace_dir, n) for n in os.listdir(trace_dir)
                  if n != "metadata" and not n.startswith(".") and n != "index"
                  and os.path.isfile(os.path.join(trace_dir, n)))


def seq_gaps(trace_dir, problems, label):
    """Packets in the part's stream files; a gap in a stream's sequence
    numbers (a packet lttd did not write) is a problem."""
    total = 0
    for path in stream_files(trace_dir):
        try:
            pk = packets(path)
        except ValueError as e:
            problems.append("%s: %s" % (label, e))
            continue
        total += len(pk)
        for a, b in zip(pk, pk[1:]):
            if b[0] != a[0] + 1:
                problems.append("%s: %s: packet %d follows packet %d (a packet missing)"
                                % (label, os.path.basename(path), b[0], a[0]))
                break
    return total


def read_part(path, label, problems):
    """Events babeltrace2 reads of one trace directory (or the session)."""
    events, err, rc, _ = babeltrace(path)
    other, discarded, _ = stderr_problems(err)
    if rc != 0 or other:
        problems.append("babeltrace2 %s: status %d, %s" % (label, rc, " | ".join(other[:5])))
    return events, discarded


def cpu_totals(cpus):
    return {k: sum(c.get(k, 0) for c in cpus)
            for k in ("packets_written", "records_written", "packets_refused")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("share")
    ap.add_argument("--json")
    args = ap.parse_args()
    share = args.share
    problems, res = [], {}
    domus = json.load(open(os.path.join(share, "domus.json")))
    honest, hostile = domus["honest"], domus["hostile"]
    sess = os.path.join(share, "session")
    status = json.load(open(os.path.join(share, "session.status.json")))

    log = open(os.path.join(share, "lttd.log"), errors="replace").read()
    for bad in ("Segmentation fault", "terminate called", "AddressSanitizer", "Aborted",
                "fatal signal"):
        if bad in log:
            problems.append("lttd.log: %r" % bad)

    # The whole session, then each part alone.
    events, discarded = read_part(sess, "of the whole session", problems)
    res["session_events"] = len(events)
    res["session_discarded"] = discarded
    by_domain = Counter(e[1] for e in events)
    res["session_events_by_domain"] = dict(by_domain)

    gone = {g["domid"]: g for g in status.get("guests", {}).get("gone", [])}
    res["guests"] = {k: v for k, v in status.get("guests", {}).items() if k != "problems"}
    res["guest_problems"] = status.get("guests", {}).get("problems", [])[:10]
    parts = {p.get("source", ""): p for p in status.get("parts", [])}

    def complete(label, trace_dir, cpus, min_cpus):
        if not os.path.isdir(trace_dir):
            problems.append("%s: no trace directory %s" % (label, os.path.relpath(trace_dir, share)))
            return
        evs, _ = read_part(trace_dir, "of %s alone" % label, problems)
        written = seq_gaps(trace_dir, problems, label)
        t = cpu_totals(cpus)
        res[label] = {"events": len(evs), "packets_in_files": written, **t,
                      "vcpus_with_events": len({e[3] for e in evs})}
        if t["packets_refused"]:
            problems.append("%s: lttd refused %d packets" % (label, t["packets_refused"]))
        for c in cpus:
            if c.get("state") not in ("ok", "removed") or c.get("problem"):
                problems.append("%s: cpu %s is %s: %s" % (label, c.get("cpu"), c.get("state"),
                                                          c.get("problem", "")))
        if written != t["packets_written"]:
            problems.append("%s: %d packets in the stream files, lttd wrote %d"
                            % (label, written, t["packets_written"]))
        if len(evs) != t["records_written"]:
            problems.append("%s: babeltrace2 reads %d events, lttd wrote %d records"
                            % (label, len(evs), t["records_written"]))
        if len({e[3] for e in evs}) < min_cpus:
            problems.append("%s: events from %d CPUs, want %d"
                            % (label, len({e[3] for e in evs}), min_cpus))

    hv = next((p for s, p in parts.items() if s.startswith("xen")), None)
    d0 = next((p for s, p in parts.items() if s.startswith("kernel") or "dom0" in s), None)
    if hv is None or d0 is None:
        problems.append("status has no hypervisor or dom0 part: sources %s" % sorted(parts))
    else:
        complete("hypervisor", os.path.join(sess, "hypervisor"), hv.get("cpus", []), 1)
        complete("dom0", os.path.join(sess, "dom0", "kernel"), d0.get("cpus", []), 1)
    if honest not in gone:
        problems.append("the honest domU %d is not among the guests gone: %s" % (honest, sorted(gone)))
    else:
        complete("honest domU-%d" % honest, os.path.join(sess, "domU-%d" % honest, "kernel"),
                 gone[honest].get("cpus", []), 2)

    # The hostile one: it scribbled, lttd said what it refused.
    console = open(os.path.join(share, "console-hostile.log"), errors="replace").read()
    m = re.search(r"scribbled (\d+) rounds", console)
    res["hostile_rounds"] = int(m.group(1)) if m else 0
    if "ltt-guest scribbling every" not in console or not m or int(m.group(1)) == 0:
        problems.append("the hostile domU's console does not show it scribbling "
                        "(module loaded with scribble_ms, rounds > 0)")
    if hostile not in gone:
        problems.append("the hostile domU %d is not among the guests gone: %s" % (hostile, sorted(gone)))
    else:
        g = gone[hostile]
        cpus = g.get("cpus", [])
        refused = sum(c.get("packets_refused", 0) for c in cpus)
        broken = [c for c in cpus if c.get("state") == "broken"]
        res["hostile"] = {"reason": g.get("reason"), "packets_refused": refused,
                          "cpus_broken": len(broken),
                          "packets_written": sum(c.get("packets_written", 0) for c in cpus),
                          "why": sorted({(c.get("problem") or "")[:160] for c in cpus} - {""})}
        # Its small sub-buffers make many packets, scribbled over: some
        # must have been refused, or lttd's packet checks were not tested.
        # (Given up buffers - garbage positions - may come on top.)
        if refused == 0:
            problems.append("lttd refused no packet of the hostile domU %d: %s"
                            % (hostile, json.dumps(g)[:400]))
        for c in broken:
            if not c.get("problem"):
                problems.append("hostile domU cpu %s broken without a reason" % c.get("cpu"))
        hd = os.path.join(sess, "domU-%d" % hostile, "kernel")
        if os.path.isdir(hd):
            evs, _ = read_part(hd, "of the hostile domU-%d alone" % hostile, problems)
            res["hostile"]["events_read"] = len(evs)

    print(json.dumps(res, indent=1, sort_keys=True)[:3000])
    if args.json:
        json.dump({"problems": problems, **res}, open(args.json, "w"), indent=1, sort_keys=True)
    for p in problems:
        print("FAIL: %s" % p)
    if problems:
        sys.exit(1)
    print("PASS: lttd survived the hostile domU, refused what it could not trust, "
          "the other traces are complete")


if __name__ == "__main__":
    main()
