#!/usr/bin/env python3
"""ltt-view's time-base audit of dom0's ftrace merged with Xen's xentrace,
against counts this script works out from the files themselves.

  merged_audit.py --ltt-view BIN XENTRACE_FILE FTRACE_TEXT_GZ

The files (../shared/testdata/xen-4.17-qemu/) were recorded at the same
time, both on the raw TSC. Independently of ltt-view: the first and last
TSC of the xentrace file (its records, as Xen's public/trace.h lays them
out), and how many dom0 ftrace events fall before and after them. ltt-view
must report those counts as outside the hypervisor trace's span, and no
dom0 event while Xen says that vCPU was not running.
"""
import argparse
import gzip
import json
import re
import struct
import subprocess
import sys


def xentrace_span(path):
    """First and last TSC of the records that carry one."""
    data = open(path, "rb").read()
    first = last = None
    off = 0
    while off + 4 <= len(data):
        (word,) = struct.unpack_from("<I", data, off)
        event, extra, has_tsc = word & 0x0FFFFFFF, (word >> 28) & 7, word >> 31
        off += 4
        if has_tsc:
            (tsc,) = struct.unpack_from("<Q", data, off)
            off += 8
            first = tsc if first is None else min(first, tsc)
            last = tsc if last is None else max(last, tsc)
        off += 4 * extra
    return first, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltt-view", required=True)
    ap.add_argument("xentrace")
    ap.add_argument("ftrace")
    a = ap.parse_args()
    first, last = xentrace_span(a.xentrace)
    line = re.compile(r"^\s*.+-\d+\s+\[(\d+)\]\s+\S+\s+(\d+):")
    before = after = events = 0
    with gzip.open(a.ftrace, "rt", errors="replace") as f:
        for text in f:
            m = line.match(text)
            if not m:
                continue
            events += 1
            ts = int(m.group(2))
            before += ts < first
            after += ts > last
    out = subprocess.run([a.ltt_view, "audit", "--json", "--guest-domid", "0", "--cpu-hz", "2.6G",
                          a.xentrace, a.ftrace], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("merged_audit: ltt-view failed: " + out.stderr)
    rows = {r["check"]: r for res in json.loads(out.stdout)["results"]
            for t in res["tables"] if t["name"] == "checks" for r in t["rows"]}
    problems = []
    running = rows["guest events while their vCPU was not running"]
    span = rows["guest events outside the hypervisor trace's span"]
    if running["count"] != 0:
        problems.append("dom0 events while Xen says the vCPU was not running: %d" % running["count"])
    checked = int(running["detail"].split()[0])
    if checked < events // 2:
        problems.append("only %d of %d dom0 events checked against Xen's runstates" % (checked, events))
    want = "%d before its first event, %d after its last" % (before, after)
    if span["count"] != before + after or span["detail"] != want:
        problems.append("outside the span: ltt-view says %d (%s), the files %d (%s)"
                        % (span["count"], span["detail"], before + after, want))
    print("merged_audit: %d dom0 events, %d checked, 0 while not running; %s"
          % (events, checked, want))
    for p in problems:
        print("merged_audit: FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
