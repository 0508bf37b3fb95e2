#!/usr/bin/env python3
"""Reads and checks an ltt-xen hypervisor trace (what lttd writes for
`--source xen`: DIR/hypervisor/{metadata,xen_<cpu>} + DIR/index.json, or a
snapshot directory of the same layout), independently of lttd:

- babeltrace2 reads the whole trace: exit status 0, nothing on stderr but
  "Tracer discarded N events" warnings (real losses);
- every stream file is read again on its own by babeltrace2 (a directory with
  the metadata and that one file), so the events come in the stream's order:
  events per facility, event and CPU, timestamps never going backwards, the
  packet context's cpu_id;
- the packet headers and contexts are parsed here (include/ltt/packet.h):
  magic, uuid, stream instance = cpu_id, sizes, consecutive sequence numbers,
  timestamps in order, events_discarded never decreasing; the last packet's
  events_discarded is the stream's loss count; babeltrace2 must report the
  same losses ("discarded N events" for every increase from packet to packet,
  "may have discarded events" when the first packet's count is not 0);
- fields: every domain id is a domain of the statedump (a snapshot may have
  lost it: --domains-from gives another trace's), one created during
  the trace or the idle domain (32767); vCPU ids are below the domain's vCPU
  count (the statedump's nr_vcpus; the idle domain has one per physical CPU);
  physical CPUs below the number of streams;
- with --status FILE (`ltt-ctl status --json`): per CPU, lost_total equals
  the last packet's events_discarded, records_written the events babeltrace2
  decoded, bytes_written the stream file's size (discard mode).

    ltt_trace_check.py TRACE_DIR [--status STATUS.json] [--snapshot] [--domains-from JSON]
                       [--json OUT] [--quiet]

Prints a summary; --json writes everything as JSON. Exits 1 when a problem
was found (listed under "problems"), 2 on bad usage.
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

CTF_MAGIC = 0xC1FC1FC1
PKT_HEADER = struct.Struct("<I16sIQQQQQQQI")  # include/ltt/packet.h, 84 bytes
IDLE_DOMID = 32767
DOMID_FIRST_RESERVED = 0x7FF0

# "[cycles] [hostname ]name: { cpu_id = N }, { fields }" (the hostname when
# the metadata's env has one).
EVENT_RE = re.compile(r"^\[(\d+)\] (?:\S+ )?([A-Za-z0-9_]+): \{ cpu_id = (\d+) \}, \{ ?(.*?) ?\}$")
FIELD_RE = re.compile(r'(\w+) = (?:(-?(?:0x[0-9a-fA-F]+|\d+))|\( "[^"]*" : container = (-?\d+) \))')
# babeltrace2's discarded-events warnings: with a count (the increase of
# events_discarded from one packet to the next), or without one when a
# stream's first packet already carries a non-zero events_discarded.
DISCARDED_EVENTS_RE = re.compile(r'^WARNING: Tracer discarded (\d+) events? .* within stream "([^"]*)"')
MAY_HAVE_DISCARDED_RE = re.compile(r'^WARNING: Tracer may have discarded events .* within stream "([^"]*)"')

# (domain field, vCPU field) pairs of the Xen facilities' events.
DOM_VCPU_FIELDS = [
    ("dom_id", "vcpu"),
    ("dom_id", "cpu_id"),  # sched: cpu_id is the vCPU (xentrace's name)
    ("dom_id", "notify_vcpu"),  # domain_statedump_evtchn
    ("domid", "vcpu"),
    ("prev_dom_id", "prev_cpu_id"),
    ("next_dom_id", "next_cpu_id"),
]
DOM_FIELDS = ("dom_id", "domid", "prev_dom_id", "next_dom_id", "remote_dom_id", "map_dom_id", "from_dom_id")
# Events whose fields are looked at (the others are only counted).
CHECKED_PREFIXES = ("sched_", "runstate_", "evtchn_", "domain_", "time_", "irq_guest", "hvm_", "memory_")


def find_trace_dirs(root):
    """CTF trace directories (those holding a 'metadata' file) under root."""
    dirs = []
    for d, _, files in os.walk(root):
        if "metadata" in files:
            dirs.append(d)
    return sorted(dirs)


def read_metadata(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    meta = {"event_facility": {}}
    m = re.search(r'trace\s*\{[^}]*uuid\s*=\s*"([0-9a-fA-F-]+)"', text)
    meta["uuid"] = m.group(1).lower() if m else None
    m = re.search(r"clock\s*\{[^}]*freq\s*=\s*(\d+)", text)
    meta["tsc_hz"] = int(m.group(1)) if m else None
    m = re.search(r"env\s*\{([^}]*)\}", text)
    env = {}
    if m:
        for k, v in re.findall(r'(\w+)\s*=\s*("[^"]*"|-?\d+)\s*;', m.group(1)):
            env[k] = v.strip('"') if v.startswith('"') else int(v)
    meta["env"] = env
    facility = None
    facilities = []
    for line in text.splitlines():
        fm = re.match(r"/\* ltt-facility: name=(\w+) .*checksum=(0x[0-9a-f]+) events=(\d+)", line.strip())
        if fm:
            facility = fm.group(1)
            facilities.append({"name": facility, "checksum": fm.group(2), "events": int(fm.group(3))})
            continue
        em = re.match(r'\s*name = "([^"]+)";', line)
        if em and facility:
            meta["event_facility"][em.group(1)] = facility
    meta["facilities"] = facilities
    return meta


def facility_of(name, meta):
    f = meta["event_facility"].get(name)
    return f if f else name.split("_", 1)[0]


def read_packets(path, uuid, problems, label):
    """The packets of one stream file, from their headers and contexts."""
    data = open(path, "rb").read()
    packets = []
    pos = 0
    while pos < len(data):
        if pos + PKT_HEADER.size > len(data):
            problems.append("%s: %d bytes left at offset %d, less than a packet header" % (label, len(data) - pos, pos))
            break
        (magic, puuid, stream_id, instance, ts_begin, ts_end, content_bits, packet_bits, seq, discarded,
         cpu) = PKT_HEADER.unpack_from(data, pos)
        if magic != CTF_MAGIC:
            problems.append("%s: bad magic 0x%08x at offset %d" % (label, magic, pos))
            break
        p = {"offset": pos, "stream_id": stream_id, "instance": instance, "ts_begin": ts_begin, "ts_end": ts_end,
             "content_bytes": content_bits // 8, "packet_bytes": packet_bits // 8, "seq": seq,
             "events_discarded": discarded, "cpu": cpu, "uuid": puuid.hex()}
        packets.append(p)
        if packet_bits % 8 or packet_bits < content_bits or content_bits < PKT_HEADER.size * 8:
            problems.append("%s: packet at %d: content_size %d / packet_size %d bits" % (label, pos, content_bits,
                                                                                         packet_bits))
            break
        if pos + packet_bits // 8 > len(data):
            problems.append("%s: packet at %d runs past the end of the file (%d bytes, %d left)"
                            % (label, pos, packet_bits // 8, len(data) - pos))
            break
        pos += packet_bits // 8
    prev = None
    for i, p in enumerate(packets):
        where = "%s packet %d (seq %d)" % (label, i, p["seq"])
        if uuid and p["uuid"] != uuid.replace("-", ""):
            problems.append("%s: uuid %s, metadata says %s" % (where, p["uuid"], uuid))
        if p["instance"] != p["cpu"]:
            problems.append("%s: stream_instance_id %d != cpu_id %d" % (where, p["instance"], p["cpu"]))
        if p["ts_end"] < p["ts_begin"]:
            problems.append("%s: timestamp_end %d < timestamp_begin %d" % (where, p["ts_end"], p["ts_begin"]))
        if prev:
            if p["cpu"] != prev["cpu"]:
                problems.append("%s: cpu_id %d, previous packet %d" % (where, p["cpu"], prev["cpu"]))
            if p["seq"] != prev["seq"] + 1:
                problems.append("%s: sequence number after %d" % (where, prev["seq"]))
            if p["ts_begin"] < prev["ts_end"]:
                problems.append("%s: timestamp_begin %d before the previous packet's end %d"
                                % (where, p["ts_begin"], prev["ts_end"]))
            if p["events_discarded"] < prev["events_discarded"]:
                problems.append("%s: events_discarded went down from %d to %d"
                                % (where, prev["events_discarded"], p["events_discarded"]))
        prev = p
    return packets, len(data)


def run_babeltrace(path):
    """babeltrace2's text output of path (cycles, no deltas), read line by
    line from proc.stdout; its stderr goes to a file (a lossy trace makes
    more discarded-events warnings than a pipe holds: reading stdout to its
    end while babeltrace2 blocks on a full stderr pipe would never end),
    read with finish_babeltrace()."""
    err = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(["babeltrace2", "--color=never", "--clock-cycles", "--no-delta", path],
                            stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1 << 20)
    proc.err_file = err
    return proc


def finish_babeltrace(proc):
    """(stderr text, exit status) once stdout has been read to its end."""
    rc = proc.wait()
    proc.err_file.seek(0)
    err = proc.err_file.read()
    proc.err_file.close()
    return err, rc


def split_stderr(err):
    """(discarded events per stream file basename, "may have discarded"
    warnings per stream file basename, other stderr lines)."""
    discarded = Counter()
    may_have = Counter()
    other = []
    for line in err.splitlines():
        m = DISCARDED_EVENTS_RE.match(line)
        m2 = MAY_HAVE_DISCARDED_RE.match(line)
        if m:
            discarded[os.path.basename(m.group(2))] += int(m.group(1))
        elif m2:
            may_have[os.path.basename(m2.group(1))] += 1
        elif line.strip():
            other.append(line)
    return discarded, may_have, other


def check_trace_dir(tdir, problems, notes, snapshot=False, other_domains=None):
    meta = read_metadata(os.path.join(tdir, "metadata"))
    label_dir = os.path.basename(tdir)
    streams = sorted(f for f in os.listdir(tdir) if f != "metadata" and not f.startswith("."))
    out = {"dir": tdir, "uuid": meta["uuid"], "tsc_hz": meta["tsc_hz"], "env": meta["env"],
           "facilities": meta["facilities"], "streams": {}}
    ncpus = len(streams)
    per_event = Counter()
    per_cpu_facility = defaultdict(Counter)
    dom_events = Counter()  # (domid) -> events naming it
    vcpus_seen = defaultdict(set)  # domid -> vcpu ids
    statedump = {"domains": {}, "vcpus": [], "evtchns": 0, "start": 0, "end": 0}
    created = set()
    field_problems = Counter()
    field_examples = {}
    pcpu_fields = []  # (event, field, value) physical CPU numbers in payloads

    def field_problem(kind, example):
        field_problems[kind] += 1
        field_examples.setdefault(kind, example)

    total_events = 0
    for sname in streams:
        spath = os.path.join(tdir, sname)
        label = "%s/%s" % (label_dir, sname)
        packets, nbytes = read_packets(spath, meta["uuid"], problems, label)
        st = {"file": sname, "bytes": nbytes, "packets": len(packets)}
        if packets:
            st["cpu"] = packets[0]["cpu"]
            st["seq_first"] = packets[0]["seq"]
            st["seq_last"] = packets[-1]["seq"]
            st["events_discarded_first"] = packets[0]["events_discarded"]
            st["events_discarded"] = packets[-1]["events_discarded"]
            st["ts_begin"] = packets[0]["ts_begin"]
            st["ts_end"] = packets[-1]["ts_end"]
            st["content_bytes"] = sum(p["content_bytes"] for p in packets)
            st["empty_packets"] = sum(1 for p in packets if p["content_bytes"] == PKT_HEADER.size)
            m = re.match(r"xen_(\d+)$", sname)
            if not m or int(m.group(1)) != st["cpu"]:
                problems.append("%s: stream file name does not match its cpu_id %d" % (label, st["cpu"]))
        # The stream alone: babeltrace2 then gives its events in stream order.
        with tempfile.TemporaryDirectory(prefix="ltt-check-") as tmp:
            os.symlink(os.path.abspath(os.path.join(tdir, "metadata")), os.path.join(tmp, "metadata"))
            os.symlink(os.path.abspath(spath), os.path.join(tmp, sname))
            proc = run_babeltrace(tmp)
            n = 0
            last_ts = None
            backwards = 0
            first_ts = None
            ctx_cpu_bad = 0
            for line in proc.stdout:
                m = EVENT_RE.match(line.rstrip("\n"))
                if not m:
                    field_problem("unparsed babeltrace2 line", line.strip()[:200])
                    continue
                n += 1
                ts = int(m.group(1))
                name = m.group(2)
                cpu = int(m.group(3))
                if first_ts is None:
                    first_ts = ts
                if last_ts is not None and ts < last_ts:
                    backwards += 1
                    if backwards == 1:
                        problems.append("%s: timestamp goes backwards at event %d (%s): %d after %d"
                                        % (label, n, name, ts, last_ts))
                last_ts = ts
                if packets and cpu != st["cpu"]:
                    ctx_cpu_bad += 1
                per_event[name] += 1
                per_cpu_facility[cpu][facility_of(name, meta)] += 1
                if not name.startswith(CHECKED_PREFIXES):
                    continue
                fields = {}
                for k, v, e in FIELD_RE.findall(m.group(4)):
                    fields[k] = int(v, 0) if v else int(e)
                if name == "domain_statedump_domain":
                    statedump["domains"][fields["dom_id"]] = {
                        k: fields.get(k) for k in ("nr_vcpus", "guest_type", "privileged", "hwdom", "dying",
                                                   "pause_count")}
                elif name == "domain_statedump_vcpu":
                    statedump["vcpus"].append([fields["dom_id"], fields["vcpu"], fields["processor"],
                                               fields["runstate"]])
                    pcpu_fields.append((name, "processor", fields["processor"]))
                elif name == "domain_statedump_evtchn":
                    statedump["evtchns"] += 1
                elif name == "domain_statedump_start":
                    statedump["start"] += 1
                elif name == "domain_statedump_end":
                    statedump["end"] += 1
                elif name == "domain_create":
                    created.add(fields["dom_id"])
                for f in DOM_FIELDS:
                    if f in fields:
                        dom_events[fields[f]] += 1
                for df, vf in DOM_VCPU_FIELDS:
                    if df in fields and vf in fields:
                        vcpus_seen[fields[df]].add(fields[vf])
            err, rc = finish_babeltrace(proc)
        discarded, may_have, other = split_stderr(err)
        st.update({"events": n, "first_event_ts": first_ts, "last_event_ts": last_ts,
                   "timestamps_backwards": backwards, "babeltrace2_status": rc,
                   "babeltrace2_discarded": sum(discarded.values()),
                   "babeltrace2_may_have_discarded": sum(may_have.values())})
        if rc != 0:
            problems.append("%s: babeltrace2 (stream alone) exited with %d: %s" % (label, rc, " | ".join(other[-3:])))
        elif other:
            problems.append("%s: babeltrace2 (stream alone) stderr: %s" % (label, " | ".join(other[:3])))
        if ctx_cpu_bad:
            problems.append("%s: %d events with a packet cpu_id other than %s" % (label, ctx_cpu_bad, st.get("cpu")))
        if packets:
            # babeltrace2 counts the increases from packet to packet, and
            # says "may have discarded" when the first packet's count is not 0.
            counted = st["events_discarded"] - st["events_discarded_first"]
            if st["babeltrace2_discarded"] != counted:
                problems.append("%s: babeltrace2 reports %d discarded events, the packets' events_discarded "
                                "went from %d to %d" % (label, st["babeltrace2_discarded"],
                                                        st["events_discarded_first"], st["events_discarded"]))
            if bool(st["babeltrace2_may_have_discarded"]) != bool(st["events_discarded_first"]):
                problems.append("%s: %d 'may have discarded' warnings from babeltrace2, the first packet's "
                                "events_discarded is %d" % (label, st["babeltrace2_may_have_discarded"],
                                                            st["events_discarded_first"]))
        if packets and first_ts is not None:
            if first_ts < st["ts_begin"] or last_ts > st["ts_end"]:
                problems.append("%s: events %d..%d outside the packets' %d..%d"
                                % (label, first_ts, last_ts, st["ts_begin"], st["ts_end"]))
        total_events += n
        out["streams"][str(st.get("cpu", sname))] = st

    cpus = sorted(int(c) for c in out["streams"] if c.isdigit())
    if cpus and cpus != list(range(len(cpus))):
        problems.append("%s: stream CPUs %s are not 0..%d" % (label_dir, cpus, len(cpus) - 1))
    for name, f, v in pcpu_fields:
        if v >= ncpus:
            field_problem("physical CPU >= %d" % ncpus, "%s %s=%d" % (name, f, v))

    # Domains and vCPUs against the statedump.
    known = dict((d, v["nr_vcpus"]) for d, v in statedump["domains"].items())
    if not known and other_domains:
        # A snapshot whose statedump was overwritten: the domains another
        # trace of the same boot saw.
        known = dict((int(d), v["nr_vcpus"]) for d, v in other_domains.items())
    known[IDLE_DOMID] = ncpus
    for d in sorted(dom_events):
        if d not in known and d not in created:
            field_problem("domain id not in the statedump", "dom %d (%d events)" % (d, dom_events[d]))
    for d, vs in sorted(vcpus_seen.items()):
        limit = known.get(d)
        if limit is not None and max(vs) >= limit:
            field_problem("vCPU id >= the domain's vCPU count",
                          "d%d vcpus %s, statedump says %d" % (d, sorted(vs), limit))
    # A snapshot holds the statedump lttd asks for before it, and the
    # earlier ones (session start, earlier snapshots) that the writer did
    # not overwrite yet - how many depends on how fast events came: the
    # oldest may have lost its start record, never its end.
    if (statedump["start"], statedump["end"]) != (1, 1) and not (
            snapshot and 0 <= statedump["end"] - statedump["start"] <= 1):
        what = "statedump start/end records: %d/%d, expected 1/1" % (statedump["start"], statedump["end"])
        if statedump["start"] <= 1 and statedump["end"] <= 1 and any(
                st.get("events_discarded_first") for st in out["streams"].values()):
            # A record lost (and counted) before the first packet closed.
            notes.append("%s: %s; records were lost (counted) in a first packet" % (label_dir, what))
        else:
            field_problem("statedump start/end count", what)
    for kind, count in field_problems.items():
        problems.append("%s: %s: %d (e.g. %s)" % (label_dir, kind, count, field_examples[kind]))

    by_facility = Counter()
    for name, n in per_event.items():
        by_facility[facility_of(name, meta)] += n
    out["events"] = total_events
    out["bytes"] = sum(s["bytes"] for s in out["streams"].values())
    out["metadata_bytes"] = os.path.getsize(os.path.join(tdir, "metadata"))
    out["packets"] = sum(s["packets"] for s in out["streams"].values())
    out["events_discarded"] = sum(s.get("events_discarded", 0) for s in out["streams"].values())
    out["by_facility"] = dict(by_facility.most_common())
    out["by_event"] = dict(per_event.most_common())
    out["by_cpu_facility"] = {str(c): dict(v.most_common()) for c, v in sorted(per_cpu_facility.items())}
    out["statedump"] = {"domains": {str(d): v for d, v in sorted(statedump["domains"].items())},
                        "vcpus": statedump["vcpus"], "evtchns": statedump["evtchns"],
                        "start": statedump["start"], "end": statedump["end"]}
    out["domains_created"] = sorted(created)
    out["domain_ids_seen"] = {str(d): n for d, n in sorted(dom_events.items())}
    out["vcpus_seen"] = {str(d): sorted(v) for d, v in sorted(vcpus_seen.items())}
    firsts = [s["first_event_ts"] for s in out["streams"].values() if s.get("first_event_ts") is not None]
    lasts = [s["last_event_ts"] for s in out["streams"].values() if s.get("last_event_ts") is not None]
    if firsts and meta["tsc_hz"]:
        out["ts_first"] = min(firsts)
        out["ts_last"] = max(lasts)
        out["span_s"] = (out["ts_last"] - out["ts_first"]) / meta["tsc_hz"]
    return out


def check_status(trace, status, snapshot, problems):
    """lttd's status (ltt-ctl status --json) against the trace."""
    res = {}
    # A session of several sources lists every source's CPUs: the hypervisor's
    # are the ones this trace is checked against.
    for c in status.get("cpus", []):
        if c.get("source", "xen") != "xen":
            continue
        cpu = str(c["cpu"])
        st = trace["streams"].get(cpu)
        lost = c.get("lost_total")
        res[cpu] = {"lost": c.get("lost"), "lost_total": lost, "records": c.get("records"),
                    "records_written": c.get("records_written"), "bytes_written": c.get("bytes_written"),
                    "packets_refused": c.get("packets_refused"), "state": c.get("state")}
        if c.get("state") != "ok":
            problems.append("status: cpu %s state %s %s" % (cpu, c.get("state"), c.get("problem", "")))
        if c.get("packets_refused"):
            problems.append("status: cpu %s: lttd refused %d packets" % (cpu, c["packets_refused"]))
        if st is None:
            problems.append("status: cpu %s has no stream in the trace" % cpu)
            continue
        if snapshot:
            # The flight recorder goes on after the snapshot: its loss count
            # can only have grown since. (bytes_written and packets_written
            # add up every snapshot: the caller compares them.)
            if lost is not None and st.get("events_discarded", 0) > lost:
                problems.append("cpu %s: the snapshot's events_discarded %d > lttd's final lost_total %d"
                                % (cpu, st.get("events_discarded", 0), lost))
            continue
        if lost != st.get("events_discarded"):
            problems.append("cpu %s: Xen's lost_total %s != the trace's events_discarded %s"
                            % (cpu, lost, st.get("events_discarded")))
        if c.get("records_written") != st["events"]:
            problems.append("cpu %s: lttd's records_written %s != %d events babeltrace2 decoded"
                            % (cpu, c.get("records_written"), st["events"]))
        if c.get("bytes_written") != st["bytes"]:
            problems.append("cpu %s: lttd's bytes_written %s != stream file size %d"
                            % (cpu, c.get("bytes_written"), st["bytes"]))
        if c.get("records") is not None and c.get("records") != st["events"]:
            problems.append("cpu %s: Xen committed %s records, %d are in the trace"
                            % (cpu, c.get("records"), st["events"]))
    for cpu in trace["streams"]:
        if cpu not in res:
            problems.append("status: no entry for cpu %s" % cpu)
    return res


def check_ltt_view(a, res, bt_events, bt_counted, t, problems):
    """ltt-view reads the same trace: as many events as babeltrace2, and the
    losses the packets count (all of events_discarded, or the increases
    babeltrace2 reports when a snapshot's first packet already counts some)."""
    if not a.ltt_view or not os.path.exists(a.ltt_view):
        return
    proc = subprocess.run([a.ltt_view, "summary", "--json", a.trace], capture_output=True, text=True)
    if proc.returncode != 0:
        problems.append("ltt-view summary %s exited with %d: %s" % (a.trace, proc.returncode, proc.stderr.strip()[-300:]))
        return
    doc = json.loads(proc.stdout)
    sources = [r for res_ in doc["results"] for tb in res_["tables"] if tb["name"] == "sources" for r in tb["rows"]]
    violations = [r for res_ in doc["results"] if res_["analysis"] == "audit" for tb in res_["tables"]
                  for r in tb["rows"] if r.get("verdict") == "VIOLATION"]
    # The checked trace is the source whose path ends with it; each other
    # trace of the session against babeltrace2 reading it alone.
    checked = os.path.normpath(os.path.join(a.trace, a.part)) if a.part else None
    res["ltt_view"] = {"sources": {}, "audit_violations": len(violations)}
    for r in sources:
        path = os.path.normpath(r["source"])
        if checked is None or path == checked:
            want_events, want_lost = bt_events, (bt_counted, t.get("events_discarded", 0))
        else:
            p = run_babeltrace(path)
            want_events = sum(1 for _ in p.stdout)
            err, rc = finish_babeltrace(p)
            discarded, _, other = split_stderr(err)
            if rc != 0:
                problems.append("babeltrace2 %s exited with %d: %s" % (path, rc, " | ".join(other[-3:])))
            want_lost = (sum(discarded.values()),)
        res["ltt_view"]["sources"][path] = {"events": r["events"], "lost_events": r.get("lost_events", 0),
                                             "babeltrace2_events": want_events}
        if r["events"] != want_events:
            problems.append("ltt-view read %d events from %s, babeltrace2 %d" % (r["events"], path, want_events))
        if r.get("lost_events", 0) not in want_lost:
            problems.append("ltt-view counts %d lost events in %s, babeltrace2/the packets %s"
                            % (r.get("lost_events", 0), path, " or ".join(map(str, want_lost))))
    # Every trace index.json lists (hypervisor, dom0's kernel, lttng's
    # traces under ust/) is one of ltt-view's sources: none left unread.
    try:
        index = json.load(open(os.path.join(a.trace, "index.json")))
        listed = {os.path.realpath(os.path.join(a.trace, ch["path"]))
                  for d in index.get("domains", []) for ch in d.get("channels", [])}
    except (OSError, ValueError, KeyError):
        listed = set()  # main() reports a bad index.json
    for path in sorted(listed - {os.path.realpath(p) for p in res["ltt_view"]["sources"]}):
        problems.append("ltt-view did not read %s, which index.json lists" % path)
    for r in violations:
        problems.append("ltt-view audit: %s: %s (%s)" % (r["check"], r["count"], r["detail"]))
    # Every analysis runs on it; per physical CPU the lanes (guest,
    # hypervisor, idle, lost, unknown) add up to the span, to the TSC tick.
    for command in ("irq-latency", "sched-latency", "grants", "loss", "cpu"):
        p = subprocess.run([a.ltt_view, command, "--json", a.trace], capture_output=True, text=True)
        if p.returncode != 0:
            problems.append("ltt-view %s %s exited with %d: %s"
                            % (command, a.trace, p.returncode, p.stderr.strip()[-300:]))
            continue
        if command != "cpu":
            continue
        hz = t.get("tsc_hz") or 0
        lanes = [r for res_ in json.loads(p.stdout)["results"] for tb in res_["tables"] if tb["name"] == "lanes"
                 for r in tb["rows"]]
        res["ltt_view"]["cpu_lanes"] = len(lanes)
        for r in lanes:
            total = sum(r[k] for k in ("guest", "hypervisor", "idle", "lost", "unknown"))
            if hz and abs(total - r["span"]) * hz > 0.5:
                problems.append("ltt-view cpu: CPU %s's lanes add up to %.9f s, its span is %.9f s"
                                % (r["cpu"], total, r["span"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("trace")
    ap.add_argument("--status", help="ltt-ctl status --json of the session")
    ap.add_argument("--snapshot", action="store_true",
                    help="a flight-recorder snapshot (loss counts compared as <= the final ones)")
    ap.add_argument("--domains-from", metavar="JSON",
                    help="this script's --json output for another trace of the same boot: its statedump's domains "
                         "are the known ones when this trace has no statedump (a snapshot that no longer holds it)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--part", metavar="SUBDIR",
                    help="a session of several traces (hypervisor/, dom0/kernel/): the one checked in "
                         "detail; the others are only read whole by babeltrace2 and compared with ltt-view")
    ap.add_argument("--ltt-view", default="build/viewer/ltt-view",
                    help="ltt-view to compare with babeltrace2 (skipped when it is not built)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    problems = []
    notes = []
    if not os.path.isdir(a.trace):
        sys.exit("%s: not a directory" % a.trace)
    dirs = find_trace_dirs(os.path.join(a.trace, a.part) if a.part else a.trace)
    if len(dirs) != 1:
        problems.append("%s: %d CTF trace directories (expected 1: hypervisor/): %s" % (a.trace, len(dirs), dirs))
    res = {"path": a.trace, "problems": problems, "notes": notes}
    # The whole trace at once, as a user would read it.
    proc = run_babeltrace(dirs[0] if a.part and dirs else a.trace)
    whole_events = sum(1 for _ in proc.stdout)
    err, rc = finish_babeltrace(proc)
    discarded, may_have, other = split_stderr(err)
    res["babeltrace2"] = {"status": rc, "events": whole_events, "discarded_events": sum(discarded.values()),
                          "may_have_discarded_warnings": sum(may_have.values()), "stderr_other": other[:20]}
    if rc != 0:
        problems.append("babeltrace2 %s exited with %d: %s" % (a.trace, rc, " | ".join(other[-5:])))
    elif other:
        problems.append("babeltrace2 %s wrote to stderr: %s" % (a.trace, " | ".join(other[:5])))
    if dirs:
        other = None
        if a.domains_from:
            other = json.load(open(a.domains_from))["trace"]["statedump"]["domains"]
        t = check_trace_dir(dirs[0], problems, notes, a.snapshot, other)
        res["trace"] = t
        if whole_events != t["events"]:
            problems.append("babeltrace2 read %d events from the whole trace, %d stream by stream"
                            % (whole_events, t["events"]))
        counted = sum(st.get("events_discarded", 0) - st.get("events_discarded_first", 0)
                      for st in t["streams"].values())
        if res["babeltrace2"]["discarded_events"] != counted:
            problems.append("babeltrace2 reports %d discarded events in all, the packets %d"
                            % (res["babeltrace2"]["discarded_events"], counted))
        check_ltt_view(a, res, whole_events, counted, t, problems)
    index = os.path.join(a.trace, "index.json")
    if os.path.exists(index):
        try:
            res["index"] = json.load(open(index))
        except ValueError as e:
            problems.append("index.json: %s" % e)
    else:
        problems.append("%s: no index.json" % a.trace)
    if a.status and "trace" in res:
        res["status"] = check_status(res["trace"], json.load(open(a.status)), a.snapshot, problems)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    if not a.quiet:
        t = res.get("trace", {})
        print("%s: %d events, %d bytes in %d packets (+ %d bytes of metadata), %d discarded, span %.3f s"
              % (a.trace, t.get("events", 0), t.get("bytes", 0), t.get("packets", 0), t.get("metadata_bytes", 0),
                 t.get("events_discarded", 0), t.get("span_s", 0)))
        for cpu, s in sorted(t.get("streams", {}).items()):
            print("  cpu %s: %d events, %d bytes, %d packets (seq %s..%s, %d empty), events_discarded %s"
                  % (cpu, s.get("events", 0), s["bytes"], s["packets"], s.get("seq_first"), s.get("seq_last"),
                     s.get("empty_packets", 0), s.get("events_discarded")))
        print("  facilities: " + ", ".join("%s %d" % kv for kv in t.get("by_facility", {}).items()))
        if "ltt_view" in res:
            v = res["ltt_view"]
            for path, src in sorted(v["sources"].items()):
                print("  ltt-view: %s: %d events (babeltrace2 %d), %d lost"
                      % (path, src["events"], src["babeltrace2_events"], src["lost_events"]))
            print("  ltt-view: %d audit violations" % v["audit_violations"])
        for n in notes:
            print("  note: %s" % n)
        for p in problems:
            print("  PROBLEM: %s" % p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
