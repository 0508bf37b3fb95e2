#!/usr/bin/env python3
"""Host-side checks of the domU scenario (test/e2e/scenarios/domU), over
babeltrace2's output of the session dom0's lttd recorded and the files dom0
wrote, independent of lttd and of ltt-guest.ko. The domU's id comes from xl
in dom0 (domU.json), never from the trace.

- the session (hypervisor/ + dom0/kernel/) reads whole with babeltrace2,
  nothing on stderr but discarded-events warnings;
- Xen's domain facility: domain_create of the domU's id (PV, its vCPU
  count, not privileged), its domain_shutdown (poweroff) and
  domain_destroy, between the scheduler's sched_dom_add and sched_dom_rem,
  in that order;
- Xen's scheduler ran every vCPU of the domU: sched_switch to (domid, vCPU)
  and runstate_change to running for each; how long each ran (from the
  runstate records); no record naming the domU outside [sched_dom_add,
  sched_dom_rem]; dom0's grant maps of the domU (the toolstack's and
  lttd's): every ref mapped is unmapped as often;
- event channels between dom0 and the domU: evtchn_send by the domU
  followed on the same CPU by evtchn_set_pending on a dom0 port, and a
  send by dom0 followed by set_pending on a domU port (Xen sets the remote
  port pending within the send hypercall); dom0's kernel handled the dom0
  port (ltt-guest's xen_evtchn_handle_port) after Xen set it pending;
  the domU's console and store ports (its xenstore tree, read in dom0)
  carry sends both ways;
- the domU's console, as xenconsoled in dom0 logged it: every numbered io
  line once, in order, the work summary with forks > 0, the power-off
  line; ltt-guest.ko loaded in the domU (granting its buffers to dom0) and
  unloaded before the power-off;
- the domU's own kernel trace, which dom0's lttd recorded from the domU's
  grants (`--source guests`): domU-<id>/kernel/ holds a metadata file and
  stream files, babeltrace2 reads it, its env names domain "kernel" and
  the domU's xen_domid, index.json lists it ended (the module unloaded);
  events from every vCPU (sched_switch, irq); the time-base audit: every
  domU event lies strictly inside a span in which Xen's runstate_change
  records say that vCPU of the domU was running (Xen writes both records
  from inside the hypervisor, so no guest rdtsc can equal either: no
  boundary is allowed); one event-channel notification followed from
  dom0's evtchn_send through Xen's evtchn_set_pending on the domU's port
  to the domU kernel's xen_evtchn_handle_port of that port.

    domU_check.py SHARE_DIR [--json OUT]

Exits 1 listing the problems.
"""

import argparse
import bisect
import json
import os
import re
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dom0"))
from dom0_check import PKT_HEADER, babeltrace, stderr_problems  # noqa: E402

# How many records later (same CPU) Xen's set_pending of the remote port
# may come after the send: the hypercall emits both back to back, with at
# most an upcall/runstate record between them.
PAIR_WINDOW = 4


def check_console(share, io_lines, problems, res):
    path = os.path.join(share, "console-domU.log")
    try:
        text = open(path, errors="replace").read()
    except OSError as e:
        problems.append("the domU's console log: %s" % e)
        return
    # xenconsoled --timestamp=guest prefixes each line with a date.
    lines = [re.sub(r"^\[[^]]*\] ", "", ln.rstrip("\r")) for ln in text.splitlines()]
    io = []
    for ln in lines:
        m = re.search(r"ltt-domU: io (\d+) tag domU-io-(\d+)-of-(\d+)$", ln)
        if m:
            if m.group(1) != m.group(2) or int(m.group(3)) != io_lines:
                problems.append("%s: a malformed io line: %r" % (path, ln))
            io.append(int(m.group(1)))
    res["console_io_lines"] = len(io)
    if io != list(range(1, io_lines + 1)):
        missing = sorted(set(range(1, io_lines + 1)) - set(io))
        problems.append("%s: io lines %d (want 1..%d once each, in order); missing %s"
                        % (path, len(io), io_lines, missing[:10]))
    done = [re.search(r"ltt-domU: work done: forks (\d+) in (\d+) s, io lines (\d+)", ln) for ln in lines]
    done = [m for m in done if m]
    if len(done) != 1:
        problems.append("%s: %d 'work done' lines (one wanted)" % (path, len(done)))
    else:
        forks, secs, n = (int(x) for x in done[0].groups())
        res["domU_forks"], res["domU_work_s"] = forks, secs
        if forks <= 0 or n != io_lines:
            problems.append("%s: work done with %d forks, %d io lines" % (path, forks, n))
    if not any("ltt-domU: powering off" in ln for ln in lines):
        problems.append("%s: the domU never said it was powering off" % path)
    # ltt-guest.ko in the domU.
    loaded = any(ln.endswith("ltt-domU: ltt-guest loaded") for ln in lines)
    failed = [ln for ln in lines if "ltt-guest insmod failed" in ln or "ltt-guest rmmod failed" in ln]
    said = [ln.split("ltt-guest dmesg: ", 1)[1] for ln in lines if "ltt-guest dmesg: " in ln]
    unloaded = [ln for ln in lines if "ltt-domU: ltt-guest unloaded in" in ln]
    res["domU_ltt_guest"] = {"loaded": loaded, "errors": failed, "dmesg": said, "unloaded": unloaded}
    if not loaded:
        problems.append("ltt-guest.ko did not load in the domU: %s; kernel said %s" % (failed, said))
    elif not any("granted to dom0" in ln for ln in said):
        problems.append("ltt-guest.ko loaded in the domU without granting its buffers: %s" % said)
    if loaded and not unloaded:
        problems.append("ltt-guest.ko did not unload in the domU: %s" % failed)


def running_spans(hv, domid):
    """{vcpu: [(start, end)]} from Xen's runstate_change records of domid:
    from the change to running to the next change away from it (end None:
    still running when the trace ends)."""
    spans = defaultdict(list)
    open_at = {}
    for e in hv:
        if e[2] != "runstate_change" or e[4].get("domid") != domid:
            continue
        v = e[4].get("vcpu")
        if e[4].get("new_state") == "running":
            open_at[v] = e[0]
        elif e[4].get("old_state") == "running" and v in open_at:
            spans[v].append((open_at.pop(v), e[0]))
    for v, t in open_at.items():
        spans[v].append((t, None))
    return {v: sorted(s) for v, s in spans.items()}


def xen_packet_gaps(hv_dir):
    """(end of the packet before, begin of the packet after) of every
    packet-sequence gap in the hypervisor's stream files."""
    gaps = []
    for name in sorted(os.listdir(hv_dir)):
        if not name.startswith("xen_"):
            continue
        data = open(os.path.join(hv_dir, name), "rb").read()
        off, prev = 0, None
        while off + PKT_HEADER.size <= len(data):
            f = PKT_HEADER.unpack_from(data, off)
            if f[7] < 8 * PKT_HEADER.size:
                break
            if prev is not None and f[8] != prev[0] + 1:
                gaps.append((prev[1], f[4]))
            prev = (f[8], f[5])
            off += f[7] // 8
    return gaps


def check_domu_trace(share, domid, vcpus, hv, gev, bt, to_domu, pending_after_send, problems, res):
    """The domU's kernel trace (module 1 of the docstring's list)."""
    gerr, grc, gunp = bt
    d = os.path.join(share, "session", "domU-%d" % domid, "kernel")
    streams = sorted(f for f in os.listdir(d) if f.startswith("cpu_")) if os.path.isdir(d) else []
    res["domU_trace"] = {"dir": os.path.isdir(d), "streams": streams, "events": len(gev)}
    if not os.path.isfile(os.path.join(d, "metadata")) or not streams:
        problems.append("no domU kernel trace in session/domU-%d/kernel/ (metadata and cpu_* "
                        "streams): %s" % (domid, streams))
        return
    other, _disc, _may = stderr_problems(gerr)
    if grc != 0 or other or gunp:
        problems.append("babeltrace2 of domU-%d/kernel/ alone: status %d, %s %s"
                        % (domid, grc, other[:3], gunp[:1]))
    meta = open(os.path.join(d, "metadata"), errors="replace").read()
    env_domid = re.search(r"\bxen_domid\s*=\s*(\d+)\s*;", meta)
    env_dom = re.search(r"\bdomain\s*=\s*\"([^\"]*)\"\s*;", meta)
    res["domU_trace"]["env"] = {"xen_domid": env_domid and int(env_domid.group(1)),
                                "domain": env_dom and env_dom.group(1)}
    if not env_domid or int(env_domid.group(1)) != domid or not env_dom or env_dom.group(1) != "kernel":
        problems.append("domU-%d/kernel/metadata env says %s (want domain kernel, xen_domid %d)"
                        % (domid, res["domU_trace"]["env"], domid))
    try:
        index = json.load(open(os.path.join(share, "session", "index.json")))
        mine = [x for x in index.get("domains", []) if x.get("name") == "domU-%d" % domid]
        res["domU_trace"]["index"] = mine and {k: mine[0].get(k) for k in ("kind", "xen_domid", "ended")}
        if not mine or mine[0].get("xen_domid") != domid or not mine[0].get("ended"):
            problems.append("index.json: domain domU-%d %s (want it listed, ended)" % (domid, mine))
    except (OSError, ValueError) as e:
        problems.append("index.json: %s" % e)
    names = Counter(e[2] for e in gev)
    res["domU_trace"]["by_name"] = dict(names.most_common(12))
    per_cpu = defaultdict(Counter)
    for e in gev:
        per_cpu[e[3]][e[2]] += 1
    res["domU_trace"]["per_vcpu"] = {c: dict(n.most_common(4)) for c, n in sorted(per_cpu.items())}
    for v in range(vcpus):
        n = per_cpu.get(v, Counter())
        if not n["sched_switch"] or not (n["irq_handler_entry"] or n["xen_evtchn_handle_port"]):
            problems.append("the domU's vCPU %d: %d sched_switch, %d irq_handler_entry, %d "
                            "xen_evtchn_handle_port records (sched and irq wanted)"
                            % (v, n["sched_switch"], n["irq_handler_entry"], n["xen_evtchn_handle_port"]))
    # The time-base audit, where Xen's trace is whole: around a packet
    # Xen's trace lost (a sequence gap, from the stream files' own packet
    # headers) a vCPU's runstate records are unknown, from its last record
    # before the gap to its first after it; such events are counted apart
    # (the lost packet itself fails the session check).
    spans = running_spans(hv, domid)
    starts = {v: [s[0] for s in sp] for v, sp in spans.items()}
    blind = defaultdict(list)
    changes = defaultdict(list)
    for e in hv:
        if e[2] == "runstate_change" and e[4].get("domid") == domid:
            changes[e[4].get("vcpu")].append(e[0])
    for lo, hi in xen_packet_gaps(os.path.join(share, "session", "hypervisor")):
        for v, ts in changes.items():
            i, k = bisect.bisect_left(ts, lo) - 1, bisect.bisect_right(ts, hi)
            blind[v].append((ts[i] if i >= 0 else 0, ts[k] if k < len(ts) else float("inf")))
    outside, unaudited = [], 0
    for e in gev:
        if any(a <= e[0] <= b for a, b in blind.get(e[3], [])):
            unaudited += 1
            continue
        sp, st = spans.get(e[3], []), starts.get(e[3], [])
        i = bisect.bisect_left(st, e[0]) - 1
        if i < 0 or not (sp[i][0] < e[0] and (sp[i][1] is None or e[0] < sp[i][1])):
            outside.append(e)
    res["domU_trace"]["time_audit"] = {"events": len(gev), "outside_running": len(outside),
                                       "not_auditable_xen_lost_packet": unaudited,
                                       "spans": {v: len(s) for v, s in spans.items()}}
    if outside:
        e = outside[0]
        problems.append("time base: %d of %d domU events lie where Xen says that vCPU was not "
                        "running, e.g. %s on vCPU %d at %d" % (len(outside), len(gev), e[2], e[3], e[0]))
    # dom0 -> Xen -> the domU's handler.
    # Xen's set_pending records of the domU's ports that followed a send
    # by dom0 on the same CPU (main's pairing).
    chains = []
    sets = sorted((t, port) for (d, port), ts in pending_after_send.items() if d == domid for t in ts)
    handled = defaultdict(list)
    for e in gev:
        if e[2] == "xen_evtchn_handle_port":
            handled[e[4].get("port")].append(e[0])
    ports_from_dom0 = {k[3] for k in to_domu}
    for t, port in sets:
        if port not in ports_from_dom0:
            continue
        later = [h for h in handled.get(port, []) if h > t]
        if later:
            chains.append({"port": port, "set_pending": t, "handled": min(later),
                           "cycles": min(later) - t})
    res["domU_trace"]["dom0_to_domU_chains"] = len(chains)
    res["domU_trace"]["first_chain"] = chains[0] if chains else None
    if not chains:
        problems.append("no event-channel notification followed from dom0's send through Xen's "
                        "set_pending to the domU kernel's handler (ports from dom0 %s, ports the "
                        "domU handled %s)" % (sorted(ports_from_dom0), sorted(handled)))


def check_vector_canary(share, problems, res):
    """ltt-e2e-vector-check ran in dom0 during the domU's life: a wrong
    register there is the machine (emulated CPU, Xen, Linux) corrupting
    user-space state, which breaks any program, the tracer's included."""
    path = os.path.join(share, "vector-check.log")
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError as e:
        problems.append("the vector-register canary's log: %s" % e)
        return
    summary = [ln for ln in lines if re.match(r"vector-check: \S.*rounds", ln)]
    bad = [ln for ln in lines if ": round " in ln]
    res["vector_check"] = {"summary": summary[-1] if summary else None, "bad": len(bad)}
    if not summary:
        problems.append("%s: no summary line (the canary did not finish)" % path)
    if bad:
        problems.append("the machine corrupted user-space vector registers %d times while the domU ran "
                        "(not a tracer bug: QEMU/Xen/Linux below it), e.g. %s" % (len(bad), bad[0]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("share")
    ap.add_argument("--json")
    a = ap.parse_args()
    share = a.share
    problems, res = [], {}
    domu = json.load(open(os.path.join(share, "domU.json")))
    domid, vcpus = int(domu["domid"]), int(domu["vcpus"])
    res["domU"] = domu

    sess = os.path.join(share, "session")
    events, err, rc, unparsed = babeltrace(sess)
    other, bt_disc, _may = stderr_problems(err)
    res["babeltrace_discarded"] = bt_disc
    if rc != 0 or other:
        problems.append("babeltrace2 %s: status %d, stderr: %s" % (sess, rc, " | ".join(other[:5])))
    if unparsed:
        problems.append("%d babeltrace2 lines not understood, e.g. %s" % (len(unparsed), unparsed[0][:200]))
    layers = Counter(e[1] for e in events)
    res["session_events"] = dict(layers)
    hv = [e for e in events if e[1] == "hypervisor"]
    # Both kernels' records say "kernel": each trace read on its own too.
    kev, _err, krc, _unp = babeltrace(os.path.join(sess, "dom0", "kernel"))
    domu_dir = os.path.join(sess, "domU-%d" % domid, "kernel")
    gev, gerr, grc, gunp = ([], [], 0, []) if not os.path.isdir(domu_dir) else babeltrace(domu_dir)
    if krc != 0:
        problems.append("babeltrace2 of dom0/kernel/ alone: status %d" % krc)
    if sum(1 for e in events if e[1] == "kernel") != len(kev) + len(gev):
        problems.append("the session has %d kernel records, dom0/kernel/ %d and domU-%d/kernel/ %d"
                        % (sum(1 for e in events if e[1] == "kernel"), len(kev), domid, len(gev)))
    if not hv or not kev:
        problems.append("the session lacks a layer: %s" % dict(layers))

    def named(name, **want):
        return [e for e in hv if e[2] == name and all(e[4].get(k) == v for k, v in want.items())]

    # Domain life cycle.
    created = named("domain_create", dom_id=domid)
    shut = named("domain_shutdown", dom_id=domid)
    destroyed = named("domain_destroy", dom_id=domid)
    res["domain"] = {"create": [e[4] for e in created], "shutdown": [e[4] for e in shut],
                     "destroy": len(destroyed)}
    if len(created) != 1:
        problems.append("domain_create of domain %d: %d records (one wanted)" % (domid, len(created)))
    else:
        f = created[0][4]
        if f.get("guest_type") != "pv" or f.get("max_vcpus") != vcpus or f.get("privileged") != 0:
            problems.append("domain_create of domain %d says %s (want pv, %d vCPUs, not privileged)"
                            % (domid, f, vcpus))
    if not shut or shut[-1][4].get("reason") != "poweroff":
        problems.append("domain_shutdown of domain %d: %s (want poweroff)" % (domid, [e[4] for e in shut]))
    if len(destroyed) != 1:
        problems.append("domain_destroy of domain %d: %d records (one wanted)" % (domid, len(destroyed)))
    # Its life in Xen: the scheduler learns of it (sched_dom_add) inside
    # domain_create() before the domain_create record (emitted on success,
    # at the end), and forgets it (sched_dom_rem) in the RCU callback after
    # domain_destroy.
    added = named("sched_dom_add", dom_id=domid)
    removed = named("sched_dom_rem", dom_id=domid)
    res["domain"]["sched_dom_add"], res["domain"]["sched_dom_rem"] = len(added), len(removed)
    if len(added) != 1 or len(removed) != 1:
        problems.append("domain %d: %d sched_dom_add and %d sched_dom_rem records (one each wanted)"
                        % (domid, len(added), len(removed)))
    t_first = added[0][0] if added else (created[0][0] if created else None)
    t_last = removed[0][0] if removed else (destroyed[0][0] if destroyed else None)
    order = [("sched_dom_add", added), ("domain_create", created), ("domain_shutdown", shut),
             ("domain_destroy", destroyed), ("sched_dom_rem", removed)]
    stamps = [(n, ev[-1][0]) for n, ev in order if ev]
    if any(a[1] > b[1] for a, b in zip(stamps, stamps[1:])):
        problems.append("domain %d: its life-cycle records are out of order: %s" % (domid, stamps))
    if t_first is not None and t_last is not None:
        res["domain"]["life_cycles"] = t_last - t_first

    # Every hypervisor record that names the domU, by field.
    def names_domu(e):
        f = e[4]
        return any(f.get(k) == domid for k in ("dom_id", "domid", "prev_dom_id", "next_dom_id"))
    about = [e for e in hv if names_domu(e)]
    res["hypervisor_records_naming_domU"] = dict(Counter(e[2] for e in about))
    if t_first is not None and t_last is not None:
        outside = [e for e in about if not t_first <= e[0] <= t_last]
        if outside:
            problems.append("%d records name domain %d outside its life, e.g. %s at %d"
                            % (len(outside), domid, outside[0][2], outside[0][0]))
    # dom0's toolstack maps the domU's reserved grants (console and
    # xenstore rings) and unmaps them before the domain goes away.
    grants = Counter((e[2], e[4].get("ref")) for e in about
                     if e[2] in ("memory_grant_map", "memory_grant_unmap") and e[4].get("map_dom_id") == 0)
    # The toolstack's and lttd's (the domU's buffers): every ref dom0 mapped
    # it unmapped again.
    maps = Counter({k[1]: c for k, c in grants.items() if k[0] == "memory_grant_map"})
    unmaps = Counter({k[1]: c for k, c in grants.items() if k[0] == "memory_grant_unmap"})
    res["dom0_grant_maps_of_domU"] = {"refs": len(maps), "maps": sum(maps.values()),
                                      "unmaps": sum(unmaps.values())}
    left = sorted(r for r in set(maps) | set(unmaps) if maps[r] != unmaps[r])
    res["dom0_grant_maps_of_domU"]["unequal"] = len(left)
    # (only where Xen's trace is whole: a lost packet takes records along)
    if left and not xen_packet_gaps(os.path.join(share, "session", "hypervisor")):
        problems.append("dom0 mapped and unmapped grant refs of domain %d unequally: %s"
                        % (domid, {r: (maps[r], unmaps[r]) for r in left[:10]}))

    # Scheduling.
    switched_in = Counter(e[4].get("next_cpu_id") for e in named("sched_switch", next_dom_id=domid))
    run = defaultdict(int)
    runs = Counter()
    open_at = {}
    for e in hv:
        if e[2] != "runstate_change" or e[4].get("domid") != domid:
            continue
        v = e[4].get("vcpu")
        if e[4].get("new_state") == "running":
            open_at[v] = e[0]
            runs[v] += 1
        elif e[4].get("old_state") == "running" and v in open_at:
            run[v] += e[0] - open_at.pop(v)
    res["sched_switch_in"] = dict(switched_in)
    res["runstate_running"] = {v: {"times": runs[v], "cycles": run[v]} for v in sorted(runs)}
    for v in range(vcpus):
        if not switched_in.get(v) or not runs.get(v):
            problems.append("vCPU %d of domain %d: %d sched_switch to it, %d runstate changes to running"
                            % (v, domid, switched_in.get(v, 0), runs.get(v, 0)))

    # Event channels: the remote port Xen sets pending within a send.
    by_cpu = defaultdict(list)
    for e in hv:
        if e[2] in ("evtchn_send", "evtchn_set_pending", "evtchn_upcall", "runstate_change", "sched_switch"):
            by_cpu[e[3]].append(e)
    pairs = Counter()
    first_pending_on = {}
    for seq in by_cpu.values():
        for i, e in enumerate(seq):
            if e[2] != "evtchn_send":
                continue
            for n in seq[i + 1:i + 1 + PAIR_WINDOW]:
                if n[2] == "evtchn_send":
                    break
                if n[2] == "evtchn_set_pending":
                    key = (e[4]["domid"], e[4]["port"], n[4]["domid"], n[4]["port"])
                    pairs[key] += 1
                    first_pending_on.setdefault((n[4]["domid"], n[4]["port"]), []).append(n[0])
                    break
    to_dom0 = {k: c for k, c in pairs.items() if k[0] == domid and k[2] == 0}
    to_domu = {k: c for k, c in pairs.items() if k[0] == 0 and k[2] == domid}
    fmt = lambda d: {"d%d:%d -> d%d:%d" % k: c for k, c in sorted(d.items())}  # noqa: E731
    res["evtchn_domU_to_dom0"] = fmt(to_dom0)
    res["evtchn_dom0_to_domU"] = fmt(to_domu)
    if not to_dom0:
        problems.append("no evtchn_send by domain %d followed by set_pending on a dom0 port" % domid)
    if not to_domu:
        problems.append("no evtchn_send by dom0 followed by set_pending on a port of domain %d" % domid)
    # dom0's kernel handled the port the domU notifies, after Xen set it.
    handled = Counter()
    for k in to_dom0:
        port = k[3]
        times = sorted(first_pending_on.get((0, port), []))
        hp = [e[0] for e in kev if e[2] == "xen_evtchn_handle_port" and e[4].get("port") == port]
        handled[port] = sum(1 for t in hp if times and t > times[0])
    res["dom0_handle_port_after_domU_send"] = dict(handled)
    if to_dom0 and not any(handled.values()):
        problems.append("dom0's kernel never handled the port(s) %s the domU notifies" % sorted(handled))

    # Which of those is the console: the domU's xenstore tree (dom0 read it
    # while the domU ran) names its console and store ports.
    ports = {}
    try:
        for ln in open(os.path.join(share, "xenstore-domU.txt")):
            m = re.match(r'/local/domain/%d/(console|store)/port = "(\d+)"' % domid, ln.strip())
            if m:
                ports[m.group(1)] = int(m.group(2))
    except OSError as e:
        problems.append("the domU's xenstore tree: %s" % e)
    res["xenstore_ports"] = ports
    for what in ("console", "store"):
        p = ports.get(what)
        if p is None:
            problems.append("the domU's xenstore tree names no %s/port" % what)
            continue
        out = sum(c for k, c in to_dom0.items() if k[1] == p)
        back = sum(c for k, c in to_domu.items() if k[3] == p)
        res["%s_sends" % what] = {"domU_to_dom0": out, "dom0_to_domU": back}
        if not out or not back:
            problems.append("the domU's %s port %d: %d sends to dom0, %d from dom0 (both wanted)"
                            % (what, p, out, back))

    check_domu_trace(share, domid, vcpus, hv, gev, (gerr, grc, gunp), to_domu, first_pending_on,
                     problems, res)
    check_console(share, int(domu["io_lines"]), problems, res)
    check_vector_canary(share, problems, res)

    res["problems"] = problems
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2, default=str)
            f.write("\n")
    print("domU: domain %d, %d vCPUs; session %s, %d discarded (babeltrace2)"
          % (domid, vcpus, dict(layers), bt_disc))
    print("domU: domain records %s" % res["domain"])
    print("domU: dom0 mapped its grants %s" % res["dom0_grant_maps_of_domU"])
    print("domU: sched_switch into its vCPUs %s; running per vCPU %s"
          % (res["sched_switch_in"], res["runstate_running"]))
    print("domU: event channels domU -> dom0 %s, dom0 -> domU %s; dom0 handled %s after the domU's sends"
          % (res["evtchn_domU_to_dom0"], res["evtchn_dom0_to_domU"], res["dom0_handle_port_after_domU_send"]))
    print("domU: xenstore ports %s; console sends %s, store sends %s"
          % (res.get("xenstore_ports"), res.get("console_sends"), res.get("store_sends")))
    print("domU: console io lines %s, forks %s in %s s; ltt-guest in the domU %s"
          % (res.get("console_io_lines"), res.get("domU_forks"), res.get("domU_work_s"),
             res.get("domU_ltt_guest")))
    print("domU: its kernel trace %s" % res.get("domU_trace"))
    print("domU: xl create %s s, life after create %s s" % (domu.get("xl_create_s"), domu.get("life_after_create_s")))
    print("domU: vector-register canary in dom0: %s" % res.get("vector_check"))
    for p in problems:
        print("domU: FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
