#!/usr/bin/env bash
# Host side of the pvh scenario: pvh_check.py (ltt-view over the session:
# exits and injections per reason against xenalyze --svm-mode over the
# xentrace round, the time-base audit with and without the tsc_params
# conversion, the emulated-TSC guest refused); ltt_trace_check.py on the
# session's hypervisor part.
set -euo pipefail
here=$(dirname "$0")
share=$E2E_SHARE
res=$E2E_RESULT_DIR
failed=0
command -v xenalyze >/dev/null || { echo "check: FAIL: xenalyze is not installed (make deps)" >&2; exit 1; }
python3 "$here/pvh_check.py" --ltt-view build/viewer/ltt-view --cpu-mhz "$E2E_XEN_MHZ" \
	--json "$res/pvh_check.json" "$share" | sed 's/^/check: /' || failed=1
# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh
check_ltt session --part hypervisor --status "$share/session.status.json"
[ "$failed" = 0 ] && echo "check: PASS"
exit "$failed"
