#!/usr/bin/env python3
"""`ltt-view export --format perfetto` against a simulated host.

ltt-synth writes a session (hypervisor + dom0 kernel, with a loss on CPU 1);
the export must be JSON trace events as Perfetto's UI reads them (Chrome's
Trace Event Format): an object with a traceEvents array of "X"
(complete), "i" (instant) and "M" (metadata) events, numeric ts/dur in
microseconds, names for every process and thread used, slices of a thread
nested or disjoint. Its content must be the timeline that
timeline_expect.py computes from `ltt-view events` on its own: per CPU
thread the same slices (labels, start and end to the nanosecond), the
interrupt and loss instants; per vCPU its runstate slices, upcall and
handler slices and guest-event instants.

  perfetto_check.py --synth LTT_SYNTH --view LTT_VIEW --work DIR
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import timeline_expect  # noqa: E402

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print("FAIL:", what)


def ns(ticks, origin, hz):
    """Ticks to nanoseconds since the origin (integer, truncated)."""
    d = ticks - origin
    return d * 1_000_000_000 // hz


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", required=True)
    ap.add_argument("--view", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    session = os.path.join(args.work, "perfetto-session")
    shutil.rmtree(session, ignore_errors=True)
    subprocess.run([args.synth, "--output", session, "--events", "40000", "--seed", "11",
                    "--lose-at", "9000"], check=True, stderr=subprocess.DEVNULL)
    with open(session + ".truth.json") as f:
        truth = json.load(f)
    hz = truth["tsc_hz"]
    out = os.path.join(args.work, "perfetto.json")
    r = subprocess.run([args.view, "export", "--format", "perfetto", session, "-o", out],
                       capture_output=True, text=True)
    check(r.returncode == 0, "export failed: %s" % r.stderr)
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)

    expected = timeline_expect.compute(timeline_expect.read_events(args.view, [session]))
    origin = expected["first"]

    # Structure.
    check(isinstance(doc, dict) and isinstance(doc.get("traceEvents"), list),
          "top level: an object with a traceEvents array")
    events = doc["traceEvents"]
    meta = doc.get("metadata", {})
    check(str(hz) in meta.get("time_base", ""), "metadata names the TSC frequency: %s" % meta)
    check(meta.get("tsc_hz") == hz, "metadata tsc_hz %s, expected %d" % (meta.get("tsc_hz"), hz))
    process_names, thread_names = {}, {}
    used = set()
    by_thread = collections.defaultdict(lambda: {"X": [], "i": []})
    for e in events:
        ph = e.get("ph")
        check(ph in ("X", "i", "M"), "unexpected phase %r" % e)
        check(isinstance(e.get("pid"), int) and isinstance(e.get("tid"), int),
              "pid/tid integers: %r" % e)
        if ph == "M":
            check(e["name"] in ("process_name", "thread_name", "process_sort_index",
                                "thread_sort_index") and "args" in e, "metadata: %r" % e)
            if e["name"] == "process_name":
                process_names[e["pid"]] = e["args"]["name"]
            elif e["name"] == "thread_name":
                thread_names[(e["pid"], e["tid"])] = e["args"]["name"]
            continue
        check(isinstance(e.get("ts"), (int, float)) and isinstance(e.get("name"), str),
              "ts and name: %r" % e)
        if ph == "X":
            check(isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0, "dur >= 0: %r" % e)
        else:
            check(e.get("s") == "t", "instant scope: %r" % e)
        used.add((e["pid"], e["tid"]))
        by_thread[thread_names.get((e["pid"], e["tid"]))]["X" if ph == "X" else "i"].append(e)
    for pid, tid in used:
        check(pid in process_names, "process %d has no name" % pid)
        check((pid, tid) in thread_names, "thread %d/%d has no name" % (pid, tid))
    check(process_names.get(1) == "Xen hypervisor", "the hypervisor process: %s" % process_names)

    # Slices of one thread nest or are disjoint (what the importer needs).
    for name, t in by_thread.items():
        stack = []
        for e in sorted(t["X"], key=lambda e: (round(e["ts"] * 1000), -round(e["dur"] * 1000))):
            a, b = round(e["ts"] * 1000), round((e["ts"] + e["dur"]) * 1000)
            while stack and stack[-1] <= a:
                stack.pop()
            check(not stack or b <= stack[-1], "thread %s: %r overlaps its parent" % (name, e))
            stack.append(b)

    # Content: the expected timeline, lane by lane.
    slices = instants = 0
    for lane in expected["lanes"]:
        if lane["kind"] == "cpu":
            t = by_thread.get(lane["name"])
            check(t is not None, "no thread %s" % lane["name"])
            if t is None:
                continue
            got = sorted(t["X"], key=lambda e: e["ts"])
            want = lane["rows"][0]
            check(len(got) == len(want), "%s: %d slices, expected %d" %
                  (lane["name"], len(got), len(want)))
            for g, (a, b, label) in zip(got, want):
                ga, gb = round(g["ts"] * 1000), round((g["ts"] + g["dur"]) * 1000)
                if (g["name"], ga, gb) != (label, ns(a, origin, hz), ns(b, origin, hz)):
                    check(False, "%s: slice %r, expected %s [%d, %d) ns" %
                          (lane["name"], g, label, ns(a, origin, hz), ns(b, origin, hz)))
                    break
            kinds = collections.Counter(e["cat"] for e in t["i"])
            want_kinds = collections.Counter(k for _, k in lane["instants"])
            check(kinds == want_kinds, "%s instants %s, expected %s" %
                  (lane["name"], dict(kinds), dict(want_kinds)))
            slices += len(want)
            instants += len(lane["instants"])
        else:
            rs = by_thread.get(lane["name"] + " runstate", {"X": [], "i": []})
            guest = by_thread.get(lane["name"], {"X": [], "i": []})
            check(len(rs["X"]) == len(lane["rows"][0]), "%s runstate: %d slices, expected %d" %
                  (lane["name"], len(rs["X"]), len(lane["rows"][0])))
            check([e["name"] for e in sorted(rs["X"], key=lambda e: e["ts"])] ==
                  [s[2] for s in lane["rows"][0]], "%s runstate labels" % lane["name"])
            want = len(lane["rows"][1]) + len(lane["rows"][2])
            check(len(guest["X"]) == want, "%s: %d upcall/handler slices, expected %d" %
                  (lane["name"], len(guest["X"]), want))
            check(len(guest["i"]) == len(lane["instants"]), "%s: %d instants, expected %d" %
                  (lane["name"], len(guest["i"]), len(lane["instants"])))
            slices += len(lane["rows"][0]) + want
            instants += len(lane["instants"])
    lost = sum(1 for lane in expected["lanes"] for _, k in lane["instants"] if k == "loss")
    check(lost > 0, "the session has a loss (ltt-synth --lose-at)")
    check(meta.get("slices") == slices and meta.get("instants") == instants,
          "metadata counts %s/%s, expected %d/%d" % (meta.get("slices"), meta.get("instants"),
                                                     slices, instants))
    print("perfetto export: %d events, %d slices, %d instants (%d losses) on %d threads: %s" %
          (len(events), slices, instants, lost, len(thread_names),
           "checked" if not FAILURES else "%d checks failed" % len(FAILURES)))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
