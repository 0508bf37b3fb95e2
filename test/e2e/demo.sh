#!/usr/bin/env bash
# `make demo`: the demo scenario (test/e2e/scenarios/demo/) - build what it
# needs (the patched Xen, the installed lttd, ltt-ctl: `make xen e2e-install`), boot Xen + dom0
# once under QEMU, record the hypervisor during a short workload and take a
# flight-recorder snapshot, check both traces on the host with babeltrace2 -
# then print the report (test/e2e/demo_report.sh).
#
#   test/e2e/demo.sh
# The full end-to-end suite is `make e2e` (test/e2e/run.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start=$(e2e_now)
status=0
test/e2e/run.sh demo || status=$?
if [ "$status" != 0 ]; then
	echo
	echo "make demo failed (status $status): see $E2E_OUT/demo/ (console.log, guest/guest.log," \
		"prepare.log, check.log)" >&2
	exit "$status"
fi
echo
test/e2e/demo_report.sh "$E2E_OUT/demo"
echo
echo "make demo took $(e2e_since "$start") s (QEMU $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["qemu_s"])' "$E2E_OUT/demo/boot.json") s)."
