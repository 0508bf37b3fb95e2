#!/usr/bin/env bash
# `make demo` summary of the demo scenario: the report check.sh wrote.
set -euo pipefail
test/e2e/demo_report.sh "$E2E_RESULT_DIR"
