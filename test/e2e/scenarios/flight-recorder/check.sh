#!/usr/bin/env bash
# Host-side check of the flight-recorder scenario (run by test/e2e/run.sh
# from the repository root with E2E_SHARE and E2E_RESULT_DIR set):
# - lttd reported the broken session with /etc/ltt-xen/lttd.conf and its
#   line, and still recorded `flight`;
# - retention kept the newest two snapshots (of three) and says it removed
#   the oldest;
# - each kept snapshot reads with babeltrace2 and ltt-view
#   (test/e2e/ltt_trace_check.py: packets, fields, losses).
set -euo pipefail
share=$E2E_SHARE
res=$E2E_RESULT_DIR
fail() {
	echo "check: FAIL: $*" >&2
	exit 1
}
grep -q "/etc/ltt-xen/lttd.conf:17: " "$share/lttd.log" ||
	fail "lttd.log does not name /etc/ltt-xen/lttd.conf:17 (subbuf-size = lots): $(head -c 600 "$share/lttd.log")"
echo "check: lttd: $(grep -m1 "/etc/ltt-xen/lttd.conf:17: " "$share/lttd.log")"

mapfile -t kept < <(find "$share/flight" -mindepth 1 -maxdepth 1 -name 'snapshot-*' -printf '%f\n' | sort -t- -k2,2n)
taken=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"]["snapshots_taken"])' \
	"$share/result.json")
echo "check: $taken snapshots taken, kept: ${kept[*]}"
[ "${#kept[@]}" = 2 ] || fail "retention (snapshot-keep = 2) kept ${#kept[@]} snapshots"
python3 - "$share/flight.status.json" "$taken" "${kept[@]}" <<'PY' || fail "retention's status"
import json, sys
status = json.load(open(sys.argv[1]))
taken, kept = int(sys.argv[2]), sys.argv[3:]
ret = status.get("retention") or {}
print("check: retention:", json.dumps(ret, sort_keys=True))
removed = [r.rstrip("/").rsplit("/", 1)[-1] for r in ret.get("removed", [])]
number = lambda name: int(name.split("-")[1])
# The oldest went: every removed snapshot is older than every kept one.
ok = (ret.get("keep") == 2 and len(removed) == taken - len(kept)
      and all(number(r) < min(map(number, kept)) for r in removed))
sys.exit(0 if ok else 1)
PY

failed=0
mkdir -p "$res/flight"
# shellcheck source=test/e2e/check_lib.sh
. test/e2e/check_lib.sh
for s in "${kept[@]}"; do
	check_ltt "flight/$s" --snapshot --status "$share/flight.status.json"
done
[ "$failed" = 0 ] || fail "ltt_trace_check.py found problems (see above)"
echo "check: PASS"
