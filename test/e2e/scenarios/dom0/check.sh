#!/usr/bin/env bash
# Host side of the dom0 scenario: dom0_check.py over babeltrace2's output;
# ltt_trace_check.py on the one-session trace (the hypervisor part in
# detail; ltt-view reads the whole session, every part - dom0's kernel,
# lttng's ust trace - against babeltrace2, with no time-base audit
# violation); then the cost figures (printed, never a failure).
set -euo pipefail
here=$(dirname "$0")
share=$E2E_SHARE
res=$E2E_RESULT_DIR
failed=0
python3 "$here/dom0_check.py" "$share" --json "$res/dom0_check.json" || failed=1
# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh
check_ltt all --part hypervisor --status "$share/all.status.json"
python3 "$here/cost.py" "$share" --json "$res/cost.json"
exit "$failed"
