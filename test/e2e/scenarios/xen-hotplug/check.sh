#!/usr/bin/env bash
# Host-side check of the xen-hotplug scenario (run by test/e2e/run.sh from the
# repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_CONSOLE set).
#
# - the trace is read by babeltrace2 and checked by test/e2e/ltt_trace_check.py
#   (packets, timestamps, fields, loss counts and records against lttd's
#   status, which holds Xen's counters);
# - it has streams for CPUs 0 and 1, both with events; CPU 1's first event
#   comes after the statedump that `start` made on CPU 0 (CPU 1 had no buffer
#   at setup), about when dom0 brought it online, and the statedump puts
#   every vCPU on CPU 0; CPU 1 recorded nothing for most of the time it was
#   offline (the largest gap between two of its events);
# - the query's generation changed when CPU 1 first came online, not when it
#   came back; lttd's log says "cpu 1 buffer added" once;
# - Xen's console shows no panic, assertion or BUG.
# hotplug.json in the result directory holds what summary.sh prints.
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
console=${E2E_CONSOLE:-$res/console.log}
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}
command -v babeltrace2 >/dev/null || fail "babeltrace2 is not installed (make deps)"
[ -d "$share/hp" ] || fail "$share/hp: no trace"

echo "check: hp"
if ! python3 test/e2e/ltt_trace_check.py "$share/hp" --json "$res/hp.json" \
	--status "$share/hp.status.json" | sed 's/^/check:   /'; then
	fail "ltt_trace_check.py found problems in the trace (see above)"
fi

python3 - "$res" "$share" "$console" <<'PY'
import json, os, re, subprocess, sys, tempfile
sys.path.insert(0, "test/e2e")
from ltt_trace_check import EVENT_RE  # noqa: E402

res, share, console = sys.argv[1:4]
problems = []
t = json.load(open(os.path.join(res, "hp.json")))["trace"]
hz = t["tsc_hz"]
streams = t["streams"]
out = {"events": t["events"], "lost": t["events_discarded"],
       "per_cpu": {c: {"events": s["events"], "lost": s.get("events_discarded", 0), "packets": s["packets"]}
                   for c, s in streams.items()}}
if sorted(streams) != ["0", "1"]:
    problems.append("streams for CPUs %s, expected 0 and 1" % sorted(streams))
for c in ("0", "1"):
    if not streams.get(c, {}).get("events"):
        problems.append("no events on CPU %s" % c)

steps = {}
for line in open(os.path.join(share, "steps.txt")):
    k, v = line.split()
    steps[k] = float(v)


def events(cpu):
    """(timestamp, name, fields text) of one stream, in stream order."""
    with tempfile.TemporaryDirectory(prefix="xen-hotplug-") as tmp:
        tdir = os.path.join(share, "hp", "hypervisor")
        for f in ("metadata", "xen_%s" % cpu):
            os.symlink(os.path.abspath(os.path.join(tdir, f)), os.path.join(tmp, f))
        p = subprocess.run(["babeltrace2", "--color=never", "--clock-cycles", "--no-delta", tmp],
                           capture_output=True, text=True)
    for line in p.stdout.splitlines():
        m = EVENT_RE.match(line)
        if m:
            yield int(m.group(1)), m.group(2), m.group(4)


if not problems:
    # The session's start: the statedump Xen wrote on CPU 0 at `start`.
    sd_end = None
    for ts, name, _ in events(0):
        if name == "domain_statedump_end":
            sd_end = ts
            break
    vcpu_cpus = sorted({v[2] for v in t["statedump"]["vcpus"]})
    first1 = streams["1"]["first_event_ts"]
    t0 = streams["0"]["first_event_ts"]
    out["statedump_vcpu_processors"] = vcpu_cpus
    if sd_end is None:
        problems.append("no domain_statedump_end on CPU 0")
    elif first1 <= sd_end:
        problems.append("CPU 1's first event (%d) is not after the start's statedump (%d)" % (first1, sd_end))
    if vcpu_cpus != [0]:
        problems.append("the statedump at start puts vCPUs on CPUs %s, expected 0 only" % vcpu_cpus)
    if streams["1"]["ts_begin"] <= (sd_end or 0):
        problems.append("CPU 1's first packet begins (%d) before the start's statedump" % streams["1"]["ts_begin"])
    # When, after the start, in trace time and in dom0's time.
    rel = (first1 - t0) / hz
    online = steps["online"] - steps["start"]
    added = steps["buffer_added"] - steps["start"]
    out["cpu1_first_event_s"] = rel
    out["dom0_online_s"] = online
    out["dom0_buffer_added_s"] = added
    print("check: CPU 1's first event %.3f s after CPU 0's first; dom0 ran xen-hptool cpu-online 1 at %.2f s, "
          "saw lttd add the buffer at %.2f s (dom0 uptime, 10 ms resolution)" % (rel, online, added))
    if not (0.5 * online <= rel <= added + 1.0):
        problems.append("CPU 1's first event at %.3f s, dom0 brought it online at %.2f s (buffer added %.2f s)"
                        % (rel, online, added))
    # The offline spell: the largest gap between two events of CPU 1.
    prev = None
    gap = (0, None)
    for ts, _, _ in events(1):
        if prev is not None and ts - prev > gap[0]:
            gap = (ts - prev, prev)
        prev = ts
    window = steps["online_again"] - steps["offline"]
    g, at = gap[0] / hz, ((gap[1] or t0) - t0) / hz
    out["cpu1_gap_s"] = g
    out["cpu1_gap_at_s"] = at
    out["dom0_offline_s"] = [steps["offline"] - steps["start"], steps["online_again"] - steps["start"]]
    print("check: CPU 1's largest gap between events: %.3f s from %.3f s; dom0 took it offline at %.2f s, "
          "online again at %.2f s" % (g, at, out["dom0_offline_s"][0], out["dom0_offline_s"][1]))
    if g < 0.5 * window:
        problems.append("CPU 1's largest gap %.3f s, it was offline for about %.2f s" % (g, window))

# The generations, from the queries dom0 saved.
gens = {}
for q in ("setup", "online", "offline", "online-again", "stopped"):
    m = re.search(r"generation (\d+)", open(os.path.join(share, "query-%s.txt" % q)).read())
    gens[q] = int(m.group(1)) if m else None
out["generations"] = gens
print("check: generations: " + ", ".join("%s %s" % kv for kv in gens.items()))
if gens["online"] == gens["setup"] or len({gens[q] for q in gens if q != "setup"}) != 1:
    problems.append("generations %s: expected one change, when CPU 1 first came online" % gens)
for q, want in (("boot", "2 online"), ("before", "1 online"), ("setup", "1 online"), ("online", "2 online"), ("offline", "1 online"),
                ("online-again", "2 online")):
    first = open(os.path.join(share, "query-%s.txt" % q)).readline().strip()
    if want not in first:
        problems.append("query %s: %r, expected %s" % (q, first, want))

log = open(os.path.join(share, "lttd.log")).read()
added = re.findall(r"session hp: cpu (\d+) buffer added", log)
out["lttd_buffers_added"] = added
print("check: lttd.log: buffers added for CPUs %s" % added)
if added != ["1"]:
    problems.append("lttd.log: 'cpu N buffer added' for CPUs %s, expected 1 once" % added)

# Losses: ltt_trace_check.py compared every CPU's events_discarded with
# Xen's lost_total; note them here.
status = json.load(open(os.path.join(share, "hp.status.json")))
out["xen_lost"] = {str(c["cpu"]): c.get("lost_total") for c in status.get("cpus", [])}
print("check: lost per CPU: trace %s, Xen %s" % ({c: s["lost"] for c, s in out["per_cpu"].items()},
                                                out["xen_lost"]))

bad = re.compile(r"Panic on CPU|Assertion '.*' failed|Xen BUG at|FATAL TRAP|Kernel panic|kernel BUG at")
hits = [line.rstrip() for line in open(console, errors="replace") if bad.search(line)]
warns = [line.rstrip() for line in open(console, errors="replace") if "Xen WARN at" in line]
if hits:
    problems.append("console: %s" % " | ".join(hits[:3]))
if warns:
    print("check: note: console: %s" % " | ".join(warns[:3]))

with open(os.path.join(res, "hotplug.json"), "w") as f:
    json.dump(out, f, indent=1)
print("check: events per CPU %s, %d in all" % ({c: s["events"] for c, s in out["per_cpu"].items()},
                                               out["events"]))
for p in problems:
    print("check: FAIL: " + p)
sys.exit(1 if problems else 0)
PY
echo "check: PASS"
