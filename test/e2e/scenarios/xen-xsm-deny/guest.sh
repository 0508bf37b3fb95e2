# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers), under
# Flask enforcing a policy in which dom0 lacks `tbufcontrol`.
#
# What goes to $E2E_OUT (the host's e2e-out/xen-xsm-deny/guest/):
#   NAME.txt        each command's output; NAME.status its exit status
#   refused.txt     "NAME STATUS ERROR" per command that must be refused

# run NAME CMD...: CMD's output to NAME.txt, its status to NAME.status.
run() {
	_name=$1
	shift
	_rc=0
	"$@" >"$E2E_OUT/$_name.txt" 2>&1 || _rc=$?
	echo "$_rc" >"$E2E_OUT/$_name.status"
	e2e_log "$* -> status $_rc: $(head -c 200 "$E2E_OUT/$_name.txt" | tr '\n' ' ')"
	return "$_rc"
}

# allowed NAME CMD...: CMD must succeed.
allowed() {
	run "$@" || e2e_fail "$2 failed (status $(cat "$E2E_OUT/$1.status")), Flask should allow it"
}

# refused NAME CMD...: CMD must fail; the errno name ltt-xenctl printed (or
# xentrace's perror text) goes to refused.txt.
refused() {
	if run "$@"; then
		e2e_fail "$* succeeded: Flask should have refused it"
	fi
	_err=$(sed -n 's/^[a-z]*\( [0-9]*\)\{0,1\}: \(E[A-Z0-9]*\)$/\2/p' "$E2E_OUT/$1.txt" | head -n 1)
	# xentrace: "ERROR: ... (13 = Permission denied)" -> 13=Permission_denied
	[ -n "$_err" ] || _err=$(sed -n 's/^ERROR: .* (\([0-9]*\) = \([^)]*\))$/\1=\2/p' "$E2E_OUT/$1.txt" | head -n 1 | tr ' ' _)
	echo "$1 $(cat "$E2E_OUT/$1.status") ${_err:-?}" >>"$E2E_OUT/refused.txt"
}

: >"$E2E_OUT/refused.txt"

# flask-getenforce exits with the mode (1 when enforcing): only its output counts.
run getenforce flask-getenforce || true
grep -qx Enforcing "$E2E_OUT/getenforce.txt" || e2e_fail "Flask is not enforcing: $(cat "$E2E_OUT/getenforce.txt")"
# A sysctl under another permission (XEN_SYSCTL_cputopoinfo: physinfo).
allowed xenpm-topology-before xenpm get-cpu-topology

# Every XEN_SYSCTL_ltt_op sub-op ltt-xenctl has a command for.
refused ltt-query ltt-xenctl query
refused ltt-setup ltt-xenctl setup 4096 4
refused ltt-enable ltt-xenctl enable all
refused ltt-start ltt-xenctl start
refused ltt-stop ltt-xenctl stop
refused ltt-flush ltt-xenctl flush
refused ltt-cpu ltt-xenctl cpu 0
refused ltt-teardown ltt-xenctl teardown

# xentrace: XEN_SYSCTL_tbuf_op, the same permission. Refused, it exits at
# once; were it allowed, it would trace until the timeout kills it.
refused xentrace timeout "$(e2e_scaled 30)" xentrace -D -e all -S 32 /tmp/xentrace.bin
[ "$(cat "$E2E_OUT/xentrace.status")" -lt 124 ] ||
	e2e_fail "xentrace ran until killed: tracing was allowed"

# And the other sysctl still works afterwards.
allowed xenpm-topology-after xenpm get-cpu-topology
e2e_log "refused: $(tr '\n' ';' <"$E2E_OUT/refused.txt")"
