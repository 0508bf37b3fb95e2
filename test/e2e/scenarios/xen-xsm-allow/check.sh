#!/usr/bin/env bash
# Host-side check of the xen-xsm-allow scenario (run by test/e2e/run.sh from
# the repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_CONSOLE set).
#  - Flask enforcing, the boot policy a module of the right length;
#  - under Xen's default policy: every ltt-xenctl sysctl allowed, mapping a
#    CPU's buffers refused with EACCES, xentrace refused its mapping too, and
#    Xen's only AVC denials are { map_write } dom0_t -> domxen_t:mmu (no
#    tbufcontrol denial);
#  - after loading the ltt policy: everything works, no AVC denial at all.
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
console=$E2E_CONSOLE
policy=work-xen/xen-ltt-flask/ltt-policy/xenpolicy-default
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}

# shellcheck source=test/e2e/flask_boot_check.sh
. test/e2e/flask_boot_check.sh
flask_boot_check "$policy"

# Each step's outcome (steps.txt: PHASE NAME STATUS ERROR).
while read -r phase name status err; do
	case $phase/$name in
	*/getenforce) continue ;; # exits with the mode
	default/ltt-cpu-default) want=EACCES ;;
	default/xentrace-default) want='ERROR:_Failed_to_map_cpu_buffer!_(13_=_Permission_denied)' ;;
	*) want=- ;;
	esac
	[ "$err" = "$want" ] || fail "[$phase] $name: status $status, '$err' (expected '$want')"
	echo "check: [$phase] $name: $([ "$want" = - ] && echo OK || echo "refused, ${err//_/ }")"
done <"$share/steps.txt"
for n in ltt-flush ltt-cpu-default xentrace-default loadpolicy ltt-cpu-ltt ltt-query-after; do
	grep -q " $n " "$share/steps.txt" || fail "step $n missing from steps.txt"
done
grep -q '^state setup' "$share/ltt-query-setup.txt" || fail "query after setup: $(head -n 1 "$share/ltt-query-setup.txt")"
grep -q '^state none' "$share/ltt-query-after.txt" || fail "query at the end: $(head -n 1 "$share/ltt-query-after.txt")"
tail -n 1 "$share/selftest.txt" | grep -qx 'selftest: passed (0 failures)' ||
	fail "selftest: $(tail -n 1 "$share/selftest.txt")"
! grep -q ' FAIL$' "$share/selftest.txt" || fail "selftest has FAIL lines"
echo "check: [ltt] ltt-xenctl selftest: $(grep -c ' ok$' "$share/selftest.txt") checks ok; xentrace wrote $(cat "$share/xentrace.bytes") bytes"

# Xen's AVC denials before and after the policy load (dom0's console lines
# and Xen's share the serial line, in order).
awk -v before="$res/avc-denied-default.txt" -v after="$res/avc-denied-ltt.txt" '
	/ltt-e2e\[[0-9.]*\]: loading \/etc\/xen\/xenpolicy-ltt/ { loaded = 1 }
	/\(XEN\) avc:  denied/ { sub(/^\[[ 0-9.]*\] /, ""); print > (loaded ? after : before) }
	END { printf "" >> before; printf "" >> after }
' "$console"
cat "$res/avc-denied-default.txt" "$res/avc-denied-ltt.txt" >"$res/avc-denied.txt"
grep -q 'loading /etc/xen/xenpolicy-ltt' "$console" || fail "the policy load is not on the console"
nmap=$(grep -c ' { map_write } .*scontext=system_u:system_r:dom0_t tcontext=system_u:system_r:domxen_t tclass=mmu' \
	"$res/avc-denied-default.txt" || true)
nall=$(wc -l <"$res/avc-denied-default.txt")
[ "$nmap" -ge 2 ] || fail "$nmap map_write denials under the default policy (ltt-xenctl cpu 0 and xentrace: at least 2)"
[ "$nmap" = "$nall" ] || fail "other AVC denials under the default policy: $(grep -v -m 1 map_write "$res/avc-denied-default.txt")"
[ ! -s "$res/avc-denied-ltt.txt" ] || fail "AVC denials after loading the ltt policy: $(head -n 1 "$res/avc-denied-ltt.txt")"
echo "check: Xen's AVC, default policy: $nmap denials, all { map_write } dom0_t -> domxen_t:mmu (none of tbufcontrol); ltt policy: none"
echo "check: PASS"
