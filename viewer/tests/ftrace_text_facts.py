#!/usr/bin/env python3
"""What an ftrace text file says, computed without ltt-view (the expected
values of viewer/tests/ftrace_*_test.cpp): one regular expression over the
lines, Python's gzip module for .gz files.

  ftrace_text_facts.py FILE            -> JSON on stdout
  ftrace_text_facts.py --xentrace FILE -> {"first_tsc": n, "last_tsc": n}
  ftrace_text_facts.py --trace-cmd FILE.dat
      -> what `trace-cmd report` prints: events per name and per CPU,
         "[n EVENTS DROPPED]" per CPU

JSON: events per name, per CPU, first/last timestamp (raw integer, or ns for
seconds.microseconds), the timestamp form, the sum of "[LOST n EVENTS]"
counts and their number, entries-written - entries-in-buffer, and a few
sums over fields of the builtin events (sched_switch, irq_handler_entry,
sched_waking, tracing_mark_write's tsc=).
"""
import gzip
import json
import re
import struct
import subprocess
import sys

EVENT = re.compile(
    r"^\s*(?P<comm>.*?)-(?P<pid>\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(?P<cpu>\d+)\]\s+"
    r"(?:(?P<flags>[^\s:]+)\s+)?(?P<ts>\d+(?:\.\d+)?):\s(?P<rest>.*)$")
LOST = re.compile(r"^CPU:(\d+) \[LOST (\d+) EVENTS\]$")
ENTRIES = re.compile(r"^# entries-in-buffer/entries-written: (\d+)/(\d+)")
STATE_BITS = {"S": 1, "D": 2, "T": 4, "t": 8, "X": 16, "Z": 32, "P": 64, "I": 128}


def prev_state(text):
    plus = text.endswith("+")
    text = text.rstrip("+")
    bits = 0
    if text != "R":
        for letter in text.split("|"):
            bits |= STATE_BITS[letter]
    return bits | (0x100 if plus else 0)


def facts(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    out = {"events": {}, "cpus": {}, "first_ts": None, "last_ts": None, "form": None,
           "lost": 0, "lost_lines": 0, "overwritten": 0, "backwards": 0,
           "switch_prev_tid_sum": 0, "switch_next_prio_sum": 0, "switch_state_sum": 0,
           "irq_sum": 0, "waking_target_cpu_sum": 0, "marks": []}
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = ENTRIES.match(line)
            if m:
                out["overwritten"] = int(m.group(2)) - int(m.group(1))
                continue
            if line.startswith("#") or not line.strip():
                continue
            m = LOST.match(line)
            if m:
                out["lost"] += int(m.group(2))
                out["lost_lines"] += 1
                continue
            m = EVENT.match(line)
            if not m:
                raise SystemExit(f"{path}: not an event line: {line!r}")
            ts_text = m.group("ts")
            if "." in ts_text:
                sec, usec = ts_text.split(".")
                ts, form = int(sec) * 10**9 + int(usec) * 1000, "sec_usec"
            else:
                ts, form = int(ts_text), "counter"
            out["form"] = out["form"] or form
            if out["last_ts"] is not None and ts < out["last_ts"]:
                out["backwards"] += 1
            out["first_ts"] = ts if out["first_ts"] is None else out["first_ts"]
            out["last_ts"] = ts
            name, _, body = m.group("rest").partition(": ")
            out["events"][name] = out["events"].get(name, 0) + 1
            out["cpus"][m.group("cpu").lstrip("0") or "0"] = \
                out["cpus"].get(m.group("cpu").lstrip("0") or "0", 0) + 1
            if name == "sched_switch":
                f = dict(re.findall(r"(\w+)=(\S+)", body))
                out["switch_prev_tid_sum"] += int(f["prev_pid"])
                out["switch_next_prio_sum"] += int(f["next_prio"]) - 100
                out["switch_state_sum"] += prev_state(f["prev_state"])
            elif name == "irq_handler_entry":
                out["irq_sum"] += int(re.match(r"irq=(-?\d+)", body).group(1))
            elif name == "sched_waking":
                out["waking_target_cpu_sum"] += int(re.search(r"target_cpu=(\d+)", body).group(1))
            elif name == "tracing_mark_write":
                t = re.search(r"tsc=(\d+)", body)
                if t:
                    out["marks"].append([ts, int(t.group(1))])
    return out


def xentrace_range(path):
    """First and last TSC of a xentrace file: records are a 32-bit header
    (event:28, extra words:3, TSC included:1), the TSC (2 words) when
    flagged, then the extra words (xen/include/public/trace.h)."""
    data = open(path, "rb").read()
    lo = hi = None
    off = 0
    while off + 4 <= len(data):
        (head,) = struct.unpack_from("<I", data, off)
        extra = (head >> 28) & 7
        has_tsc = head >> 31
        if has_tsc:
            t_lo, t_hi = struct.unpack_from("<II", data, off + 4)
            t = (t_hi << 32) | t_lo
            lo = t if lo is None else min(lo, t)
            hi = t if hi is None else max(hi, t)
        off += 4 + (8 if has_tsc else 0) + 4 * extra
    return {"first_tsc": lo, "last_tsc": hi}


REPORT_EVENT = re.compile(r"\[(\d+)\]\s*(\d+(?:\.\d+)?):\s+(\w+):")
REPORT_DROPPED = re.compile(r"CPU:(\d+) \[(\d+) EVENTS DROPPED\]")


def trace_cmd_report(path):
    text = subprocess.run(["trace-cmd", "report", path], check=True, capture_output=True,
                          text=True, errors="replace").stdout
    out = {"events": {}, "cpus": {}, "dropped": {}}
    for line in text.splitlines():
        m = REPORT_DROPPED.search(line)
        if m:
            out["dropped"][m.group(1)] = out["dropped"].get(m.group(1), 0) + int(m.group(2))
            continue
        m = REPORT_EVENT.search(line)
        if m:
            cpu = str(int(m.group(1)))
            out["events"][m.group(3)] = out["events"].get(m.group(3), 0) + 1
            out["cpus"][cpu] = out["cpus"].get(cpu, 0) + 1
    return out


if __name__ == "__main__":
    if sys.argv[1] == "--xentrace":
        print(json.dumps(xentrace_range(sys.argv[2])))
    elif sys.argv[1] == "--trace-cmd":
        print(json.dumps(trace_cmd_report(sys.argv[2])))
    else:
        print(json.dumps(facts(sys.argv[1])))
