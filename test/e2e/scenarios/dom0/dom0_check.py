#!/usr/bin/env python3
"""Host-side checks of the dom0 scenario (test/e2e/scenarios/dom0), over
babeltrace2's output and the files dom0 wrote, independent of lttd and of
ltt-guest.ko:

- the one-session trace (hypervisor/ + dom0/kernel/ + lttng's trace under
  ust/ + index.json) reads whole with babeltrace2, merged, with nothing on
  stderr but discarded-events warnings; as many events merged as read part
  by part; one clock uuid (lttng's too: its clock plugin);
- the lttng-ust part: as many events as the example program printed it
  emitted, minus what lttng says its channel discarded (`lttng list`),
  which equals babeltrace2's discarded-events warnings for that part; per
  event name too when nothing was discarded; every one within the
  hypervisor trace's span;
- every event of facilities/kernel/ that the run must produce appears;
- the statedump (xen_evtchn_statedump_irq) matches /proc/interrupts captured
  in dom0 while recording; bind/unbind records name the ports
  ltt-e2e-evtchn printed;
- the time base: no dom0 kernel event, and no event of the lttng-ust
  program (cpu_id: the dom0 vCPU it ran on), falls where Xen's runstate
  records say that vCPU was not running; shifting dom0's kernel times by
  100k cycles, the program's by 1M, does produce such events (so the
  check can fail);
- the interrupt chain: Xen's irq_entry, irq_guest_pirq and set_pending on
  dom0's port, Xen's upcall to that vCPU, the guest's upcall entry,
  handle_port and irq_handler_entry for the irq the statedump binds to the
  port, in TSC order;
- loss counts: per CPU, the last packet's events_discarded (parsed here from
  the packet headers) equals what ltt-ctl status reported of the module's
  counters, and babeltrace2's warnings add up to it;
- the flight-recorder snapshots and the trace written before lttd was
  SIGKILLed read with babeltrace2;
- dom0's kernel log has no oops, BUG or WARNING.

    dom0_check.py SHARE_DIR [--json OUT]

Exits 1 listing the problems.
"""

import argparse
import bisect
import json
import os
import re
import struct
import subprocess
import sys
from collections import Counter, defaultdict

# Event names: ltt-xen's `name`, lttng-ust's `provider:name`.
EVENT_RE = re.compile(r"^\[(\d+)\] (\S+) ([A-Za-z0-9_:]+): \{ cpu_id = (\d+) \}, \{ ?(.*?) ?\}$")
EMITTED_RE = re.compile(r"^([A-Za-z0-9_]+:[A-Za-z0-9_]+): \{")
LTTNG_DISCARDED_RE = re.compile(r"^\s*Discarded events: (\d+)\s*$", re.M)
FIELD_RE = re.compile(r'(\w+) = (?:"((?:[^"\\]|\\.)*)"|\( "([^"]*)" : container = (-?\d+) \)|(-?(?:0x[0-9a-fA-F]+|\d+)))')
DISCARDED_RE = re.compile(r"^WARNING: Tracer discarded (\d+) events?")
MAY_HAVE_RE = re.compile(r"^WARNING: Tracer may have discarded events")
PKT_HEADER = struct.Struct("<I16sIQQQQQQQI")
CTF_MAGIC = 0xC1FC1FC1
SHIFT = 100_000
# The example program's events come in bursts of a few ms: shifted by 100k
# cycles they mostly stay within the same running interval; by 1M (0.4-0.5
# ms) some leave it (measured: about 110 of 2007 each way). On a slow host
# the program may run once, in one long running interval (669 events in 30
# ms, none out at 1M): the shift grows until some leave, up to 1G cycles.
UST_SHIFTS = (1_000_000, 4_000_000, 16_000_000, 64_000_000, 256_000_000, 1_000_000_000)

# The kernel events the dom0 run must record (bind/unbind: ltt-e2e-evtchn).
KERNEL_EVENTS = [
    "irq_handler_entry", "irq_handler_exit", "softirq_entry", "softirq_exit", "softirq_raise",
    "sched_switch", "sched_waking", "sched_wakeup", "sched_wakeup_new",
    "xen_evtchn_upcall_entry", "xen_evtchn_upcall_exit", "xen_evtchn_handle_port",
    "xen_evtchn_statedump_irq", "xen_evtchn_bind_irq", "xen_evtchn_unbind_irq",
]


def fields_of(text):
    out = {}
    for m in FIELD_RE.finditer(text):
        name, s, enum_name, enum_val, num = m.groups()
        if s is not None:
            out[name] = s
        elif enum_name is not None:
            out[name] = enum_name
        else:
            out[name] = int(num, 0)
    return out


def babeltrace(path):
    """(events, stderr lines, exit status): events as (tsc, layer, name,
    cpu, fields) in babeltrace2's (merged) order."""
    proc = subprocess.run(["babeltrace2", "--color=never", "--clock-cycles", "--no-delta",
                           "--fields=trace:domain", path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", check=False)
    events, unparsed = [], []
    for line in proc.stdout.splitlines():
        m = EVENT_RE.match(line)
        if not m:
            unparsed.append(line)
            continue
        events.append((int(m.group(1)), m.group(2), m.group(3), int(m.group(4)),
                       fields_of(m.group(5))))
    return events, proc.stderr.splitlines(), proc.returncode, unparsed


def stderr_problems(lines):
    """stderr lines that are not discarded-events warnings (or their
    continuation lines), and the total babeltrace2 says was discarded."""
    other, discarded, may_have = [], 0, 0
    for line in lines:
        m = DISCARDED_RE.match(line)
        if m:
            discarded += int(m.group(1))
        elif MAY_HAVE_RE.match(line):
            may_have += 1
        elif line.startswith("WARNING") or line.startswith(" ") or not line.strip():
            # continuation of a warning (babeltrace2 wraps them)
            if line.startswith("WARNING"):
                other.append(line)
        else:
            other.append(line)
    return other, discarded, may_have


def packets(path):
    """Packet headers of one stream file: (seq, events_discarded, cpu)."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    while off + PKT_HEADER.size <= len(data):
        (magic, _uuid, _sid, _inst, _tb, _te, _content, psize, seq, disc,
         cpu) = PKT_HEADER.unpack_from(data, off)
        if magic != CTF_MAGIC or psize < PKT_HEADER.size * 8 or psize % 8:
            raise ValueError("%s: no packet at offset %d" % (path, off))
        out.append((seq, disc, cpu))
        off += psize // 8
    if off != len(data):
        raise ValueError("%s: %d bytes after the last packet" % (path, len(data) - off))
    return out


def metadata_clock_uuid(trace_dir):
    """The clock uuid of a trace's metadata, as babeltrace2 decodes it
    (lttng's metadata may be in CTF packets)."""
    proc = subprocess.run(["babeltrace2", "--output-format=ctf-metadata", trace_dir],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", check=False)
    m = re.search(r'clock \{[^}]*?uuid = "([0-9a-f-]+)"', proc.stdout, re.S)
    return m.group(1) if m else None


def check_ust(share, uev, hv, iv, hv_end, bt_discarded, problems):
    """The lttng-ust part against what the program said it emitted and what
    lttng says it discarded; its times against the hypervisor trace."""
    res = {}
    emitted = Counter()
    with open(os.path.join(share, "ust-emitted.txt"), errors="replace") as f:
        for line in f:
            m = EMITTED_RE.match(line)
            if m:
                emitted[m.group(1)] += 1
    with open(os.path.join(share, "ust-lttng-list.txt"), errors="replace") as f:
        listed = LTTNG_DISCARDED_RE.findall(f.read())
    traced = Counter(e[2] for e in uev)
    n_emitted, n_traced = sum(emitted.values()), len(uev)
    res.update({"emitted": n_emitted, "traced": n_traced, "by_event": dict(traced),
                "lttng_discarded": None, "babeltrace2_discarded": bt_discarded})
    if not listed:
        problems.append("ust: `lttng list` gives no discarded-events count")
        return res
    discarded = sum(int(x) for x in listed)
    res["lttng_discarded"] = discarded
    if n_traced == 0:
        problems.append("ust: no lttng-ust event in the session (%d emitted)" % n_emitted)
    if n_traced != n_emitted - discarded:
        problems.append("ust: %d events in the trace, the program emitted %d and lttng discarded %d"
                        % (n_traced, n_emitted, discarded))
    if bt_discarded != discarded:
        problems.append("ust: babeltrace2 reports %d discarded events, lttng %d"
                        % (bt_discarded, discarded))
    if discarded == 0 and traced != emitted:
        problems.append("ust: per event, traced %s, emitted %s" % (dict(traced), dict(emitted)))
    if hv and uev:
        hv_first = min(e[0] for e in hv)
        outside = [e for e in uev if not hv_first <= e[0] <= hv_end]
        res["outside_hypervisor_span"] = len(outside)
        res["span_cycles"] = [min(e[0] for e in uev), max(e[0] for e in uev)]
        if outside:
            problems.append("ust: %d events outside the hypervisor trace's span [%d, %d], e.g. %s at %d"
                            % (len(outside), hv_first, hv_end, outside[0][2], outside[0][0]))
    checked, viol, ex = time_base_violations(uev, iv, hv_end)
    for shift in UST_SHIFTS:
        _c, viol_plus, _e = time_base_violations(uev, iv, hv_end, shift)
        _c, viol_minus, _e = time_base_violations(uev, iv, hv_end, -shift)
        if viol_plus + viol_minus:
            break
    res["time_base"] = {"checked": checked, "violations": viol, "examples": ex,
                        "shift_cycles": shift, "violations_shift_plus": viol_plus,
                        "violations_shift_minus": viol_minus}
    if checked < n_traced:
        problems.append("ust time base: %d of %d events could be checked against Xen's runstate"
                        % (checked, n_traced))
    if viol:
        problems.append("ust time base: %d of %d lttng-ust events fall where Xen says the dom0 "
                        "vCPU was not running, e.g. %s" % (viol, checked, ex))
    if viol_plus + viol_minus == 0:
        problems.append("ust time base: shifting the events by up to %d cycles gives no "
                        "violation: the check cannot tell" % UST_SHIFTS[-1])
    return res


def parse_interrupts(path):
    """/proc/interrupts: irq -> (chip, [handler names])."""
    out = {}
    with open(path) as f:
        header = f.readline().split()
        ncpu = len(header)
        for line in f:
            parts = line.split()
            if not parts or not parts[0].endswith(":") or not parts[0][:-1].isdigit():
                continue
            irq = int(parts[0][:-1])
            rest = parts[1 + ncpu:]
            if not rest:
                continue
            chip = rest[0]
            # after the chip: the hwirq/type column(s), then "name1, name2"
            text = " ".join(rest[1:])
            names = [n.strip() for n in text.split(",")]
            last = names[0].split()
            names[0] = last[-1] if last else ""
            out[irq] = (chip, [n for n in names if n])
    return out


def check_statedump(kevents, interrupts, problems, res):
    dump = [e for e in kevents if e[2] == "xen_evtchn_statedump_irq"]
    res["statedump_records"] = len(dump)
    if not dump:
        problems.append("no xen_evtchn_statedump_irq record")
        return {}
    # the first statedump (at start): one record per port
    port_irq, seen = {}, set()
    matched = 0
    for _tsc, _l, _n, _cpu, f in dump:
        port, irq, name = f.get("port"), f.get("irq"), f.get("name", "")
        if port in seen:
            continue
        seen.add(port)
        port_irq[port] = irq
        if irq not in interrupts:
            problems.append("statedump: port %s -> irq %s, which /proc/interrupts does not list"
                            % (port, irq))
            continue
        chip, names = interrupts[irq]
        if not chip.startswith("xen-"):
            problems.append("statedump: irq %s is on chip %s in /proc/interrupts, not a Xen one"
                            % (irq, chip))
        # A per-CPU irq is a virq or an IPI bound to the CPU its handler's
        # name ends with (timer1, resched1...): what ltt-guest reads from
        # the kernel's private irq_info, checked against /proc/interrupts.
        per_cpu = re.match(r"^(timer|resched|callfunc|callfuncsingle|irqwork|spinlock)(\d+)$",
                           names[0] if names else "")
        if chip == "xen-percpu" and f.get("type") not in ("virq", "ipi"):
            problems.append("statedump: per-CPU irq %s (%s) has type %s, not virq or ipi"
                            % (irq, names, f.get("type")))
        elif per_cpu and f.get("cpu") != int(per_cpu.group(2)):
            problems.append("statedump: irq %s (%s) is bound to cpu %s, its name says %s"
                            % (irq, names, f.get("cpu"), per_cpu.group(2)))
        if name and (not names or names[0] != name):
            problems.append("statedump: irq %s is `%s`, /proc/interrupts says %s"
                            % (irq, name, names))
        else:
            matched += 1
    res["statedump_ports"] = len(port_irq)
    res["statedump_matched_proc_interrupts"] = matched
    # every Xen irq with a handler in /proc/interrupts is in the statedump
    dumped_irqs = set(port_irq.values())
    for irq, (chip, names) in sorted(interrupts.items()):
        if chip.startswith("xen-") and names and irq not in dumped_irqs:
            problems.append("/proc/interrupts lists Xen irq %d (%s) that the statedump lacks"
                            % (irq, names))
    return port_irq


def running_intervals(hv_events):
    """d0vN -> sorted [(start, end)] from Xen's runstate_change records."""
    iv = defaultdict(list)
    open_at = {}
    for tsc, _l, name, _cpu, f in hv_events:
        if name != "runstate_change" or f.get("domid") != 0:
            continue
        v = f.get("vcpu")
        if f.get("new_state") == "running":
            open_at[v] = tsc
        elif f.get("old_state") == "running" and v in open_at:
            iv[v].append((open_at.pop(v), tsc))
    for v, start in open_at.items():
        iv[v].append((start, float("inf")))
    for v in iv:
        iv[v].sort()
    return iv


def time_base_violations(kevents, intervals, hv_end, shift=0):
    """Kernel events of dom0's vCPU N outside every interval where Xen ran
    d0vN. Events before Xen's first record of that vCPU, or after the
    hypervisor trace's last record (Xen no longer recording), are not
    judged."""
    starts = {v: [s for s, _ in iv] for v, iv in intervals.items()}
    checked = violations = 0
    examples = []
    for tsc, _l, name, cpu, _f in kevents:
        if name == "xen_evtchn_statedump_irq":
            continue
        iv = intervals.get(cpu)
        if not iv:
            continue
        t = tsc + shift
        if t < iv[0][0] or t > hv_end:
            continue
        checked += 1
        k = bisect.bisect_right(starts[cpu], t) - 1
        if k < 0 or not (iv[k][0] <= t <= iv[k][1]):
            violations += 1
            if len(examples) < 3:
                examples.append("%s on vcpu %d at %d" % (name, cpu, t))
    return checked, violations, examples


def interrupt_chains(events, port_irq, want=5):
    """Full chains, in merged TSC order: Xen irq_entry -> irq_guest_pirq
    (dom0, port) -> evtchn_set_pending (dom0, port, vcpu) -> evtchn_upcall
    (dom0, vcpu) -> guest upcall entry (vcpu) -> handle_port(port) ->
    irq_handler_entry(irq of port) on that vCPU."""
    ev = sorted(events, key=lambda e: e[0])
    chains, tried = [], 0
    for i, (tsc, layer, name, cpu, f) in enumerate(ev):
        if layer != "hypervisor" or name != "irq_guest_pirq" or f.get("domid") != 0:
            continue
        port = f.get("port")
        irq = port_irq.get(port)
        if irq is None:
            continue
        tried += 1
        # the physical interrupt on the same CPU just before
        phys = None
        for j in range(i - 1, max(i - 50, -1), -1):
            e = ev[j]
            if e[1] == "hypervisor" and e[3] == cpu and e[2] == "irq_entry":
                phys = e
                break
        if phys is None:
            continue
        steps = [phys, ev[i]]
        vcpu = None
        stage = "set_pending"
        for j in range(i + 1, min(i + 3000, len(ev))):
            t2, l2, n2, c2, f2 = ev[j]
            if stage == "set_pending" and l2 == "hypervisor" and n2 == "evtchn_set_pending" \
                    and f2.get("domid") == 0 and f2.get("port") == port:
                vcpu = f2.get("vcpu")
                steps.append(ev[j])
                stage = "xen_upcall"
            elif stage == "xen_upcall" and l2 == "hypervisor" and n2 == "evtchn_upcall" \
                    and f2.get("domid") == 0 and f2.get("vcpu") == vcpu:
                steps.append(ev[j])
                stage = "guest_upcall"
            elif stage == "guest_upcall" and l2 == "kernel" and c2 == vcpu \
                    and n2 == "xen_evtchn_upcall_entry":
                steps.append(ev[j])
                stage = "port"
            elif stage == "port" and l2 == "kernel" and c2 == vcpu \
                    and n2 == "xen_evtchn_handle_port" and f2.get("port") == port:
                steps.append(ev[j])
                stage = "handler"
            elif stage == "handler" and l2 == "kernel" and c2 == vcpu \
                    and n2 == "irq_handler_entry" and f2.get("irq") == irq:
                steps.append(ev[j])
                stage = "done"
                break
        if stage == "done":
            chains.append(["%d %s:%s cpu%d %s" % (s[0], s[1], s[2], s[3],
                                                   json.dumps(s[4], sort_keys=True))
                           for s in steps])
            if len(chains) >= want:
                break
    return tried, chains


def check_losses(tdir, status_part, bt_discarded, problems, label):
    """Per CPU: the last packet's events_discarded == lttd's lost_total (the
    module's counters); babeltrace2's warnings add up to the increases."""
    per_cpu = {}
    increases = 0
    for fn in sorted(os.listdir(tdir)):
        if not fn.startswith(("cpu_", "xen_")):
            continue
        pk = packets(os.path.join(tdir, fn))
        if not pk:
            continue
        cpu = pk[0][2]
        per_cpu[cpu] = pk[-1][1]
        prev = pk[0][1]
        for _seq, disc, _c in pk[1:]:
            increases += disc - prev
            prev = disc
        seqs = [p[0] for p in pk]
        if seqs != list(range(seqs[0], seqs[0] + len(seqs))):
            problems.append("%s cpu %d: packet sequence numbers not consecutive" % (label, cpu))
    status_cpus = {c["cpu"]: c for c in status_part.get("cpus", [])}
    for cpu, disc in sorted(per_cpu.items()):
        lost = status_cpus.get(cpu, {}).get("lost_total")
        if lost != disc:
            problems.append("%s cpu %d: trace says %d records lost, the module's counters %s"
                            % (label, cpu, disc, lost))
    if bt_discarded != increases:
        problems.append("%s: babeltrace2 reports %d discarded events, the packets %d"
                        % (label, bt_discarded, increases))
    return per_cpu


def read_json(path):
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("share")
    ap.add_argument("--json")
    a = ap.parse_args()
    share = a.share
    problems, res = [], {}

    # 1. the one-session trace, read whole
    sess = os.path.join(share, "all")
    events, err, rc, unparsed = babeltrace(sess)
    other, bt_disc, _may = stderr_problems(err)
    if rc != 0 or other:
        problems.append("babeltrace2 %s: status %d, stderr: %s" % (sess, rc, " | ".join(other[:5])))
    if unparsed:
        problems.append("%d babeltrace2 lines not understood, e.g. %s" % (len(unparsed), unparsed[0][:200]))
    layers = Counter(e[1] for e in events)
    res["session_events"] = dict(layers)
    hv = [e for e in events if e[1] == "hypervisor"]
    kev = [e for e in events if e[1] == "kernel"]
    uev = [e for e in events if e[1] == "ust"]
    if not hv or not kev or not uev:
        problems.append("the session trace lacks a layer: %s" % dict(layers))
    # lttng's trace: the one directory with a metadata file under ust/
    ust_dirs = sorted(os.path.relpath(d, sess) for d, _s, files in os.walk(os.path.join(sess, "ust"))
                      if "metadata" in files)
    res["ust_paths"] = ust_dirs
    if len(ust_dirs) != 1:
        problems.append("ust/ holds %d traces (one wanted): %s" % (len(ust_dirs), ust_dirs))
    layer_of = {"hypervisor": "hypervisor", "dom0/kernel": "kernel"}
    layer_of.update({d: "ust" for d in ust_dirs})
    ust_bt_discarded = 0
    for sub, layer in sorted(layer_of.items()):
        part, perr, prc, _u = babeltrace(os.path.join(sess, sub))
        pother, pdisc, _m = stderr_problems(perr)
        if layer == "ust":
            ust_bt_discarded += pdisc
        n = layers.get(layer, 0)
        if prc != 0 or pother or len(part) != n:
            problems.append("%s alone: %d events (status %d, stderr %s), %d in the merged read"
                            % (sub, len(part), prc, " | ".join(pother[:3]), n))
    uuids = {sub: metadata_clock_uuid(os.path.join(sess, sub)) for sub in sorted(layer_of)}
    res["clock_uuids"] = uuids
    if len(set(uuids.values())) != 1 or None in uuids.values():
        problems.append("the parts do not share one clock uuid: %s" % uuids)
    try:
        index = read_json(os.path.join(sess, "index.json"))
        paths = sorted(ch["path"] for d in index["domains"] for ch in d["channels"])
        res["index_paths"] = paths
        if paths != sorted(layer_of):
            problems.append("index.json lists %s, the session holds %s" % (paths, sorted(layer_of)))
    except (OSError, ValueError, KeyError) as e:
        problems.append("index.json: %s" % e)

    # 2. every kernel event
    names = Counter(e[2] for e in kev)
    res["kernel_events"] = dict(names)
    for n in KERNEL_EVENTS:
        if not names.get(n):
            problems.append("no %s in dom0's kernel trace" % n)

    # 3. statedump vs /proc/interrupts; bind/unbind vs ltt-e2e-evtchn
    interrupts = parse_interrupts(os.path.join(share, "interrupts-recording.txt"))
    port_irq = check_statedump(kev, interrupts, problems, res)
    bound = []
    with open(os.path.join(share, "evtchn.txt")) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and w[0] == "bound":
                bound.append(int(w[1]))
    binds = {e[4].get("port") for e in kev if e[2] == "xen_evtchn_bind_irq"}
    unbinds = {e[4].get("port") for e in kev if e[2] == "xen_evtchn_unbind_irq"}
    res["evtchn_bound"] = bound
    for p in bound:
        if p not in binds or p not in unbinds:
            problems.append("port %d was bound and closed in dom0, the trace has bind %s unbind %s"
                            % (p, p in binds, p in unbinds))

    # 4. time base
    iv = running_intervals(hv)
    hv_end = max(e[0] for e in hv) if hv else 0
    checked, viol, ex = time_base_violations(kev, iv, hv_end)
    _c2, viol_plus, _e = time_base_violations(kev, iv, hv_end, SHIFT)
    _c3, viol_minus, _e = time_base_violations(kev, iv, hv_end, -SHIFT)
    res["time_base"] = {"checked": checked, "violations": viol, "examples": ex,
                        "violations_shift_plus_100k": viol_plus,
                        "violations_shift_minus_100k": viol_minus,
                        "vcpus_with_runstate": sorted(iv)}
    res["ust"] = check_ust(share, uev, hv, iv, hv_end, ust_bt_discarded, problems)
    if checked < 1000:
        problems.append("time base: only %d dom0 events could be checked against Xen's runstate"
                        % checked)
    if viol:
        problems.append("time base: %d of %d dom0 events fall where Xen says the vCPU was not "
                        "running, e.g. %s" % (viol, checked, ex))
    if viol_plus == 0 or viol_minus == 0:
        problems.append("time base: shifting dom0's times by 100k cycles gives %d/%d violations: "
                        "the check cannot tell" % (viol_plus, viol_minus))

    # 5. interrupt chains
    tried, chains = interrupt_chains(events, port_irq)
    res["chains"] = {"pirq_deliveries": tried, "complete": len(chains), "sample": chains[:3]}
    if not chains:
        problems.append("no complete chain physical irq -> pirq -> set_pending -> upcall -> "
                        "handler (of %d pirq deliveries to dom0)" % tried)

    # 6. losses: the lossy kernel session
    lossy = os.path.join(share, "lossy")
    lev, lerr, lrc, _u = babeltrace(lossy)
    lother, ldisc, _m = stderr_problems(lerr)
    if lrc != 0 or lother:
        problems.append("babeltrace2 %s: status %d, stderr: %s" % (lossy, lrc, " | ".join(lother[:3])))
    st = read_json(os.path.join(share, "lossy.status.json"))
    per_cpu = check_losses(os.path.join(lossy, "dom0", "kernel"), st, ldisc, problems, "lossy")
    res["lossy"] = {"events": len(lev), "lost_per_cpu": per_cpu}
    if not any(per_cpu.values()):
        problems.append("the lossy session lost nothing: the loss check proves nothing")
    # and the one-session trace's two parts
    main_st = read_json(os.path.join(share, "all.status.json"))
    for part in main_st.get("parts", []):
        sub = "dom0/kernel" if part.get("channel", {}).get("domain") == "kernel" else "hypervisor"
        pdir = os.path.join(sess, sub)
        _e, perr, _rc, _u = babeltrace(pdir)
        _o, pdisc, _m = stderr_problems(perr)
        res["session_lost_" + sub] = check_losses(pdir, part, pdisc, problems, "session " + sub)

    # 7. snapshots and the SIGKILL trace
    for d in ("snapshot-during", "snapshot-after", "killed"):
        path = os.path.join(share, d)
        if not os.path.isdir(path):
            problems.append("%s: missing (the scenario did not get that far)" % d)
            continue
        sev, serr, src, _u = babeltrace(path)
        sother, _d, _m = stderr_problems(serr)
        sl = Counter(e[1] for e in sev)
        res[d] = dict(sl)
        if src != 0 or sother:
            problems.append("babeltrace2 %s: status %d, %s" % (path, src, " | ".join(sother[:3])))
        if not sl.get("kernel") or not sl.get("hypervisor"):
            problems.append("%s: events per layer %s (both wanted)" % (d, dict(sl)))

    # 8. the kernel log
    try:
        with open(os.path.join(share, "dmesg.txt"), errors="replace") as f:
            bad = [l.strip() for l in f
                   if re.search(r"Oops|BUG:|WARNING:|Call Trace|general protection", l)]
    except OSError as e:
        bad = []
        problems.append("dom0's kernel log: %s" % e)
    res["dmesg_bad_lines"] = bad[:10]
    if bad:
        problems.append("dom0's kernel log: %s" % bad[:3])

    res["problems"] = problems
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2)
    print(json.dumps({k: v for k, v in res.items() if k != "problems"}, indent=1)[:6000])
    for p in problems:
        print("PROBLEM:", p)
    print("dom0 check: %d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
