#!/usr/bin/env python3
"""The cost of ltt-guest.ko against dom0's ftrace for the same nine kernel
events (irq and sched facilities), from the dom0 scenario's interleaved
rounds: the workload's run time untraced, under ltt-guest (lttd recording)
and under ftrace (x86-tsc clock); ltt-guest's bytes/event (stream bytes and
records lttd wrote) against ftrace's (its ring buffer's bytes and entries
per CPU, per_cpu/cpuN/stats). The fastest run of each side is compared, so
that one slow spell of the emulator does not decide. Prints; never fails on
figures (it fails only when the files are missing).

    cost.py SHARE_DIR [--json OUT]
"""

import argparse
import json
import os
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("share")
    ap.add_argument("--json")
    a = ap.parse_args()
    with open(os.path.join(a.share, "result.json")) as f:
        results = json.load(f)["results"]
    rounds = int(results["workload_rounds"])
    out = {"rounds": rounds, "runs": {}}
    for side in ("untraced", "ltt_guest", "ftrace"):
        out["runs"][side] = [results["workload_%s_%d" % (side, r)]["total_s"]
                             for r in range(1, rounds + 1)]
    best = {k: min(v) for k, v in out["runs"].items()}
    out["best_s"] = best
    out["overhead_percent"] = {k: 100.0 * (best[k] - best["untraced"]) / best["untraced"]
                               for k in ("ltt_guest", "ftrace")}
    ltt_bytes = ltt_events = 0
    for r in range(1, rounds + 1):
        with open(os.path.join(a.share, "cost_%d.status.json" % r)) as f:
            t = json.load(f)["totals"]
        ltt_bytes += t["bytes_written"]
        ltt_events += t["records_written"]
    ft_bytes = ft_entries = ft_overrun = 0
    for r in range(1, rounds + 1):
        with open(os.path.join(a.share, "ftrace_%d.stats" % r)) as f:
            for line in f:
                # "cpuN entries: E overrun: O commit overrun: C bytes: B ..."
                for key, pat in (("bytes", r"\bbytes: (\d+)"), ("entries", r"\bentries: (\d+)"),
                                 ("overrun", r"(?<!commit )overrun: (\d+)")):
                    m = re.search(pat, line)
                    n = int(m.group(1)) if m else 0
                    if key == "bytes":
                        ft_bytes += n
                    elif key == "entries":
                        ft_entries += n
                    else:
                        ft_overrun += n
    out["ltt_guest"] = {"bytes": ltt_bytes, "events": ltt_events,
                        "bytes_per_event": ltt_bytes / ltt_events if ltt_events else None}
    out["ftrace"] = {"bytes": ft_bytes, "events": ft_entries, "overrun": ft_overrun,
                     "bytes_per_event": ft_bytes / ft_entries if ft_entries else None}
    print("cost of tracing dom0's kernel (9 events: irq and sched), best of %d rounds:" % rounds)
    for k in ("untraced", "ltt_guest", "ftrace"):
        extra = "" if k == "untraced" else " (%+.1f%%)" % out["overhead_percent"][k]
        print("  %-10s %.3f s%s   runs: %s" % (k, best[k], extra,
                                              ", ".join("%.3f" % x for x in out["runs"][k])))
    for k in ("ltt_guest", "ftrace"):
        b = out[k]
        print("  %-10s %d events, %d bytes, %s bytes/event" % (
            k, b["events"], b["bytes"],
            "%.1f" % b["bytes_per_event"] if b["bytes_per_event"] else "-"))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
