#!/usr/bin/env bash
# `make demo` summary of the xen-xsm-allow scenario (run by test/e2e/demo.sh
# from the repository root with E2E_SHARE and E2E_RESULT_DIR set).
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
echo "Flask enforcing, Xen's default policy: ltt-xenctl query/setup/enable/start/stop/flush/teardown OK;"
echo "  mapping CPU 0's buffers: $(awk '$2 == "ltt-cpu-default" { print $4 }' "$share/steps.txt")," \
	"xentrace's likewise ($(wc -l <"$res/avc-denied-default.txt") AVC denials of { map_write } on domxen_t)"
echo "  + dom0 map_write on domxen_t (flask-loadpolicy): ltt-xenctl cpu 0 OK, $(tail -n 1 "$share/selftest.txt")" \
	"($(grep -c ' ok$' "$share/selftest.txt") checks), xentrace $(cat "$share/xentrace.bytes") bytes," \
	"$(wc -l <"$res/avc-denied-ltt.txt") AVC denials"
