#!/usr/bin/env bash
# A real lttng-ust trace joins an lttd session (--source ust): a private
# lttng-sessiond and the example program (test/genevent-ust) load ltt-xen's
# clock plugin with the clock `ltt-ctl status --json` gives, lttng writes
# into the session's ust/. Before lttd's destroy, babeltrace2 cannot merge
# the session (lttng's clock is not absolute, lttd's is: the muxer refuses);
# after it (lttd marks the clock absolute), `babeltrace2 <output>` reads
# everything merged: every event the program emitted and every record of
# the stress producer, with one clock uuid.
#
# Environment: lib.sh's, plus UST_EXAMPLE (genevent_ust_example) and
# CLOCK_PLUGIN (libltt-lttng-clock-tsc.so).
# shellcheck source=test/lttd/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/genevent-ust/lttng-session.sh
. "$TEST_DIR/../genevent-ust/lttng-session.sh"
trap 'ltt_lttng_stop; cleanup' EXIT
if ! command -v lttng-sessiond >/dev/null; then
    echo "SKIP: lttng-tools not installed"
    TEST_FAILED=0 # read by lib.sh's cleanup
    exit 77
fi

start_lttd
start_stress a --cpus 2 --rate 4000 --duration 1.0 --subbuf-size 16k --subbufs 8
ctl create s --output "$WORK/out" --source "$WORK/a" --source ust --facilities "$STRESS_CTF" \
    --flush-interval 100 >/dev/null || fail "create"
ctl enable s '*' >/dev/null || fail "enable"
ctl status s --json >"$WORK/status.json" || fail "status"
read -r hz uuid < <("$PYTHON3" -c 'import json,sys; c=json.load(open(sys.argv[1]))["clock"]; print(c["tsc_hz"], c["uuid"])' "$WORK/status.json")

# The tracing user (nobody, as root) reads the plugin and writes lttng's
# trace into the session's ust/.
mkdir -p "$WORK/plugin"
cp "$CLOCK_PLUGIN" "$WORK/plugin/"
chmod 755 "$WORK" "$WORK/plugin" "$WORK/out"
chmod 1777 "$WORK/out/ust"
LTTNG_UST_CLOCK_PLUGIN=$WORK/plugin/$(basename "$CLOCK_PLUGIN")
export LTTNG_UST_CLOCK_PLUGIN
export LTT_CLOCK_TSC_HZ=$hz LTT_CLOCK_UUID=$uuid
ltt_lttng_start || fail "cannot start a private lttng-sessiond"
cp "$UST_EXAMPLE" "$LTT_LTTNG_HOME/app"
chmod 755 "$LTT_LTTNG_HOME/app"
ctl start s >/dev/null || fail "start"
{
    ltt_lttng create u --output="$WORK/out/ust"
    ltt_lttng enable-event --userspace 'example:*'
    ltt_lttng start
} >"$WORK/lttng.log" || fail "lttng session: $(cat "$WORK/lttng.log")"
ltt_lttng_app "$LTT_LTTNG_HOME/app" 300 >"$WORK/emitted.txt" || fail "the example program failed"
{
    ltt_lttng stop
    ltt_lttng destroy
} >>"$WORK/lttng.log" || fail "lttng stop: $(cat "$WORK/lttng.log")"
wait_stress a
ctl stop s >/dev/null || fail "stop"
# lttng's clock as lttng wrote it: the muxer refuses the mix.
if "$BABELTRACE2" "$WORK/out" >/dev/null 2>"$WORK/bt-before.err"; then
    fail "babeltrace2 merged an absolute and a non-absolute clock: the fix-up proves nothing"
fi
grep -q "absolute" "$WORK/bt-before.err" || fail "babeltrace2 failed otherwise: $(tail -5 "$WORK/bt-before.err")"
ctl destroy s >/dev/null || fail "destroy"
grep -q "clock marked absolute" "$WORK/lttd.log" || fail "lttd did not mark lttng's clock"

"$PYTHON3" - "$WORK" "$BABELTRACE2" "$uuid" <<'PY' || fail "merged read"
import json, os, re, subprocess, sys
work, bt2, uuid = sys.argv[1:]
out = os.path.join(work, "out")
r = subprocess.run([bt2, "--clock-cycles", "--no-delta", out], capture_output=True, text=True)
assert r.returncode == 0 and not r.stderr.strip(), (r.returncode, r.stderr[-500:])
lines = r.stdout.splitlines()
ust = [l for l in lines if " example:" in l]
emitted = [l for l in open(os.path.join(work, "emitted.txt")) if l.startswith("example:")]
stress = len(lines) - len(ust)
assert len(ust) == len(emitted) > 300, (len(ust), len(emitted))
assert stress > 1000, stress
# babeltrace2 orders by time from the Unix epoch: lttng measured its
# clock's offset, lttd its own; the two may differ a little, never by 1 ms.
hz = json.load(open(os.path.join(work, "status.json")))["clock"]["tsc_hz"]
ts = [int(re.match(r"\[(\d+)\]", l).group(1)) for l in lines]
back = max([0] + [a - b for a, b in zip(ts, ts[1:])])
assert back < hz / 1000, "merged out of TSC order by %d cycles" % back
index = json.load(open(os.path.join(out, "index.json")))
paths = [c["path"] for d in index["domains"] for c in d["channels"] if c["path"].startswith("ust/ust/")]
assert len(paths) == 1, paths
meta = subprocess.run([bt2, "--output-format=ctf-metadata", os.path.join(out, paths[0])],
                      capture_output=True, text=True, check=True).stdout
clock = re.search(r"clock \{(.*?)\};", meta, re.S).group(1)
assert 'name = "tsc"' in clock and uuid in clock and "absolute = true" in clock, clock
print("lttng_ust_merge: %d lttng-ust events (%d emitted) merged with %d stress records, clock %s, "
      "merged order off by at most %d cycles" % (len(ust), len(emitted), stress, uuid, back))
PY
pass
