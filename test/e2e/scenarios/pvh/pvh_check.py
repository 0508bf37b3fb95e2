#!/usr/bin/env python3
"""Host check of the pvh scenario (issue 18), over what dom0 copied to the
share (see guest.sh): babeltrace2's output of the session, xenalyze's of the
xentrace round, ltt-view's answers, the guests' console logs.

- The emulated-TSC PV domU ("emutsc"): its ltt-guest.ko refused to load
  with a message naming tsc_mode="native"; the session has no trace of it
  but recorded the rest (Xen created and destroyed it: domain facility).
- The PVH domU ("pvh"): ltt-guest.ko loaded and unloaded, its exits
  program ran; the session has domU-<id>/kernel/, which babeltrace2 reads.
- Its exits: babeltrace2's hvm_svm_vmexit records of the domain, counted
  per exit code here (the reference for ltt-view), and
    * `ltt-view summary --json`: the same count per reason;
    * xenalyze --svm-mode over the xentrace round (the same guest, same
      fixed work, without ltt-guest.ko): per reason the counts of the two
      rounds agree within what differs between the rounds (see
      compare_rounds); the exits the fixed work makes (CPUID, IOIO) at least
      as many as it made in each round.
  And its interrupt injections (hvm_intr_inject) against xenalyze's.
- The time base, computed here from babeltrace2's output alone: the guest's
  TSC converted with Xen's time_tsc_params records of that vCPU (guest =
  ((host * ratio) >> frac_bits) + offset, inverted, the record in force);
  every converted guest event must fall inside one of that vCPU's guest-
  mode windows (from a VM entry on a physical CPU to the next exit there
  of that vCPU): after the VM entry before it, before the exit after it.
  Without the conversion (the raw guest TSC) the same check fails for
  almost every event: so it can fail.
- `ltt-view audit --json`: 0 guest events while Xen says the vCPU was not
  running, with the conversion; with --no-tsc-convert it reports the guest
  events as not checkable or outside (the audit fails).
"""

import argparse
import bisect
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dom0"))
from dom0_check import babeltrace, stderr_problems  # noqa: E402

EXITS_RE = re.compile(r"ltt-domU: exits: cpuid (\d+) io (\d+) seconds ([0-9.]+)")
U64 = 1 << 64


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def console(share, name):
    path = os.path.join(share, "console-%s.log" % name)
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def check_consoles(share, problems, res):
    emu = console(share, "emutsc")
    if "ltt-guest insmod failed" not in emu:
        problems.append("emutsc: ltt-guest.ko loaded although Xen emulates its TSC")
    refusal = [l for l in emu.splitlines() if 'tsc_mode="native"' in l and "emulates" in l]
    if not refusal:
        problems.append("emutsc: no refusal naming tsc_mode=\"native\" on its console")
    else:
        res["emutsc_refusal"] = refusal[0].split("ltt-guest: ", 1)[-1].strip()
    works = {}
    for name in ("pvh", "pvh-xentrace"):
        text = console(share, name)
        m = EXITS_RE.search(text)
        if not m:
            problems.append("%s: no 'exits:' line on its console (ltt-e2e-guest-exits)" % name)
            continue
        works[name] = {"cpuid": int(m.group(1)), "io": int(m.group(2)),
                       "seconds": float(m.group(3))}
    pvh = console(share, "pvh")
    for want in ("ltt-guest loaded", "ltt-guest unloaded"):
        if want not in pvh:
            problems.append("pvh: no '%s' on its console" % want)
    ready = [l for l in pvh.splitlines() if "ltt-guest: ready" in l]
    if ready and "(PVH)" not in ready[0]:
        problems.append("pvh: ltt-guest.ko does not say it runs in a PVH container: %s" % ready[0])
    res["work"] = works
    return works


def tsc_params(hv, domid):
    """Per vCPU of domid: [(record ts, ratio, frac_bits, offset, emulated)]
    in time order."""
    out = defaultdict(list)
    for ts, _, name, _, f in hv:
        if name == "time_tsc_params" and f.get("domid") == domid:
            out[f["vcpu"]].append((ts, f["ratio"], f["frac_bits"], f["offset"], f["emulated"]))
    return out


def to_host(g, records):
    """Host TSC of guest TSC g: the latest record whose time is not after
    the result (the first record before them all)."""
    def conv(r):
        _, ratio, frac, offset, _ = r
        return (((g - offset) % U64) << frac) // ratio
    for r in reversed(records):
        h = conv(r)
        if h >= r[0]:
            return h
    return conv(records[0])


def guest_windows(hv, domid):
    """Per vCPU of domid: sorted [(entry ts, exit ts)] of guest mode: from a
    hvm_vmentry on a physical CPU to the next hvm_svm_vmexit there (whose
    fields name the vCPU); a window still open at the CPU's last event ends
    there."""
    pending = {}  # cpu -> entry ts
    last = {}
    out = defaultdict(list)
    for ts, _, name, cpu, f in hv:
        last[cpu] = ts
        if name == "hvm_vmentry":
            pending[cpu] = ts
        elif name in ("hvm_svm_vmexit", "hvm_vmexit"):
            start = pending.pop(cpu, None)
            if start is not None and f.get("dom_id") == domid:
                out[f["vcpu"]].append((start, ts))
    open_at_end = {cpu: (start, last[cpu]) for cpu, start in pending.items()}
    for v in out:
        out[v].sort()
    return out, open_at_end


def audit_guest(gev, params, windows, convert):
    """(checked, outside, examples) of the guest events against the
    windows of their vCPU."""
    starts = {v: [w[0] for w in ws] for v, ws in windows.items()}
    checked = outside = 0
    examples = []
    for g, _, name, vcpu, _ in gev:
        if vcpu not in params or vcpu not in windows:
            continue
        h = to_host(g, params[vcpu]) if convert else g
        checked += 1
        i = bisect.bisect_right(starts[vcpu], h) - 1
        if i < 0 or not windows[vcpu][i][0] < h < windows[vcpu][i][1]:
            outside += 1
            if len(examples) < 3:
                examples.append("%s vCPU %d guest %d host %d" % (name, vcpu, g, h))
    return checked, outside, examples


def count_by(hv, event, domid, field):
    """How many of the domain's `event` records carry each value of `field`."""
    n = Counter()
    for _, _, name, _, f in hv:
        if name == event and f.get("dom_id") == domid:
            n[f[field]] += 1
    return n


def xenalyze(trace, mhz):
    proc = subprocess.run(["xenalyze", "--svm-mode", "--cpu-hz=%dM" % round(mhz), "--summary", trace],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace", check=False)
    return proc.returncode, proc.stdout, proc.stderr


def parse_xenalyze_domain(text, domid):
    """Exit counts per reason and injection counts per vector of domain
    domid in xenalyze --summary's output: its '|-- Domain N --|' section,
    each vCPU's 'Exit reasons:' (one space before a reason's name, more
    before its sub-rows) and 'Guest interrupt counts:' ('  [vector] n')."""
    exits, inj = Counter(), Counter()
    section, part = None, None
    for line in text.splitlines():
        m = re.match(r"^\|-- Domain (\d+) --\|", line)
        if m:
            section, part = int(m.group(1)), None
            continue
        if section != domid:
            continue
        if line.startswith("Exit reasons:"):
            part = "exits"
        elif line.startswith("Guest interrupt counts:"):
            part = "inj"
        elif line.startswith("-- v") or (line and not line.startswith(" ")):
            part = None
        elif part == "exits":
            m = re.match(r"^ ([A-Za-z][A-Za-z0-9_]*)\s+(\d+)\s", line)
            if m:
                name = m.group(1).lower()
                exits[name[len("vmexit_"):] if name.startswith("vmexit_") else name] += int(m.group(2))
        elif part == "inj":
            m = re.match(r"^  \[\s*(\d+)\] (\d+)\s*$", line)
            if m:
                inj[int(m.group(1))] += int(m.group(2))
    return exits, inj


# The exits the fixed work makes (ltt-e2e-guest-exits: CPUID, IN): the
# two rounds ran the same kernel's boot and the same work, so their counts
# differ by the boot's small variation and ltt-guest.ko's own (a few CPUIDs
# at load) only.
WORK_REASONS = ("cpuid", "ioio")
WORK_SLACK = 0.02
# Exits driven by time (timer and event-channel interrupts and their
# windows, halts, timer and event-channel hypercalls, APIC MSRs): per second
# of each guest's life (xl create to destroyed) the rounds may differ by
# this factor: the ltt-xen round's guest also runs ltt-guest.ko, whose
# grants, notifications and dom0's reading add hypercalls and interrupts
# (1.4-2.2 times the xentrace round's rates were measured), and TCG's
# timing varies.
TIME_FACTOR = 3.0
# Reasons with fewer exits than this in both rounds are reported only.
RARE = 200


def compare_rounds(ltt, ref, life, problems, label):
    """Rows (reason, ltt round, xentrace round, allowed, verdict): the work's
    reasons by count, the others by rate over each round's life (s)."""
    rows = []
    for reason in sorted(set(ltt) | set(ref)):
        a, b = ltt.get(reason, 0), ref.get(reason, 0)
        big = max(a, b)
        row = {"reason": str(reason), "ltt": a, "xentrace": b}
        if reason in WORK_REASONS:
            allowed = int(WORK_SLACK * big) + 100
            row["allowed"] = "+-%d" % allowed
            ok = abs(a - b) <= allowed
        else:
            ra, rb = a / life[0], b / life[1]
            row["rates_per_s"] = [round(ra, 1), round(rb, 1)]
            row["allowed"] = "rate x%.1f" % TIME_FACTOR
            ok = min(ra, rb) * TIME_FACTOR >= max(ra, rb)
        if big < RARE and reason not in WORK_REASONS:
            row["verdict"] = "reported"
        elif ok:
            row["verdict"] = "ok"
        else:
            row["verdict"] = "FAIL"
            problems.append("%s %s: %d in ltt-xen's round, %d in xentrace's: more apart than %s"
                            % (label, reason, a, b, row["allowed"]))
        rows.append(row)
    return rows


def table_rows(summary, analysis, table):
    for r in summary.get("results", []):
        if r.get("analysis") == analysis:
            for t in r.get("tables", []):
                if t.get("name") == table:
                    return t.get("rows", [])
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("share")
    ap.add_argument("--ltt-view", required=True)
    ap.add_argument("--cpu-mhz", type=float, required=True)
    ap.add_argument("--json")
    a = ap.parse_args()
    share = a.share
    problems, res = [], {}
    run = read_json(os.path.join(share, "pvh.json"))
    pvh, emu, xt = run["pvh_domid"], run["emutsc_domid"], run["xentrace_domid"]
    works = check_consoles(share, problems, res)

    sess = os.path.join(share, "session")
    index = read_json(os.path.join(sess, "index.json"))
    res["index_domains"] = sorted({str(t.get("path", "")) for t in index.get("traces", [])})
    if os.path.isdir(os.path.join(sess, "domU-%d" % emu)):
        problems.append("the session has a trace of the emulated-TSC domU %d" % emu)
    gdir = os.path.join(sess, "domU-%d" % pvh, "kernel")
    if not os.path.isdir(gdir):
        problems.append("the session has no domU-%d/kernel/ (the PVH guest)" % pvh)

    hv, herr, hrc, hun = babeltrace(os.path.join(sess, "hypervisor"))
    other, hv_discarded, _ = stderr_problems(herr)
    if hrc != 0 or other:
        problems.append("babeltrace2 hypervisor/: status %d %s" % (hrc, " | ".join(other[:3])))
    gev, gerr, grc, _ = babeltrace(gdir) if os.path.isdir(gdir) else ([], [], 0, [])
    gother, g_discarded, _ = stderr_problems(gerr)
    if grc != 0 or gother:
        problems.append("babeltrace2 domU-%d/kernel/: status %d %s" % (pvh, grc, " | ".join(gother[:3])))
    res["events"] = {"hypervisor": len(hv), "guest": len(gev),
                     "discarded": {"hypervisor": hv_discarded, "guest": g_discarded}}
    created = {f["dom_id"]: f["guest_type"] for _, _, n, _, f in hv if n == "domain_create"}
    for d, kind in ((emu, "pv"), (pvh, "pvh")):
        if str(created.get(d, "")).lower() != kind:
            problems.append("the hypervisor trace has no domain_create of domain %d as %s (%s)"
                            % (d, kind, created.get(d)))
    if not any(n == "domain_destroy" and f.get("dom_id") == emu for _, _, n, _, f in hv):
        problems.append("the hypervisor trace has no domain_destroy of the emulated-TSC domU %d" % emu)

    # The time base.
    params = tsc_params(hv, pvh)
    res["tsc_params"] = {str(v): [{"ts": r[0], "ratio": r[1], "frac_bits": r[2], "offset": r[3],
                                   "emulated": r[4]} for r in rs] for v, rs in params.items()}
    if not params:
        problems.append("no time_tsc_params of the PVH domain %d" % pvh)
    # The domain is built with Xen's default (emulated) before xl applies
    # tsc_mode: the last record of each vCPU is what its events ran under.
    if any(rs[-1][4] for rs in params.values()):
        problems.append("Xen says the PVH domain's TSC is emulated (tsc_mode=\"native\" asked)")
    windows, _ = guest_windows(hv, pvh)
    checked, outside, examples = audit_guest(gev, params, windows, True)
    rchecked, routside, _ = audit_guest(gev, params, windows, False)
    res["audit_windows"] = {"checked": checked, "outside": outside, "examples": examples,
                            "raw_checked": rchecked, "raw_outside": routside,
                            "windows": sum(len(w) for w in windows.values())}
    if checked < len(gev) * 0.9 or checked == 0:
        problems.append("only %d of %d guest events could be checked against guest-mode windows"
                        % (checked, len(gev)))
    if outside:
        problems.append("%d converted guest events fall outside their vCPU's guest-mode windows, "
                        "e.g. %s" % (outside, "; ".join(examples)))
    if rchecked and routside < rchecked * 0.5:
        problems.append("without the conversion only %d of %d guest events fall outside: the "
                        "check could not fail" % (routside, rchecked))

    # ltt-view's audit, with and without the conversion.
    def view(*args):
        p = subprocess.run([a.ltt_view, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, check=False)
        return p.returncode, p.stdout, p.stderr
    rc, out, err = view("audit", "--json", sess)
    res["ltt_view_audit"] = {"status": rc, "stderr": err[-400:]}
    try:
        audit = json.loads(out)
        res["ltt_view_audit"]["json"] = audit
    except ValueError:
        problems.append("ltt-view audit --json: status %d, not JSON: %s" % (rc, err[-300:]))
        audit = None
    rc2, out2, err2 = view("audit", "--json", "--no-tsc-convert", sess)
    res["ltt_view_audit_raw"] = {"status": rc2, "stderr": err2[-400:]}
    try:
        res["ltt_view_audit_raw"]["json"] = json.loads(out2)
    except ValueError:
        problems.append("ltt-view audit --json --no-tsc-convert: status %d, not JSON: %s"
                        % (rc2, err2[-300:]))

    # Exits per reason: babeltrace2, ltt-view, xenalyze (the xentrace round).
    bt_exits = count_by(hv, "hvm_svm_vmexit", pvh, "exit_reason")
    bt_inj = count_by(hv, "hvm_intr_inject", pvh, "vector")
    res["exits_babeltrace2"] = dict(bt_exits)
    res["injections_babeltrace2"] = {str(k): v for k, v in bt_inj.items()}
    rc, out, err = view("summary", "--json", sess)
    res["ltt_view_summary_status"] = rc
    try:
        res["ltt_view_summary"] = json.loads(out)
    except ValueError:
        problems.append("ltt-view summary --json: status %d, not JSON: %s" % (rc, err[-300:]))
    xrc, xout, xerr = xenalyze(os.path.join(share, "xentrace.bin"), a.cpu_mhz)
    with open(os.path.join(os.path.dirname(a.json or "."), "xenalyze-summary.txt"), "w",
              encoding="utf-8") as f:
        f.write(xout)
    if xrc != 0:
        problems.append("xenalyze --svm-mode failed: status %d %s" % (xrc, xerr[-300:]))
    xt_exits, xt_inj = parse_xenalyze_domain(xout, xt)
    res["exits_xenalyze"] = dict(xt_exits)
    res["injections_xenalyze"] = {str(k): v for k, v in xt_inj.items()}

    # ltt-view's summary against babeltrace2's records: per reason the
    # same count, but for the exits still open at the end (one per vCPU at
    # most: an exit ends at the next VM entry) and those its notes say it
    # could not end.
    view_exits, view_inj = Counter(), Counter()
    for row in table_rows(res.get("ltt_view_summary", {}), "hvm_exits", "hvm_exits"):
        if row.get("domain") == pvh and row.get("kind") == "svm":
            view_exits[row["reason"]] += row["count"]
    for row in table_rows(res.get("ltt_view_summary", {}), "guest_interrupts",
                          "guest_interrupt_vectors"):
        if row.get("domain") == pvh:
            view_inj[row["vector"]] += row["count"]
    res["exits_ltt_view"] = dict(view_exits)
    short = {r: bt_exits[r] - view_exits.get(r, 0) for r in bt_exits}
    if not view_exits:
        problems.append("ltt-view summary shows no SVM exits of domain %d" % pvh)
    elif any(v < 0 for v in short.values()) or sum(short.values()) > run["vcpus"]:
        problems.append("ltt-view's exits per reason differ from babeltrace2's by more than the "
                        "exits open at the end: %s" % {r: v for r, v in short.items() if v})
    if dict(view_inj) != dict(bt_inj):
        problems.append("ltt-view's injections per vector %s differ from babeltrace2's %s"
                        % (dict(view_inj), dict(bt_inj)))
    for reason in WORK_REASONS:
        need = min(w[{"cpuid": "cpuid", "ioio": "io"}[reason]] for w in works.values()) \
            if works else 0
        if bt_exits.get(reason, 0) < need:
            problems.append("%d %s exits of domain %d, fewer than its work made (%d)"
                            % (bt_exits.get(reason, 0), reason, pvh, need))

    # The two rounds.
    life = (run["life_s"]["pvh"] + run["xl_create_s"]["pvh"],
            run["life_s"]["pvh-xentrace"] + run["xl_create_s"]["pvh-xentrace"])
    res["rounds"] = {"life_s": life,
                     "exits": compare_rounds(bt_exits, xt_exits, life, problems, "exits"),
                     "injections": compare_rounds(bt_inj, xt_inj, life, problems,
                                                  "injections of vector")}

    # ltt-view's audit (its table guest_events: one row per guest domain):
    # nothing while not running with the conversion, every event checked;
    # without it the guest's events fall where Xen says the vCPU was not
    # running, or outside the hypervisor trace (the audit fails).
    def guest_row(a):
        for row in table_rows(a or {}, "audit", "guest_events"):
            if row.get("domain") in (pvh, str(pvh), "domU-%d" % pvh):
                return row
        return None
    row = guest_row(audit)
    res["ltt_view_audit_guest"] = row
    if row is None:
        problems.append("ltt-view audit has no guest_events row of domain %d" % pvh)
    else:
        if row.get("while_not_running") != 0:
            problems.append("ltt-view audit: %s guest events of domain %d while not running"
                            % (row.get("while_not_running"), pvh))
        if (row.get("checked") or 0) < len(gev) * 0.9:
            problems.append("ltt-view audit checked %s events of domain %d, fewer than 90%% of its %d"
                            % (row.get("checked"), pvh, len(gev)))
        if row.get("source_clock") != "host TSC":
            problems.append("ltt-view did not convert domain %d's TSC: %s"
                            % (pvh, row.get("source_clock")))
    raw = guest_row(res["ltt_view_audit_raw"].get("json"))
    res["ltt_view_audit_raw_guest"] = raw
    if raw is None:
        problems.append("ltt-view audit --no-tsc-convert has no guest_events row of domain %d" % pvh)
    else:
        bad = sum(raw.get(k) or 0 for k in ("while_not_running", "before_hypervisor",
                                            "after_hypervisor", "before_domain_created"))
        if bad < len(gev) * 0.5:
            problems.append("ltt-view audit --no-tsc-convert finds only %d of the guest's %d "
                            "events misplaced: the audit could not fail" % (bad, len(gev)))

    for p in problems:
        print("FAIL: " + p)
    for kind in ("exits", "injections"):
        for row in res["rounds"][kind]:
            print("%s %-12s ltt-xen round %7d  xentrace round %7d  (allowed %s) %s"
                  % (kind, row["reason"], row["ltt"], row["xentrace"], row["allowed"], row["verdict"]))
    aw = res["audit_windows"]
    print("time base: %d guest events converted with tsc_params, %d outside guest mode; "
          "unconverted %d of %d outside" % (aw["checked"], aw["outside"], aw["raw_outside"],
                                            aw["raw_checked"]))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"problems": problems, **res}, f, indent=1, default=str)
    print("pvh: domain %d: %d guest events, %d hypervisor events; exits %s; injections %d"
          % (pvh, len(gev), len(hv), dict(bt_exits.most_common(8)), sum(bt_inj.values())))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
