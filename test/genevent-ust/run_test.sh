#!/bin/bash
# genevent-ust: a program using the genevent-generated lttng-ust provider is
# traced by a real (private) lttng-sessiond, and babeltrace2 shows every event
# it emitted with the right name and field values.
#
#   run_test.sh APP BABELTRACE2 OUT_DIR [ITERATIONS]
#
# APP prints, for each tracepoint it calls, the event and its fields in
# babeltrace2's notation; the test compares that with babeltrace2's reading
# of the trace, line by line. The trace and both listings are left in
# OUT_DIR. Bounded in time; the daemons are stopped on every exit path.
set -euo pipefail

app=$1 bt2=$2 out=$3 iterations=${4:-50}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/lttng-session.sh
. "$here/lttng-session.sh"

fail() {
	echo "genevent-ust: FAIL: $*" >&2
	exit 1
}

trap ltt_lttng_stop EXIT
trap 'exit 130' INT TERM

rm -rf "$out"
mkdir -p "$out"
ltt_lttng_start || fail "cannot start a private lttng-sessiond"

# The traced program and its trace live in the private home, which the
# tracing user (nobody, when run as root) owns.
cp "$app" "$LTT_LTTNG_HOME/genevent_ust_example"
chmod 755 "$LTT_LTTNG_HOME/genevent_ust_example"
trace=$LTT_LTTNG_HOME/trace

ltt_lttng create genevent-ust --output="$trace" >"$out/lttng.log"
ltt_lttng enable-event --userspace 'example:*' >>"$out/lttng.log"
ltt_lttng start >>"$out/lttng.log"
ltt_lttng_app "$LTT_LTTNG_HOME/genevent_ust_example" "$iterations" >"$out/expected.txt" ||
	fail "the example program failed"
ltt_lttng stop >>"$out/lttng.log"
ltt_lttng destroy >>"$out/lttng.log"

timeout 60 "$bt2" --no-delta "$trace" >"$out/babeltrace2.txt" 2>"$out/babeltrace2.err" ||
	fail "babeltrace2 failed: $(cat "$out/babeltrace2.err")"
[ -s "$out/babeltrace2.err" ] && fail "babeltrace2 warned: $(cat "$out/babeltrace2.err")"
cp -r "$trace" "$out/trace"

# `[time] host example:event: { cpu_id = N }, { fields }` -> `example:event: { fields }`
sed -E 's/^\[[^]]*\] [^ ]+ //; s/: \{ cpu_id = [0-9]+ \}, \{/: {/' "$out/babeltrace2.txt" \
	>"$out/actual.txt"

expected_events=$((iterations + (iterations + 2) / 3 + 2))
[ "$(wc -l <"$out/expected.txt")" -eq "$expected_events" ] ||
	fail "the example printed $(wc -l <"$out/expected.txt") events, expected $expected_events"
for ev in example_start example_sample example_message example_stop; do
	grep -q "^example:$ev: " "$out/actual.txt" || fail "no $ev event in the trace"
done
if ! diff -u "$out/expected.txt" "$out/actual.txt" >"$out/diff.txt"; then
	head -40 "$out/diff.txt" >&2
	fail "babeltrace2's events differ from what the program traced (see $out/diff.txt)"
fi
echo "genevent-ust: $(wc -l <"$out/actual.txt") events traced by lttng-sessiond, all fields as emitted"
