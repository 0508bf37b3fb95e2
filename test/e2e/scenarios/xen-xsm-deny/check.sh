#!/usr/bin/env bash
# Host-side check of the xen-xsm-deny scenario (run by test/e2e/run.sh from
# the repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_CONSOLE set).
# Flask must be enforcing the module we passed, every ltt-xenctl command
# must have been refused with EACCES (Flask's answer, avc_has_perm()) and
# xentrace with "Permission denied", and each refusal must be Flask's: an AVC
# denial of { tbufcontrol } for dom0 on the console (ltt_op's own -EACCES,
# for a wrong interface_version, would leave none). No physinfo denial.
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
console=$E2E_CONSOLE
policy=work-xen/xen-ltt-flask/ltt-policy/xenpolicy-no-tbufcontrol
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}

# shellcheck source=test/e2e/flask_boot_check.sh
. test/e2e/flask_boot_check.sh
flask_boot_check "$policy"

# Each command refused, with the error Flask returns.
n=0
while read -r name status err; do
	n=$((n + 1))
	case $name in
	xentrace) [ "$err" = 13=Permission_denied ] || fail "$name: '$err', expected errno 13 (EACCES)" ;;
	*) [ "$err" = EACCES ] || fail "$name: $err (status $status), expected EACCES" ;;
	esac
	echo "check: refused: $name (status $status): ${err//_/ }"
done <"$share/refused.txt"
[ "$n" = 9 ] || fail "refused.txt has $n entries, expected 9"
for f in xenpm-topology-before xenpm-topology-after; do
	[ "$(cat "$share/$f.status")" = 0 ] || fail "$f: status $(cat "$share/$f.status")"
	grep -q '^CPU0[[:space:]]' "$share/$f.txt" || fail "$f: no CPU0 line"
done
echo "check: xenpm get-cpu-topology (XEN_SYSCTL_cputopoinfo, physinfo) worked before and after"

# Xen's AVC: a tbufcontrol denial for dom0 per refused hypercall, nothing
# else about tbufcontrol, and no physinfo denial.
grep -a '(XEN) avc:  denied' "$console" | sed 's/^\[[ 0-9.]*\] //' >"$res/avc-denied.txt" || true
tbuf=$(grep -c ' { tbufcontrol } ' "$res/avc-denied.txt" || true)
dom0=$(grep -c ' { tbufcontrol } .*scontext=system_u:system_r:dom0_t tcontext=system_u:system_r:xen_t tclass=xen' \
	"$res/avc-denied.txt" || true)
[ "$tbuf" -gt 0 ] || fail "no AVC denial of tbufcontrol on Xen's console"
[ "$tbuf" = "$dom0" ] || fail "$tbuf tbufcontrol denials, only $dom0 of them dom0_t -> xen_t:xen"
# ltt-xenctl: one hypercall per command (query: the first refused), xentrace
# two (set_size, enable); at least one denial each.
[ "$tbuf" -ge 9 ] || fail "$tbuf tbufcontrol denials for 9 refused commands"
! grep -q ' { physinfo } ' "$res/avc-denied.txt" || fail "physinfo was denied"
other=$(grep -vc ' { tbufcontrol } ' "$res/avc-denied.txt" || true)
echo "check: Xen's AVC: $tbuf denials of { tbufcontrol } dom0_t -> xen_t:xen, $other other denial(s)"
head -n 1 "$res/avc-denied.txt" | sed 's/^/check:   /'
echo "check: PASS"
