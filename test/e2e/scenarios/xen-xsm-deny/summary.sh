#!/usr/bin/env bash
# `make demo` summary of the xen-xsm-deny scenario (run by test/e2e/demo.sh
# from the repository root with E2E_SHARE and E2E_RESULT_DIR set).
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
echo "Flask enforcing, Xen's default policy without dom0's tbufcontrol:"
awk '$1 != "xentrace" { sub(/^ltt-/, "", $1); ops = ops (ops ? "/" : "") $1; errs[$3]++ }
	$1 == "xentrace" { xt = $3; gsub(/_/, " ", xt); sub(/=/, " (", xt); xt = "errno " xt ")" }
	END { e = ""; for (k in errs) e = e (e ? ", " : "") k " x" errs[k]
	      printf "  ltt-xenctl %s: %s; xentrace: %s\n", ops, e, xt }' "$share/refused.txt"
echo "  xenpm get-cpu-topology (physinfo): $(grep -c '^CPU[0-9]' "$share/xenpm-topology-after.txt") CPUs listed;" \
	"Xen's AVC: $(grep -c ' { tbufcontrol } ' "$res/avc-denied.txt") denials of { tbufcontrol } for dom0_t"
