#!/usr/bin/env python3
"""ltt-view summary against xenalyze --summary on the same xentrace file.

Runs Debian's xenalyze (an independent implementation, from Xen's tools) and
`ltt-view summary --json --xenalyze-compat` with the same TSC frequency,
parses xenalyze's text, and checks, for every domain and vCPU xenalyze
reports:
  - runstates (running, runnable and its wake/preempt parts, blocked,
    offline): count and average cycles equal, total time within 1%, the
    duration-weighted percentiles p5/p50/p95 equal;
  - PV hypercalls per name: counts equal;
  - HVM exits per reason: count and average cycles equal, total time within
    1%, the percentiles equal; the VMCALL breakdown per hypercall likewise;
  - guest interrupt vectors: counts equal;
and that ltt-view reports nothing for those vCPUs that xenalyze does not.
Exit status 0 when everything matches, 1 with every difference listed.

  parity.py --ltt-view BIN --xenalyze BIN --cpu-hz HZ FILE
"""

import argparse
import json
import re
import subprocess
import sys

# Basic VMX exit reasons (Intel SDM vol. 3 appendix C), by the names xenalyze
# prints.
VMX_EXIT = {
    "EXCEPTION_NMI": 0, "EXTERNAL_INTERRUPT": 1, "TRIPLE_FAULT": 2, "INIT": 3, "SIPI": 4,
    "IO_SMI": 5, "OTHER_SMI": 6, "PENDING_INTERRUPT": 7, "PENDING_VIRT_NMI": 8,
    "TASK_SWITCH": 9, "CPUID": 10, "GETSEC": 11, "HLT": 12, "INVD": 13, "INVLPG": 14,
    "RDPMC": 15, "RDTSC": 16, "RSM": 17, "VMCALL": 18, "VMCLEAR": 19, "VMLAUNCH": 20,
    "VMPTRLD": 21, "VMPTRST": 22, "VMREAD": 23, "VMRESUME": 24, "VMWRITE": 25, "VMOFF": 26,
    "VMON": 27, "CR_ACCESS": 28, "DR_ACCESS": 29, "IO_INSTRUCTION": 30, "MSR_READ": 31,
    "MSR_WRITE": 32, "INVALID_GUEST_STATE": 33, "MSR_LOADING": 34, "MWAIT_INSTRUCTION": 36,
    "MONITOR_TRAP_FLAG": 37, "MONITOR_INSTRUCTION": 39, "PAUSE_INSTRUCTION": 40,
    "MACHINE_CHECK": 41, "TPR_BELOW_THRESHOLD": 43, "APIC_ACCESS": 44, "EPT_VIOLATION": 48,
    "EPT_MISCONFIG": 49, "INVEPT": 50, "RDTSCP": 51, "VMX_PREEMPTION_TIMER_EXPIRED": 52,
    "INVVPID": 53, "WBINVD": 54, "XSETBV": 55,
}

# Hypercall numbers (xen/include/public/xen.h), by the names xenalyze prints.
HYPERCALL = {
    "set_trap_table": 0, "mmu_update": 1, "set_gdt": 2, "stack_switch": 3,
    "set_callbacks": 4, "fpu_taskswitch": 5, "sched_op(compat)": 6, "platform_op": 7,
    "set_debugreg": 8, "get_debugreg": 9, "update_descriptor": 10, "memory_op": 12,
    "multicall": 13, "update_va_mapping": 14, "set_timer_op": 15, "evtchn_op(compat)": 16,
    "xen_version": 17, "console_io": 18, "physdev_op(compat)": 19, "grant_table_op": 20,
    "vm_assist": 21, "update_va_mapping_otherdomain": 22, "iret": 23, "vcpu_op": 24,
    "set_segment_base": 25, "mmuext_op": 26, "acm_op": 27, "nmi_op": 28, "sched_op": 29,
    "callback_op": 30, "xenoprof_op": 31, "evtchn_op": 32, "physdev_op": 33, "hvm_op": 34,
    "sysctl": 35, "domctl": 36, "kexec_op": 37,
}

RUNSTATES = ("running", "runnable", "wake", "preempt", "other", "blocked", "offline")

RE_DOMAIN = re.compile(r"^\|-- Domain (\d+) --\|")
RE_VCPU = re.compile(r"^-- v(\d+) --")
RE_RUNSTATE = re.compile(
    r"^\s+(\w+):\s+(\d+)\s+([\d.]+)s\s+(\d+)\s+\{\s*(\d+)\|\s*(\d+)\|\s*(\d+)\}$")
RE_PV_CALL = re.compile(r"^    (\S+)\s*\[\s*(\d+)\]:\s+(\d+)$")
RE_EXIT = re.compile(
    r"^ (\w+)\s+(\d+)\s+([\d.]+)s\s+([\d.]+)%\s+(\d+) cyc \{\s*(\d+)\|\s*(\d+)\|\s*(\d+)\}$")
RE_VMCALL = re.compile(
    r"^\s+\[\s*(\S+)\]\s+(\d+)\s+([\d.]+)s\s+([\d.]+)%\s+(\d+) cyc \{\s*(\d+)\|\s*(\d+)\|\s*(\d+)\}$")
RE_VECTOR = re.compile(r"^\s+\[\s*(\d+)\]\s+(\d+)$")


def parse_xenalyze(text):
    """{(dom, vcpu): {"runstates": {state: stats}, "pv": {nr: n} or None,
    "exits": {code: stats}, "vmcalls": {nr: stats}, "vectors": {vector: n}}}"""
    vcpus = {}
    dom = v = None
    section = None
    for line in text.splitlines():
        m = RE_DOMAIN.match(line)
        if m:
            dom, v, section = int(m.group(1)), None, None
            continue
        m = RE_VCPU.match(line)
        if m and dom is not None:
            v = vcpus.setdefault((dom, int(m.group(1))), {
                "runstates": {}, "pv": None, "exits": {}, "vmcalls": {}, "vectors": {}})
            section = None
            continue
        if v is None:
            continue  # domain-level lines
        stripped = line.strip()
        if stripped == "Runstates:":
            section = "runstates"
        elif stripped.startswith("cpu affinity"):
            section = "affinity"
        elif stripped == "PV events:":
            section, v["pv"] = "pv", {}
        elif stripped == "Exit reasons:":
            section = "exits"
        elif stripped == "Guest interrupt counts:":
            section = "vectors"
        elif stripped.endswith("summary:") or stripped == "Emulate eip list":
            section = None
        elif section == "runstates":
            m = RE_RUNSTATE.match(line)
            if m:
                v["runstates"][m.group(1)] = {
                    "count": int(m.group(2)), "avg": int(m.group(4)),
                    "p": (int(m.group(5)), int(m.group(6)), int(m.group(7)))}
        elif section == "pv":
            m = RE_PV_CALL.match(line)
            if m:
                v["pv"][int(m.group(2))] = int(m.group(3))
        elif section == "exits":
            m = RE_EXIT.match(line)
            if m:
                v["exits"][VMX_EXIT[m.group(1)]] = {
                    "name": m.group(1), "count": int(m.group(2)), "avg": int(m.group(5)),
                    "p": (int(m.group(6)), int(m.group(7)), int(m.group(8)))}
                continue
            m = RE_VMCALL.match(line)
            if m and m.group(1) in HYPERCALL:
                v["vmcalls"][HYPERCALL[m.group(1)]] = {
                    "name": m.group(1), "count": int(m.group(2)), "avg": int(m.group(5)),
                    "p": (int(m.group(6)), int(m.group(7)), int(m.group(8)))}
        elif section == "vectors":
            m = RE_VECTOR.match(line)
            if m:
                v["vectors"][int(m.group(1))] = int(m.group(2))
    return vcpus


def ltt_view_tables(doc, hz):
    """Every table of the summary by name, durations back in cycles."""
    tables = {}
    for result in doc["results"]:
        for t in result["tables"]:
            units = {c["name"]: c["unit"] for c in t["columns"]}
            rows = []
            for row in t["rows"]:
                r = dict(row)
                for k, u in units.items():
                    if u == "time" and r.get(k) is not None:
                        r[k] = round(r[k] * hz)
                rows.append(r)
            tables[t["name"]] = rows
    return tables


class checker:
    def __init__(self):
        self.problems = []
        self.checked = 0

    def equal(self, what, ours, theirs):
        self.checked += 1
        if ours != theirs:
            self.problems.append(f"{what}: ltt-view {ours}, xenalyze {theirs}")

    def within(self, what, ours, theirs, tolerance=0.01):
        self.checked += 1
        if abs(ours - theirs) > tolerance * max(abs(theirs), 1):
            self.problems.append(f"{what}: ltt-view {ours}, xenalyze {theirs} (more than 1% apart)")


def compare_stats(c, what, ours, theirs, count_key="count"):
    """Count, average and percentiles equal; total time within 1%."""
    c.equal(f"{what} count", ours[count_key], theirs["count"])
    c.equal(f"{what} avg cycles", ours["avg"], theirs["avg"])
    c.within(f"{what} total cycles", ours["time"], theirs["avg"] * theirs["count"])
    c.equal(f"{what} p5/p50/p95 cycles", (ours["p5"], ours["p50"], ours["p95"]), theirs["p"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltt-view", required=True)
    ap.add_argument("--xenalyze", required=True)
    ap.add_argument("--cpu-hz", required=True, type=int)
    ap.add_argument("--formats")
    ap.add_argument("file")
    a = ap.parse_args()

    xen = subprocess.run([a.xenalyze, "--summary", f"--cpu-hz={a.cpu_hz}", a.file],
                         capture_output=True, text=True, check=True).stdout
    cmd = [a.ltt_view, "summary", "--json", "--xenalyze-compat", "--cpu-hz", str(a.cpu_hz),
           a.file]
    if a.formats:
        cmd += ["--formats", a.formats]
    ours = ltt_view_tables(json.loads(
        subprocess.run(cmd, capture_output=True, text=True, check=True).stdout), a.cpu_hz)
    theirs = parse_xenalyze(xen)
    if not theirs:
        sys.exit(f"{a.file}: xenalyze reported no vCPU (its output changed?)")

    def rows(table, dom, vcpu):
        return [r for r in ours[table] if r["domain"] == dom and r["vcpu"] == vcpu]

    c = checker()
    counted = {"runstate rows": 0, "hypercall rows": 0, "exit rows": 0, "vmcall rows": 0,
               "vector rows": 0}
    for (dom, vcpu), t in sorted(theirs.items()):
        name = f"d{dom}v{vcpu}"
        mine = {r["state"]: r for r in rows("vcpu_runstates", dom, vcpu)}
        for state, s in t["runstates"].items():
            if state not in RUNSTATES:
                c.problems.append(f"{name}: xenalyze state {state} has no ltt-view counterpart")
                continue
            if state not in mine:
                c.problems.append(f"{name} {state}: missing from ltt-view")
                continue
            compare_stats(c, f"{name} {state}", mine[state], s)
            counted["runstate rows"] += 1
        for state in set(mine) - set(t["runstates"]):
            c.problems.append(f"{name} {state}: ltt-view only ({mine[state]['count']} intervals)")

        if t["pv"] is not None:
            calls = {r["number"]: r["count"] for r in rows("vcpu_hypercalls", dom, vcpu)}
            c.equal(f"{name} hypercalls by number", calls, t["pv"])
            counted["hypercall rows"] += len(t["pv"])

        exits = {r["code"]: r for r in rows("hvm_exits", dom, vcpu) if r["kind"] == "vmx"}
        for code, s in t["exits"].items():
            if code not in exits:
                c.problems.append(f"{name} exit {s['name']}: missing from ltt-view")
                continue
            compare_stats(c, f"{name} exit {s['name']}", exits[code], s)
            counted["exit rows"] += 1
        for code in set(exits) - set(t["exits"]):
            c.problems.append(f"{name} exit {exits[code]['reason']}: ltt-view only")

        # xenalyze prints the VMCALL breakdown of the first vCPU to make one.
        vmcalls = {r["number"]: r for r in rows("vmcall_hypercalls", dom, vcpu)}
        for nr, s in t["vmcalls"].items():
            if nr not in vmcalls:
                c.problems.append(f"{name} vmcall {s['name']}: missing from ltt-view")
                continue
            compare_stats(c, f"{name} vmcall {s['name']}", vmcalls[nr], s)
            counted["vmcall rows"] += 1

        vectors = {r["vector"]: r["count"] for r in rows("guest_interrupt_vectors", dom, vcpu)}
        if t["vectors"] or vectors:
            c.equal(f"{name} injected vectors", vectors, t["vectors"])
            counted["vector rows"] += len(t["vectors"])

    summary = ", ".join(f"{n} {what}" for what, n in counted.items())
    print(f"{a.file}: {len(theirs)} vCPUs, {summary}; {c.checked} comparisons")
    if c.problems:
        for p in c.problems:
            print(f"  MISMATCH {p}")
        sys.exit(1)
    print("  every figure matches xenalyze")


if __name__ == "__main__":
    main()
