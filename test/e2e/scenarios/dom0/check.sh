#!/bin/sh
# Host side of the dom0 scenario: dom0_check.py over babeltrace2's output,
# then the cost figures (printed, never a failure).
set -eu
here=$(dirname "$0")
python3 "$here/dom0_check.py" "$E2E_SHARE" --json "$E2E_RESULT_DIR/dom0_check.json"
python3 "$here/cost.py" "$E2E_SHARE" --json "$E2E_RESULT_DIR/cost.json"
