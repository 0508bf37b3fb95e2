#!/bin/bash
# genevent-ust-clock-tsc: the example program, traced by a real private
# lttng-sessiond with ltt-xen's clock plugin (tools/lttng-clock-tsc), gets a
# trace on the raw TSC: the metadata's clock is "tsc" with the frequency and
# uuid the plugin was given, and every event's cycles lie between two TSC
# reads (ltt-rdtsc) taken just before and after the program ran.
#
#   clock_tsc.sh APP BABELTRACE2 PLUGIN RDTSC OUT_DIR
set -euo pipefail

app=$1 bt2=$2 plugin=$3 rdtsc=$4 out=$5
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/lttng-session.sh
. "$here/lttng-session.sh"

fail() {
	echo "genevent-ust-clock-tsc: FAIL: $*" >&2
	exit 1
}

plugdir=$(mktemp -d "${TMPDIR:-/tmp}/ltt-clock.XXXXXX")
cleanup() {
	ltt_lttng_stop
	rm -rf "$plugdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$out"
mkdir -p "$out"
# Readable by the tracing user (nobody when run as root).
cp "$plugin" "$plugdir/"
chmod 755 "$plugdir"
chmod 644 "$plugdir/$(basename "$plugin")"
hz=1234567890
uuid=0b9c4a5e-1d2f-4a3b-8c7d-6e5f4a3b2c1d
# lttng-sessiond writes the metadata, the program the timestamps: both load
# the plugin.
export LTTNG_UST_CLOCK_PLUGIN=$plugdir/$(basename "$plugin")
export LTT_CLOCK_TSC_HZ=$hz LTT_CLOCK_UUID=$uuid

ltt_lttng_start || fail "cannot start a private lttng-sessiond"
cp "$app" "$LTT_LTTNG_HOME/app"
chmod 755 "$LTT_LTTNG_HOME/app"
trace=$LTT_LTTNG_HOME/trace
ltt_lttng create clock-tsc --output="$trace" >"$out/lttng.log"
ltt_lttng enable-event --userspace 'example:*' >>"$out/lttng.log"
ltt_lttng start >>"$out/lttng.log"
t0=$("$rdtsc")
ltt_lttng_app "$LTT_LTTNG_HOME/app" 20 >/dev/null || fail "the example program failed"
t1=$("$rdtsc")
ltt_lttng stop >>"$out/lttng.log"
ltt_lttng destroy >>"$out/lttng.log"
cp -r "$trace" "$out/trace"

meta=$(find "$out/trace" -name metadata | head -n 1)
[ -n "$meta" ] || fail "no metadata in the trace"
clock=$(sed -n '/^clock {/,/^};/p' "$meta")
echo "$clock" >"$out/clock.txt"
grep -q 'name = "tsc";' <<<"$clock" || fail "the clock is not named tsc: $clock"
grep -q "freq = $hz;" <<<"$clock" || fail "the clock's frequency is not $hz: $clock"
grep -q "uuid = \"$uuid\";" <<<"$clock" || fail "the clock's uuid is not $uuid: $clock"

timeout 60 "$bt2" --clock-cycles --no-delta "$trace" >"$out/babeltrace2.txt" 2>"$out/babeltrace2.err" ||
	fail "babeltrace2 failed: $(cat "$out/babeltrace2.err")"
n=0
while read -r cycles; do
	n=$((n + 1))
	if [ "$cycles" -lt "$t0" ] || [ "$cycles" -gt "$t1" ]; then
		fail "event at TSC $cycles outside the run [$t0, $t1]"
	fi
done < <(sed -nE 's/^\[0*([0-9]+)\].*/\1/p' "$out/babeltrace2.txt")
[ "$n" -ge 20 ] || fail "only $n events"
echo "genevent-ust-clock-tsc: $n events on the TSC within [$t0, $t1], clock tsc $hz Hz uuid $uuid"
