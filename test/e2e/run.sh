#!/usr/bin/env bash
# Runs e2e scenarios: for each, fetches the inputs (cached), builds the
# workload and the scenario's initramfs, boots Xen + dom0 under QEMU, and runs
# the scenario's host-side check. Results go to e2e-out/SCENARIO/:
#   console.log      the serial console (Xen and dom0), lines stamped with
#                    seconds since QEMU started; console.log.cmd the QEMU command
#   guest/           the 9p share: what dom0 wrote (guest.log, result.json,
#                    status, dmesg.txt, traces...)
#   boot.json        QEMU run time, time to Xen's banner and to dom0's /init,
#                    the speed factor dom0 measured, QEMU's limit, host load
#   hostload.tsv     the host's load while QEMU ran, every 2 s (boot.sh -H)
#   check.log        the output of the scenario's check.sh
#   run.json         host timings and the verdict
# and a line per scenario in e2e-out/summary.txt.
#
#   test/e2e/run.sh [SCENARIO...]    (default: every test/e2e/scenarios/*/)
# A SCENARIO is a name under test/e2e/scenarios/ or a directory path.
# A scenario is a directory test/e2e/scenarios/NAME/ with scenario.conf,
# guest.sh and optionally check.sh and summary.sh; see test/e2e/README.md.
# Ends with "N passed, N failed"; exits non-zero if any scenario failed.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

scenario_root=test/e2e/scenarios

# "run.sh --one NAME" runs one scenario in a process of its own (so that
# `set -e` applies in it: it would not in a function called from an `if`).
one=
if [ "${1:-}" = --one ]; then
	one=$2
	set --
fi
if [ -z "$one" ] && [ $# -eq 0 ]; then
	for d in "$scenario_root"/*/; do
		d=${d%/}
		# ON_DEMAND=1: run only when named (a scenario that does not pass
		# here yet, its scenario.conf says why).
		[ ! -f "$d/scenario.conf" ] || grep -q '^ON_DEMAND=1' "$d/scenario.conf" ||
			set -- "$@" "${d##*/}"
	done
	[ $# -gt 0 ] || e2e_die "no scenario in $scenario_root"
fi

mkdir -p "$E2E_CACHE" "$E2E_OUT"
workload=$E2E_CACHE/bin/ltt-e2e-workload
vector_check=$E2E_CACHE/bin/ltt-e2e-vector-check
if [ -z "$one" ]; then
	# One e2e run at a time per checkout: they share the cache and e2e-out/.
	exec 9>"$E2E_CACHE/run.lock"
	if ! flock -n 9; then
		e2e_log "another e2e run holds $E2E_CACHE/run.lock; waiting (up to 30 min)"
		flock -w 1800 9 || e2e_die "timed out waiting for $E2E_CACHE/run.lock"
	fi
	all_start=$(e2e_now)
	t=$(e2e_now)
	test/e2e/fetch.sh
	# The workload every scenario gets as /usr/local/bin/ltt-e2e-workload.
	if [ ! -x "$workload" ] || [ test/e2e/workload/workload.c -nt "$workload" ]; then
		mkdir -p "$(dirname "$workload")"
		cc -O2 -Wall -Wextra -Werror -o "$workload.tmp" test/e2e/workload/workload.c
		mv -f "$workload.tmp" "$workload"
	fi
	# And /usr/local/bin/ltt-e2e-vector-check (static: it must not
	# depend on the glibc whose memcpy it protects).
	if [ ! -x "$vector_check" ] || [ test/e2e/workload/vector_check.c -nt "$vector_check" ]; then
		cc -O2 -Wall -Wextra -Werror -static -o "$vector_check.tmp" test/e2e/workload/vector_check.c
		mv -f "$vector_check.tmp" "$vector_check"
	fi
	fetch_s=$(e2e_since "$t")
fi
# shellcheck source=/dev/null
. "$E2E_CACHE/inputs.env"

# resolve_xen XEN: the hypervisor file for a scenario's XEN setting.
resolve_xen() {
	case $1 in
	stock) echo "$E2E_XEN_STOCK" ;;
	patched)
		local p=${E2E_XEN_PATCHED:-work-xen/xen-ltt/xen/xen}
		[ -f "$p" ] || e2e_die "patched Xen $p missing: run make xen (or set E2E_XEN_PATCHED)"
		echo "$p"
		;;
	*)
		[ -f "$1" ] || e2e_die "XEN=$1: no such file"
		echo "$1"
		;;
	esac
}

# run_scenario NAME: one scenario; exits with its verdict.
run_scenario() {
	# A name under test/e2e/scenarios/, or the path of a scenario directory.
	case $1 in
	*/*) dir=${1%/} ;;
	*) dir=$scenario_root/$1 ;;
	esac
	name=${dir##*/}
	[ -f "$dir/scenario.conf" ] || e2e_die "$dir/scenario.conf: no such file"
	out=$E2E_OUT/$name
	rm -rf "$out"
	mkdir -p "$out"
	# What this scenario logs on the host, kept beside its results
	# (why_failed quotes it in the summary).
	exec 2> >(tee "$out/run.log" >&2)
	start=$(e2e_now)

	# scenario.conf defaults.
	DESCRIPTION=
	XEN=stock
	XEN_ARGS=
	DOM0_ARGS=
	QEMU_ACCEL=tcg,thread=multi
	TIMEOUT=300
	GUEST_TIMEOUT=180
	PREPARE=
	BINS=()
	FILES=()
	GUEST_ENV=()
	XEN_MODULES=()
	# shellcheck source=/dev/null
	. "$dir/scenario.conf"
	e2e_log "=== $name: $DESCRIPTION"

	if [ -n "$PREPARE" ]; then
		# The build's output goes to a log: on a fresh machine it is
		# thousands of lines (the C++ tree, Xen).
		t=$(e2e_now)
		e2e_log "$name: prepare: $PREPARE (output in $out/prepare.log)"
		if ! bash -c "$PREPARE" >"$out/prepare.log" 2>&1; then
			tail -n 40 "$out/prepare.log" >&2
			e2e_die "$name: PREPARE failed: $PREPARE (the last 40 lines above, all in $out/prepare.log)"
		fi
		e2e_log "$name: prepared in $(e2e_since "$t") s"
	fi
	xen=$(resolve_xen "$XEN")

	t=$(e2e_now)
	args=(-o "$out/initrd.cpio.gz" -s "$dir" -t "$GUEST_TIMEOUT" -b "$workload" -b "$vector_check")
	for b in "${BINS[@]}"; do
		[ -x "${b%%:*}" ] || e2e_die "$name: binary ${b%%:*} missing (build it first: make all?)"
		args+=(-b "$b")
	done
	for f in "${FILES[@]}"; do args+=(-f "$f"); done
	for e in "${GUEST_ENV[@]}"; do args+=(-e "$e"); done
	test/e2e/mkinitramfs.sh "${args[@]}"
	initramfs_s=$(e2e_since "$t")

	t=$(e2e_now)
	# Other work on the host slows the emulated CPUs down: note the load.
	load_before=$(cut -d' ' -f1 /proc/loadavg)
	status=0
	mods=()
	for m in "${XEN_MODULES[@]}"; do mods+=(-m "$m"); done
	test/e2e/boot.sh -x "$xen" -i "$out/initrd.cpio.gz" -s "$out/guest" -l "$out/console.log" \
		-t "$TIMEOUT" -X "$XEN_ARGS" -K "$DOM0_ARGS" -a "$QEMU_ACCEL" -T "$out/boot.json" -H "$out/hostload.tsv" \
		"${mods[@]}" || status=$?
	boot_s=$(e2e_since "$t")
	load_after=$(cut -d' ' -f1 /proc/loadavg)

	# The TSC frequency Xen measured (xentrace/xenalyze and CTF need it).
	mhz=$(sed -n 's/.*(XEN) Detected \([0-9.]*\) MHz processor.*/\1/p' "$out/console.log" | head -n 1)
	xen_version=$(sed -n 's/.*(XEN) Xen version \([^ ]*\) .*/\1/p' "$out/console.log" | head -n 1)

	check_s=0
	if [ "$status" = 0 ] && [ -f "$dir/check.sh" ]; then
		t=$(e2e_now)
		e2e_log "$name: host check"
		E2E_SCENARIO=$name E2E_RESULT_DIR=$out E2E_SHARE=$out/guest \
			E2E_CONSOLE=$out/console.log E2E_XEN_MHZ=${mhz:-0} \
			bash "$dir/check.sh" 2>&1 | tee "$out/check.log" || status=$?
		[ "$status" = 0 ] || e2e_log "$name: check.sh failed (status $status), see $out/check.log"
		check_s=$(e2e_since "$t")
	fi

	verdict=PASS
	[ "$status" = 0 ] || verdict=FAIL
	total_s=$(e2e_since "$start")
	boot_json=$(cat "$out/boot.json" 2>/dev/null || echo null)
	cat >"$out/run.json" <<JSON
{"scenario": "$name", "verdict": "$verdict", "status": $status, "xen": "$xen", "xen_version": "$xen_version",
 "xen_cpu_mhz": ${mhz:-null}, "initramfs_s": $initramfs_s, "boot_and_run_s": $boot_s,
 "check_s": $check_s, "total_s": $total_s, "host_load_before": $load_before,
 "host_load_after": $load_after, "boot": $boot_json}
JSON
	speed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("speed_factor"))' "$out/boot.json" 2>/dev/null || echo '?')
	e2e_log "$name: $verdict in $total_s s (initramfs $initramfs_s s, QEMU $boot_s s, check $check_s s; host load $load_before -> $load_after, dom0 speed factor $speed)"
	[ "$status" = 0 ]
}

if [ -n "$one" ]; then
	run_scenario "$one"
	exit
fi

# why_failed NAME: the lines that say why a scenario failed (dom0's
# e2e_fail, boot.sh's TIMEOUT/HUNG, the host check's FAIL lines), at most
# 8, indented: the summary is the end of the log, what a CI keeps.
why_failed() {
	local d=$E2E_OUT/$1
	{
		# dom0's message may go on over a few lines (a tool's stderr)
		grep -h -A3 --no-group-separator -E 'ltt-e2e(\[[0-9.]*\])?: FAIL' "$d/console.log" 2>/dev/null
		grep -h -E 'finished with status [1-9]|TIMEOUT:|HUNG:|FAILED:|PREPARE failed' \
			"$d/console.log" "$d/run.log" 2>/dev/null
		grep -h -E 'FAIL|Traceback|Error' "$d/check.log" 2>/dev/null
	} | cut -c1-300 | awk '!seen[$0]++' | head -n 8 | sed 's/^/    /'
}

passed=0
failed=0
: >"$E2E_OUT/summary.txt"
for name in "$@"; do
	if "$0" --one "$name"; then
		name=${name%/}
		name=${name##*/}
		passed=$((passed + 1))
		echo "PASS $name" >>"$E2E_OUT/summary.txt"
	else
		name=${name%/}
		name=${name##*/}
		failed=$((failed + 1))
		echo "FAIL $name (see $E2E_OUT/$name/)" >>"$E2E_OUT/summary.txt"
		# Never fatal: with more than 8 lines, head closes the pipe and
		# awk's SIGPIPE fails the pipeline (pipefail), which ended the
		# whole run here, the scenarios after it never run.
		why_failed "$name" >>"$E2E_OUT/summary.txt" || true
	fi
done
e2e_log "fetch and workload build $fetch_s s; whole e2e $(e2e_since "$all_start") s"
cat "$E2E_OUT/summary.txt"
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
