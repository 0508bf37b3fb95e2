#!/usr/bin/env bash
# Host side of the hostile-guest scenario: hostile_check.py (babeltrace2
# over the session and each part, packet headers, lttd's final counts);
# ltt_trace_check.py on the hypervisor part (packets, fields, loss counts
# against lttd's status; ltt-view reads the whole session).
set -euo pipefail
here=$(dirname "$0")
share=$E2E_SHARE
res=$E2E_RESULT_DIR
failed=0
command -v babeltrace2 >/dev/null || { echo "check: FAIL: babeltrace2 is not installed (make deps)" >&2; exit 1; }
python3 "$here/hostile_check.py" "$share" --json "$res/hostile_check.json" | sed 's/^/check: /' || failed=1
# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh
check_ltt session --part hypervisor --status "$share/session.status.json"
[ "$failed" = 0 ] && echo "check: PASS"
exit "$failed"
