#!/usr/bin/env bash
# Host-side check of the xen-selftest scenario (run by test/e2e/run.sh from
# the repository root with E2E_SHARE, E2E_RESULT_DIR and E2E_CONSOLE set).
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
console=$E2E_CONSOLE
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}

out=$share/selftest.txt
[ -s "$out" ] || fail "$out missing or empty"

# Line by line: a check ("... ok"), an info line (indented, or a "== "
# section title), or the verdict, which must be the last line.
awk -v res="$res/selftest-counts.txt" '
	/ ok$/ { ok++; next }
	/ FAIL$/ { bad++; print "check: FAIL line " NR ": " $0; next }
	/^    / || /^== / { info++; next }
	/^selftest: / { verdict = $0; vline = NR; next }
	{ odd++; print "check: unexpected line " NR ": " $0 }
	END {
		printf "ok %d\nfail %d\ninfo %d\nodd %d\n", ok, bad, info, odd > res
		if (verdict != "selftest: passed (0 failures)" || vline != NR) {
			print "check: verdict line missing or not last: \"" verdict "\""
			exit 1
		}
		if (bad || odd || ok < 100)
			exit 1
	}
' "$out" || fail "the selftest output is not all ok (see above)"
ok=$(sed -n 's/^ok //p' "$res/selftest-counts.txt")
echo "check: selftest: $ok checks, all ok, \"$(tail -n 1 "$out")\""

# Every section ran.
for s in "malformed requests" "discard mode" "garbage in the consumer page" \
	"start/stop cycles" "sessions:" "overwrite mode" "end"; do
	grep -q "^== $s" "$out" || fail "no \"== $s\" section in $out"
done

# Xen's console: no crash, and the once-per-CPU-and-session warning about
# invalid consumer positions (printed by Xen itself, "(XEN)" lines only).
if grep -nE '\(XEN\).*(Panic|FATAL|Assertion)' "$console" >"$res/console-problems.txt"; then
	cat "$res/console-problems.txt"
	fail "Xen's console reports a panic, fatal trap or assertion"
fi
if grep -nE 'Kernel panic|BUG: |Oops' "$console" >"$res/console-problems.txt"; then
	cat "$res/console-problems.txt"
	fail "dom0's kernel reports a panic, BUG or oops"
fi
grep -E '\(XEN\) ltt: CPU[0-9]+: invalid consumer position from dom0' "$console" \
	>"$res/consumer-warnings.txt" || true
nwarn=$(wc -l <"$res/consumer-warnings.txt")
ncpu=$(sed -n 's/.*(XEN) Brought up \([0-9]*\) CPUs.*/\1/p' "$console" | head -n 1)
# Two sessions of the selftest write garbage: at least one warning each, at
# most one per CPU each.
[ "$nwarn" -ge 2 ] || fail "Xen printed $nwarn consumer-position warning(s), expected one per session with garbage (2)"
[ -z "$ncpu" ] || [ "$nwarn" -le $((2 * ncpu)) ] ||
	fail "Xen printed $nwarn consumer-position warnings for $ncpu CPUs in 2 sessions (not rate-limited?)"
echo "check: Xen's console: no panic/fatal/assertion; $nwarn consumer-position warning(s):"
sed 's/^/check:   /' "$res/consumer-warnings.txt"

# Xen answered after the selftest, nothing set up.
grep -q '^state none' "$share/query-after.txt" || fail "query after the selftest: $(head -n 1 "$share/query-after.txt")"
echo "check: PASS"
