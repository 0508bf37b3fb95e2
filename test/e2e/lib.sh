# shellcheck shell=bash
# shellcheck disable=SC2034 # variables used by the scripts sourcing this
# Host-side helpers shared by the e2e scripts (sourced, not run).
# Paths are relative to the repository root, which every script cd's into.

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$E2E_ROOT" || exit 1

# Cache of fetched and derived inputs (kernel, modules, stock Xen, base
# initramfs, workload); results of runs go to e2e-out/. Both are git-ignored.
E2E_CACHE=${E2E_CACHE:-work-xen/e2e}
E2E_OUT=${E2E_OUT:-e2e-out}
export E2E_CACHE E2E_OUT
E2E_DIR_GUEST=test/e2e/guest

e2e_log() { printf 'e2e: %s\n' "$*" >&2; }
e2e_die() {
	printf 'e2e: error: %s\n' "$*" >&2
	exit 1
}

# Seconds since the epoch with microseconds, without forking.
e2e_now() { printf '%s' "$EPOCHREALTIME"; }
# e2e_since START: seconds elapsed since START (an e2e_now value), 2 decimals.
e2e_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# e2e_atomic_write DEST CMD...: run CMD with its stdout going to DEST.tmp,
# rename to DEST only when it succeeded, so an interrupted run never leaves
# a truncated cache entry behind.
e2e_atomic_write() {
	local dest=$1
	shift
	if "$@" >"$dest.tmp"; then
		mv -f "$dest.tmp" "$dest"
	else
		local rc=$?
		rm -f "$dest.tmp"
		return "$rc"
	fi
}

# e2e_ldd_closure FILE...: the shared libraries FILE needs (absolute paths,
# symlinks resolved to the files they name, plus the name ldd printed so the
# soname link can be recreated), one "path" per line, and the ELF interpreter.
e2e_ldd_closure() {
	local f
	for f in "$@"; do
		# Static binaries: ldd says "not a dynamic executable" and exits 1.
		ldd "$f" 2>/dev/null | awk '
			$2 == "=>" && $3 ~ /^\// { print $3 }
			$1 ~ /^\// { print $1 }
			$2 == "=>" && $3 == "not" { print "MISSING " $1 > "/dev/stderr" }
		' || true
	done | sort -u
}
