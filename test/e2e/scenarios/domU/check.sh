#!/usr/bin/env bash
# Host side of the domU scenario: domU_check.py over babeltrace2's output
# of the session and the domU's console log; domU_irq_chains.py (the
# domU's interrupts, against ltt-view irq-latency); ltt_trace_check.py on the
# session's hypervisor part (packets, fields, loss counts against lttd's
# status; ltt-view reads the whole session).
set -euo pipefail
here=$(dirname "$0")
share=$E2E_SHARE
res=$E2E_RESULT_DIR
failed=0
command -v babeltrace2 >/dev/null || { echo "check: FAIL: babeltrace2 is not installed (make deps)" >&2; exit 1; }
python3 "$here/domU_check.py" "$share" --json "$res/domU_check.json" | sed 's/^/check: /' || failed=1
# The domU's virtual interrupts (timer virqs, its IPIs, dom0's console,
# xenstore and lttd notifications) followed from Xen's set_pending to the
# domU's handlers over babeltrace2's output, against ltt-view irq-latency:
# per irq the same chain counts, p50 and max; the same coverage.
python3 "$here/domU_irq_chains.py" --ltt-view build/viewer/ltt-view --json-out "$res/domU-irq-chains.json" \
	"$share" | sed 's/^/check: irq-chains: /' || failed=1
# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh
check_ltt session --part hypervisor --status "$share/session.status.json"
[ "$failed" = 0 ] && echo "check: PASS"
exit "$failed"
