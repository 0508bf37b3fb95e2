#!/usr/bin/env bash
# Host-side check of the boot-recorder scenario (run by test/e2e/run.sh
# from the repository root with E2E_SHARE and E2E_RESULT_DIR set):
# - Xen said on its console that it records from boot, and lttd that it
#   adopted those buffers;
# - the snapshot reads with babeltrace2 and ltt-view
#   (test/e2e/ltt_trace_check.py: packets, fields, losses);
# - boot_check.py, over babeltrace2's output alone: the snapshot holds
#   dom0's domain_create and events from before dom0's vCPU 0 first ran.
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
here=$(dirname "$0")
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}
console=$E2E_CONSOLE
grep -q "ltt: recording from boot (ltt_boot=" "$console" ||
	fail "Xen's console does not say it records from boot: $(grep -m3 'ltt' "$console" || true)"
echo "check: xen: $(grep -m1 -o 'ltt: recording from boot.*' "$console" | tr -d '\r')"
grep -q "adopted the buffers Xen records into from boot" "$share/lttd.log" ||
	fail "lttd did not adopt Xen's boot buffers: $(head -c 600 "$share/lttd.log")"
echo "check: lttd: $(grep -m1 -o 'adopted the buffers.*' "$share/lttd.log")"

mapfile -t snaps < <(find "$share/boot" -mindepth 1 -maxdepth 1 -name 'snapshot-*' -printf '%f\n')
[ "${#snaps[@]}" = 1 ] || fail "expected one snapshot under boot/, found ${#snaps[@]}"
failed=0
mkdir -p "$res/boot"
# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh
check_ltt "boot/${snaps[0]}" --snapshot --status "$share/boot.status.json"
[ "$failed" = 0 ] || fail "ltt_trace_check.py found problems (see above)"
python3 "$here/boot_check.py" "$share/boot/${snaps[0]}" --json "$res/boot_check.json" |
	sed 's/^/check: /'
[ "${PIPESTATUS[0]}" = 0 ] || fail "boot_check.py (above)"
echo "check: PASS"
