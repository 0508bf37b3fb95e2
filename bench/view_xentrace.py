#!/usr/bin/env python3
"""ltt-view against xenalyze on xentrace input, measured side by side.

For each xentrace file (the real ones of ../shared/testdata, and a larger
one made of copies of a real file, each copy's TSCs shifted past the
previous copy's so the result is one long valid trace), runs
  ltt-view summary   vs  xenalyze --summary
  ltt-view events    vs  xenalyze --dump-all
with output to /dev/null, REPEAT times each, alternating, and prints for
each the best CPU time (user + system: the machine may be shared, and CPU
time is what a busy neighbour disturbs least), records per CPU second, the
best wall time and the peak RSS (GNU time's %M), and the ratio; writes the
figures as JSON (--json). Never fails on timing.

  view_xentrace.py --ltt-view BIN --xenalyze BIN --cpu-hz HZ [--copies N]
                   [--repeat N] [--work DIR] [--json OUT] FILE...
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

CPU_CHANGE = 0x0001F003
LOST_RECORDS = 0x0001F001


def records(data):
    """(offset, header, has_tsc, n_words, cpu) of every record, CPU-change ones too."""
    pos, end, cpu = 0, 0, 0
    while pos < len(data):
        header = struct.unpack_from("<I", data, pos)[0]
        n = (header >> 28) & 7
        tsc = bool(header & 0x80000000)
        if pos == end:  # a window starts: the CPU-change record
            cpu, size = struct.unpack_from("<II", data, pos + 4)
            yield pos, header, tsc, n, cpu
            pos += 12
            end = pos + size
            continue
        yield pos, header, tsc, n, cpu
        pos += 4 + (8 if tsc else 0) + 4 * n


def tsc_span(data):
    lo, hi = None, 0
    for pos, header, tsc, n, cpu in records(data):
        if tsc and (header & 0x0FFFFFFF) != CPU_CHANGE:
            t = struct.unpack_from("<Q", data, pos + 4)[0]
            lo = t if lo is None else min(lo, t)
            hi = max(hi, t)
    return lo or 0, hi


def enlarge(src, dst, copies):
    """dst = `copies` copies of src, copy k's TSCs moved k spans later."""
    data = open(src, "rb").read()
    lo, hi = tsc_span(data)
    span = hi - lo + 1000
    with open(dst, "wb") as out:
        for k in range(copies):
            buf = bytearray(data)
            shift = k * span
            for pos, header, tsc, n, cpu in records(data):
                event = header & 0x0FFFFFFF
                if tsc and event != CPU_CHANGE:
                    t = struct.unpack_from("<Q", buf, pos + 4)[0]
                    struct.pack_into("<Q", buf, pos + 4, t + shift)
                    if event == LOST_RECORDS and n >= 4:  # first lost TSC
                        f = struct.unpack_from("<Q", buf, pos + 12 + 8)[0]
                        struct.pack_into("<Q", buf, pos + 12 + 8, f + shift)
            out.write(buf)


def count_records(path):
    data = open(path, "rb").read()
    return sum(1 for r in records(data) if (r[1] & 0x0FFFFFFF) != CPU_CHANGE)


def run(cmd):
    """(CPU seconds, wall seconds, peak RSS KiB) of one run, output discarded."""
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        with open(os.devnull, "wb") as null:
            p = subprocess.Popen(["/usr/bin/time", "-o", rss.name, "-f", "%M"] + cmd,
                                 stdout=null, stderr=null)
            _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"view_xentrace.py: {' '.join(cmd)} failed")
        peak = int(rss.read().split()[-1])
    # /usr/bin/time's own CPU time is a few milliseconds at most.
    return usage.ru_utime + usage.ru_stime, wall, peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltt-view", required=True)
    ap.add_argument("--xenalyze", required=True)
    ap.add_argument("--cpu-hz", required=True, type=int)
    ap.add_argument("--copies", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=".")
    ap.add_argument("--json")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    files = list(a.files)
    if a.copies > 1:
        os.makedirs(a.work, exist_ok=True)
        big = os.path.join(a.work, f"xentrace-x{a.copies}.bin")
        if not os.path.exists(big):
            enlarge(files[-1], big, a.copies)
        files.append(big)

    hz = str(a.cpu_hz)
    results = []
    print(f"{'file':<22} {'what':<8} {'records':>9} | {'ltt-view CPU s':>14} {'rec/s':>10} "
          f"{'wall s':>7} {'MiB':>6} | {'xenalyze CPU s':>14} {'rec/s':>10} {'wall s':>7} "
          f"{'MiB':>6} | {'ratio':>6}")
    for f in files:
        n = count_records(f)
        pairs = {
            "summary": ([a.ltt_view, "summary", "--cpu-hz", hz, f],
                        [a.xenalyze, "--summary", f"--cpu-hz={hz}", f]),
            "events": ([a.ltt_view, "events", "--cpu-hz", hz, f],
                       [a.xenalyze, "--dump-all", f"--cpu-hz={hz}", f]),
        }
        for what, (ours, theirs) in pairs.items():
            best = {"ours": [float("inf"), float("inf"), 0],
                    "theirs": [float("inf"), float("inf"), 0]}
            for _ in range(a.repeat):
                for who, cmd in (("ours", ours), ("theirs", theirs)):
                    cpu, wall, rss = run(cmd)
                    b = best[who]
                    b[0], b[1], b[2] = min(b[0], cpu), min(b[1], wall), max(b[2], rss)
            o, t = best["ours"], best["theirs"]
            row = {"file": os.path.basename(f), "what": what, "records": n,
                   "ltt_view_cpu_s": o[0], "ltt_view_records_per_cpu_s": n / o[0],
                   "ltt_view_wall_s": o[1], "ltt_view_peak_rss_kib": o[2],
                   "xenalyze_cpu_s": t[0], "xenalyze_records_per_cpu_s": n / t[0],
                   "xenalyze_wall_s": t[1], "xenalyze_peak_rss_kib": t[2],
                   "xenalyze_over_ltt_view_cpu": t[0] / o[0]}
            results.append(row)
            print(f"{row['file'][:22]:<22} {what:<8} {n:>9} | {o[0]:>14.3f} {n / o[0]:>10.3g} "
                  f"{o[1]:>7.3f} {o[2] / 1024:>6.1f} | {t[0]:>14.3f} {n / t[0]:>10.3g} "
                  f"{t[1]:>7.3f} {t[2] / 1024:>6.1f} | {t[0] / o[0]:>5.2f}x")
    print(f"best of {a.repeat} runs each, output to /dev/null; records exclude CPU-change "
          "records; ratio: xenalyze's CPU time over ltt-view's (above 1: ltt-view is faster); "
          "`events` prints one line per record, as --dump-all does")
    if a.json:
        with open(a.json, "w") as out:
            json.dump({"benchmark": "view_xentrace", "cpu_hz": a.cpu_hz, "repeat": a.repeat,
                       "results": results}, out, indent=2)


if __name__ == "__main__":
    main()
