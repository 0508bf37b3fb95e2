#!/usr/bin/env python3
"""The timeline a trace must give, computed from `ltt-view events --absolute`.

An independent statement of the rules viewer/analyses/timeline.hpp and
cpu_lanes.hpp document, over the event lines ltt-view prints (one per
event, raw timestamps), for the tests of the HTML report and the Perfetto
export. Nothing here reads what `ltt-view report` or `export` wrote.

Physical CPU lanes (hypervisor events, by CPU): the state between two
consecutive events of a CPU is the state the first left the lane in:
  - inside an interrupt (irq_entry..irq_exit), a hypercall
    (hypercall_entry..exit) or an HVM exit (hvm_vmexit..hvm_vmentry): the
    outermost one, "interrupts" / "hypercall NAME" / "exit REASON";
  - after a loss report (lost_events): "lost", until a runstate change to
    running;
  - before the CPU's first runstate change (or a statedump saying what runs
    there): "unknown";
  - a vCPU running: "domD vCPU V" (domain 32767: "idle");
  - between a vCPU leaving and the next starting: "scheduler".
A runstate change to running, or of the running vCPU, ends any episode.
Stretches of zero length are dropped; neighbours with the same label merge.

vCPU lanes (a guest kernel's vCPU, by the guest's domain name and CPU):
  row 0: its runstate changes as the hypervisor recorded them ("running on
         CPU n", "runnable", "blocked", "offline"); the last ends at the
         last event of the CPU that recorded it; after a loss on that CPU,
         "lost" from that CPU's last event before the loss;
  row 1: xen_evtchn_upcall_entry .. _exit, row 2: irq_handler_entry ..
         irq_handler_exit of the same irq ("irq N NAME").
Instants: irq_entry and losses on CPU lanes; on vCPU lanes every guest
event other than the four above, and losses.

  timeline_expect.py --view LTT_VIEW SESSION [--json OUT]
"""
import argparse
import collections
import json
import re
import subprocess
import sys

LINE = re.compile(r"^\s*(\d+) (\S+)/cpu(\d+) (\w+):(.*)$")
FIELD = re.compile(r'(\w+)=("[^"]*"|\[[^\]]*\]|\S+)')
IDLE = 32767


def read_events(view, paths):
    proc = subprocess.Popen([view, "events", "--absolute"] + list(paths),
                            stdout=subprocess.PIPE, text=True, errors="replace")
    for line in proc.stdout:
        m = LINE.match(line)
        if not m:
            raise SystemExit("cannot parse event line: %r" % line)
        fields = {}
        for k, v in FIELD.findall(m.group(5)):
            fields[k] = v[1:-1] if v.startswith('"') else v
        yield int(m.group(1)), m.group(2), int(m.group(3)), m.group(4), fields
    if proc.wait() != 0:
        raise SystemExit("ltt-view events failed")


class Lane:
    """A row of slices, merged as the rules say."""

    def __init__(self):
        self.slices = []  # [start, end, label]

    def add(self, start, end, label):
        if end <= start:
            return
        if self.slices and self.slices[-1][2] == label and self.slices[-1][1] == start:
            self.slices[-1][1] = end
        else:
            self.slices.append([start, end, label])


class Cpu:
    def __init__(self, ts):
        self.row = Lane()
        self.last = ts
        self.first = ts
        self.depth = 0
        self.episode = None
        self.owner = None  # (domid, vcpu)
        self.known = False
        self.lost = False
        self.instants = []  # (ts, label)
        self.events = []

    def label(self):
        if self.depth > 0:
            return self.episode
        if self.lost:
            return "lost"
        if not self.known:
            return "unknown"
        if self.owner is None:
            return "scheduler"
        if self.owner[0] == IDLE:
            return "idle"
        return "dom%d vCPU %d" % self.owner

    def advance(self, ts):
        self.row.add(self.last, ts, self.label())
        self.last = max(self.last, ts)


class Vcpu:
    def __init__(self, name):
        self.name = name
        self.rows = [Lane(), Lane(), Lane()]
        self.state = None  # (since, label, cpu)
        self.upcall = None
        self.handler = None  # (start, irq, label)
        self.instants = []
        self.events = []
        self.unpaired = 0


def compute(events):
    cpus = {}
    vcpus = {}
    by_domid = {}  # domid -> guest domain name (first seen)
    guest_events = []
    first = None
    last = None

    def vcpu_lane(domain, cpu):
        key = (domain, cpu)
        if key not in vcpus:
            vcpus[key] = Vcpu("%s vCPU %d" % (domain, cpu))
        return vcpus[key]

    def set_state(v, ts, label, cpu):
        if v.state is not None:
            v.rows[0].add(v.state[0], ts, v.state[1])
        v.state = (ts, label, cpu)

    for ts, domain, cpu, name, f in events:
        first = ts if first is None else first
        last = ts if last is None else max(last, ts)
        if domain == "hypervisor":
            if cpu not in cpus:
                cpus[cpu] = Cpu(ts)
            c = cpus[cpu]
            c.events.append(ts)
            if name == "lost_events":
                # vCPUs whose last change this CPU recorded.
                for v in vcpus.values():
                    if v.state and v.state[2] == cpu and v.state[1] != "lost":
                        set_state(v, max(c.last, v.state[0]), "lost", cpu)
                c.lost = True
                c.depth = 0
                c.owner = None
                c.advance(ts)
                c.instants.append((ts, "loss"))
                continue
            c.advance(ts)
            if name == "irq_entry":
                c.instants.append((ts, "interrupt"))
            if name in ("irq_entry", "hypercall_entry"):
                if c.depth == 0:
                    c.episode = ("interrupts" if name == "irq_entry"
                                 else "hypercall " + f["number"])
                c.depth += 1
            elif name in ("irq_exit", "hypercall_exit"):
                if c.depth > 0:
                    c.depth -= 1
            elif name in ("hvm_vmexit", "hvm_svm_vmexit"):
                c.depth = 1
                c.episode = "exit " + f["exit_reason"]
            elif name == "hvm_vmentry":
                c.depth = 0
            elif name == "runstate_change":
                v = (int(f["domid"]), int(f["vcpu"]))
                if f["new_state"] == "running":
                    c.owner, c.known, c.lost, c.depth = v, True, False, 0
                elif c.owner == v:
                    c.owner, c.known, c.depth = None, True, 0
                guest = by_domid.get(v[0])
                if guest is not None:
                    lane = vcpu_lane(guest, v[1])
                    state = f["new_state"]
                    label = ("running on CPU %d" % cpu if state == "running" else state)
                    set_state(lane, ts, label, cpu)
            elif name == "domain_statedump_vcpu" and f["runstate"] == "running":
                p = int(f["processor"])
                pc = cpus.get(p)
                if pc is not None and not pc.known and not pc.lost:
                    pc.advance(ts)
                    pc.owner = (int(f["dom_id"]), int(f["vcpu"]))
                    pc.known = True
        else:
            m = re.match(r"dom(\d+)$", domain)
            if m and int(m.group(1)) not in by_domid:
                by_domid[int(m.group(1))] = domain
            v = vcpu_lane(domain, cpu)
            v.events.append(ts)
            if name == "lost_events":
                v.unpaired += (v.upcall is not None) + (v.handler is not None)
                v.upcall = v.handler = None
                v.instants.append((ts, "loss"))
            elif name == "xen_evtchn_upcall_entry":
                if v.upcall is not None:
                    v.unpaired += 1
                v.upcall = ts
            elif name == "xen_evtchn_upcall_exit":
                if v.upcall is None:
                    v.unpaired += 1
                else:
                    v.rows[1].add(v.upcall, ts, "upcall")
                    v.upcall = None
            elif name == "irq_handler_entry":
                if v.handler is not None:
                    v.unpaired += 1
                label = "irq %s %s" % (f["irq"], f["name"]) if f.get("name") else "irq " + f["irq"]
                v.handler = (ts, f["irq"], label)
            elif name == "irq_handler_exit":
                if v.handler is None or v.handler[1] != f["irq"]:
                    v.unpaired += 1
                else:
                    v.rows[2].add(v.handler[0], ts, v.handler[2])
                    v.handler = None
            else:
                v.instants.append((ts, "event"))
    for v in vcpus.values():
        if v.state is not None:
            end = cpus[v.state[2]].last if v.state[2] in cpus else last
            v.rows[0].add(v.state[0], end, v.state[1])
    lanes = []
    for cpu in sorted(cpus):
        c = cpus[cpu]
        lanes.append({"name": "CPU %d" % cpu, "kind": "cpu", "rows": [c.row.slices],
                      "instants": c.instants, "events": c.events, "first": c.first,
                      "last": c.last})
    for key in sorted(vcpus, key=lambda k: (k[0], k[1])):
        v = vcpus[key]
        lanes.append({"name": v.name, "kind": "vcpu", "rows": [r.slices for r in v.rows],
                      "instants": v.instants, "events": v.events, "unpaired": v.unpaired})
    return {"first": first, "last": last, "lanes": lanes}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--view", required=True)
    ap.add_argument("--json", help="write the expected timeline here")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    t = compute(read_events(args.view, args.paths))
    for lane in t["lanes"]:
        print("%-14s slices %s instants %d events %d" % (
            lane["name"], [len(r) for r in lane["rows"]], len(lane["instants"]),
            len(lane["events"])))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(t, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
