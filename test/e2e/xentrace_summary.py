#!/usr/bin/env python3
"""Summarises a xentrace binary file: records per trace class and per CPU,
lost records, time span. Used by the e2e checks and `make demo` (ltt-view
will take over); independent of xenalyze so each can check the other.

The file is what xentrace writes: for each chunk of one CPU's buffer a
TRC_TRACE_CPU_CHANGE record (cpu, byte count), then that CPU's records as
Xen wrote them (xen/include/public/trace.h): a 32-bit header (event id in
bits 0-27, number of 32-bit extra words in bits 28-30, bit 31 set when a
64-bit TSC follows), the TSC if present, then the extra words.

    xentrace_summary.py FILE [--cpu-mhz MHZ] [--formats FILE] [--json] [--top N]
"""

import argparse
import json
import struct
import sys
from collections import Counter, defaultdict

TRC_LOST_RECORDS = 0x0001F001
TRC_TRACE_WRAP_BUFFER = 0x0001F002
TRC_TRACE_CPU_CHANGE = 0x0001F003

# Main classes: bits 16-27 of the event id (TRC_GEN ... TRC_GUEST).
CLASSES = {
    0x001: "gen",
    0x002: "sched",
    0x004: "dom0op",
    0x008: "hvm",
    0x010: "mem",
    0x020: "pv",
    0x040: "shadow",
    0x080: "hw",
    0x800: "guest",
}


def class_name(event):
    main = (event >> 16) & 0xFFF
    return CLASSES.get(main, "0x%03x" % main)


def load_formats(path):
    """Event names from Xen's tools/xentrace/formats (id, then name in column 4)."""
    names = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0].startswith("0x"):
                try:
                    names[int(parts[0], 16)] = parts[4]
                except ValueError:
                    pass
    return names


class Summary:
    def __init__(self):
        self.records = 0
        self.bytes = 0
        self.by_class = Counter()
        self.by_cpu = Counter()
        self.by_cpu_class = defaultdict(Counter)
        self.by_event = Counter()
        self.no_tsc = 0
        self.lost_records = 0
        self.lost_events = 0
        self.wraps = 0
        self.cpu_changes = 0
        self.tsc_min = {}
        self.tsc_max = {}
        self.truncated_bytes = 0


def parse(data):
    s = Summary()
    s.bytes = len(data)
    pos = 0
    cpu = 0
    n = len(data)
    while pos + 4 <= n:
        (hdr,) = struct.unpack_from("<I", data, pos)
        event = hdr & 0x0FFFFFFF
        extra = (hdr >> 28) & 7
        has_tsc = hdr >> 31
        size = 4 + 8 * has_tsc + 4 * extra
        if pos + size > n:
            s.truncated_bytes = n - pos
            break
        off = pos + 4
        tsc = None
        if has_tsc:
            lo, hi = struct.unpack_from("<II", data, off)
            tsc = (hi << 32) | lo
            off += 8
        words = struct.unpack_from("<%dI" % extra, data, off)
        pos += size
        if event == TRC_TRACE_CPU_CHANGE and not has_tsc and extra >= 1:
            cpu = words[0] & 0xFFFF
            s.cpu_changes += 1
            continue
        s.records += 1
        s.by_class[class_name(event)] += 1
        s.by_cpu[cpu] += 1
        s.by_cpu_class[cpu][class_name(event)] += 1
        s.by_event[event] += 1
        if event == TRC_LOST_RECORDS:
            s.lost_events += 1
            if words:
                s.lost_records += words[0]
        elif event == TRC_TRACE_WRAP_BUFFER:
            s.wraps += 1
        if tsc is None:
            s.no_tsc += 1
        else:
            if cpu not in s.tsc_min or tsc < s.tsc_min[cpu]:
                s.tsc_min[cpu] = tsc
            if cpu not in s.tsc_max or tsc > s.tsc_max[cpu]:
                s.tsc_max[cpu] = tsc
    return s


def to_dict(s, mhz, names, top):
    out = {
        "bytes": s.bytes,
        "records": s.records,
        "cpu_change_records": s.cpu_changes,
        "records_without_tsc": s.no_tsc,
        "lost_records": s.lost_records,
        "lost_record_events": s.lost_events,
        "wrap_buffer_events": s.wraps,
        "truncated_bytes": s.truncated_bytes,
        "cpus": sorted(s.by_cpu),
        "by_class": dict(s.by_class.most_common()),
        "by_cpu": {str(c): n for c, n in sorted(s.by_cpu.items())},
        "by_cpu_class": {
            str(c): dict(s.by_cpu_class[c].most_common()) for c in sorted(s.by_cpu_class)
        },
        "top_events": [
            {"event": "0x%08x" % e, "name": names.get(e, ""), "class": class_name(e), "count": n}
            for e, n in s.by_event.most_common(top)
        ],
    }
    if s.tsc_min:
        first = min(s.tsc_min.values())
        last = max(s.tsc_max.values())
        out["tsc_first"] = first
        out["tsc_last"] = last
        out["tsc_span"] = last - first
        if mhz:
            out["cpu_mhz"] = mhz
            out["span_s"] = (last - first) / (mhz * 1e6)
            out["per_cpu_span_s"] = {
                str(c): (s.tsc_max[c] - s.tsc_min[c]) / (mhz * 1e6) for c in sorted(s.tsc_min)
            }
            if out["span_s"] > 0:
                out["records_per_s"] = s.records / out["span_s"]
    return out


def print_text(d, path):
    print(
        "xentrace file %s: %d bytes, %d records (+ %d cpu-change markers)"
        % (path, d["bytes"], d["records"], d["cpu_change_records"])
    )
    if "span_s" in d:
        print(
            "  time span %.3f s (TSC %d..%d at %.3f MHz), %.0f records/s"
            % (d["span_s"], d["tsc_first"], d["tsc_last"], d["cpu_mhz"], d.get("records_per_s", 0))
        )
    elif "tsc_span" in d:
        print("  time span %d TSC cycles (give --cpu-mhz for seconds)" % d["tsc_span"])
    print(
        "  lost records: %d (in %d lost-record events); wrap-buffer events: %d; records without TSC: %d"
        % (d["lost_records"], d["lost_record_events"], d["wrap_buffer_events"], d["records_without_tsc"])
    )
    if d["truncated_bytes"]:
        print("  truncated last record: %d bytes" % d["truncated_bytes"])
    classes = list(d["by_class"])
    cpus = [str(c) for c in d["cpus"]]
    width = max([8] + [len(c) for c in classes])
    print()
    print("  records per class and physical CPU:")
    print("  %-*s %10s" % (width, "class", "total") + "".join("%10s" % ("cpu" + c) for c in cpus))
    for cls in classes:
        row = "  %-*s %10d" % (width, cls, d["by_class"][cls])
        row += "".join("%10d" % d["by_cpu_class"].get(c, {}).get(cls, 0) for c in cpus)
        print(row)
    row = "  %-*s %10d" % (width, "all", d["records"])
    row += "".join("%10d" % d["by_cpu"].get(c, 0) for c in cpus)
    print(row)
    if d["top_events"]:
        print()
        print("  most frequent events:")
        for e in d["top_events"]:
            share = 100.0 * e["count"] / d["records"] if d["records"] else 0
            print("  %s %-7s %-24s %9d  %5.1f%%" % (e["event"], e["class"], e["name"], e["count"], share))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--cpu-mhz", type=float, default=0.0, help="TSC frequency, for seconds")
    ap.add_argument("--formats", help="Xen's tools/xentrace/formats, for event names")
    ap.add_argument("--json", action="store_true", help="print JSON instead of text")
    ap.add_argument("--top", type=int, default=10, help="how many of the most frequent events")
    args = ap.parse_args()
    with open(args.file, "rb") as f:
        data = f.read()
    names = load_formats(args.formats) if args.formats else {}
    d = to_dict(parse(data), args.cpu_mhz, names, args.top)
    if args.json:
        json.dump(d, sys.stdout, indent=2)
        print()
    else:
        print_text(d, args.file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
