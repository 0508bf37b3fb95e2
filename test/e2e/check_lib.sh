# shellcheck shell=bash
# Shared by the scenarios' host checks (sourced; they set share, res and
# failed=0 first).

# check_ltt NAME ARGS...: test/e2e/ltt_trace_check.py on $share/NAME (JSON
# to $res/NAME.json); a failure sets failed=1 and the check goes on.
check_ltt() {
	local name=$1
	shift
	echo "check: $name"
	if ! python3 test/e2e/ltt_trace_check.py "$share/$name" --json "$res/$name.json" "$@" |
		sed 's/^/check:   /'; then
		echo "check: FAIL: $name (problems above)"
		failed=1
	fi
}
