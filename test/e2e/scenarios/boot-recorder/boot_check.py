#!/usr/bin/env python3
"""What a snapshot of Xen's boot-time flight recorder holds, from babeltrace2's output alone.

Xen recorded from boot (ltt_boot=); lttd adopted its buffers once dom0 was
up and took one snapshot. Independently of lttd and ltt-view, over
babeltrace2's text of the snapshot's hypervisor trace:

  - dom0's domain_create (Xen builds dom0 after its initcalls, where
    ltt_boot= started recording) is in it;
  - dom0's kernel first ran at the first runstate_change of domain 0's
    vCPU 0 to running: events before it are from Xen's boot, and there
    must be some besides the domain_create;
  - the losses babeltrace2 reports (overwritten events are counted in the
    packets, never silently gone) are printed.

  boot_check.py SNAPSHOT_DIR [--json OUT]

Prints the figures; exit status 1 with the problems listed.
"""

import argparse
import json
import os
import subprocess
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from irq_chains import EVENT_RE, fields_of  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("snapshot")
    ap.add_argument("--json")
    a = ap.parse_args()
    hv = os.path.join(a.snapshot, "hypervisor")
    proc = subprocess.run(["babeltrace2", "--color=never", "--clock-cycles", "--no-delta", hv],
                          capture_output=True, text=True, errors="replace", check=False)
    if proc.returncode != 0:
        sys.exit(f"babeltrace2 {hv}: status {proc.returncode}: {proc.stderr[:500]}")
    discarded = [ln.strip() for ln in proc.stderr.splitlines() if "discarded" in ln]
    events = []
    for line in proc.stdout.splitlines():
        m = EVENT_RE.match(line)
        if m:
            events.append((int(m.group(1)), m.group(3), fields_of(m.group(5))))
    problems = []
    created = [ts for ts, name, f in events if name == "domain_create" and f.get("dom_id") == 0]
    ran = [ts for ts, name, f in events
           if name == "runstate_change" and f.get("domid") == 0 and f.get("vcpu") == 0
           and f.get("new_state") == "running"]
    first_run = ran[0] if ran else None
    before = Counter(name for ts, name, _ in events if first_run is not None and ts < first_run)
    if not events:
        problems.append("the snapshot has no event")
    if not created:
        problems.append("no domain_create of dom0: the snapshot does not reach back to Xen's boot")
    if first_run is None:
        problems.append("no runstate_change of d0v0 to running")
    elif created and created[0] >= first_run:
        problems.append(f"dom0's domain_create at {created[0]} is not before d0v0 first ran "
                        f"({first_run})")
    if sum(before.values()) - before["domain_create"] <= 0:
        problems.append("no event besides domain_create before dom0's kernel first ran")
    span = events[-1][0] - events[0][0] if events else 0
    print(f"{len(events)} events over {span} cycles; dom0 created at {created[:1]}, "
          f"d0v0 first ran at {first_run}; before it: {sum(before.values())} events "
          f"{dict(sorted(before.items()))}; losses: {discarded or 'none'}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"events": len(events), "span_cycles": span,
                       "dom0_created": created[0] if created else None,
                       "dom0_first_ran": first_run, "before_dom0_ran": dict(before),
                       "discarded": discarded, "problems": problems}, f, indent=2)
    for p in problems:
        print(f"PROBLEM {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
