#!/usr/bin/env bash
# Boots Xen with the Debian dom0 kernel and an e2e initramfs under QEMU (TCG;
# see ../shared/notes/xen-in-qemu.md), under `timeout`, the serial console
# going to a log file with each line prefixed by the seconds since QEMU
# started. The dom0's /init writes its results into the 9p share and a
# `status` file last; this script exits with that status.
#
#   test/e2e/boot.sh -x XEN -i INITRD -s SHARE_DIR -l CONSOLE_LOG [options]
#     -x FILE     the hypervisor (the 32-bit multiboot ELF `xen`, or xen.gz)
#     -i FILE     the dom0 initramfs (test/e2e/mkinitramfs.sh)
#     -s DIR      the host directory dom0 mounts on /mnt/host (emptied first)
#     -l FILE     the console log to write
#     -t SECONDS  QEMU's wall-clock limit (default 300)
#     -X ARGS     extra Xen command-line arguments
#     -K ARGS     extra dom0 kernel arguments
#     -T FILE     write boot timings (JSON) there
#     -k FILE     the dom0 kernel (default: the fetched vmlinux)
#     -m FILE     one more multiboot module after the initramfs, e.g. a
#                 Flask policy (repeatable)
# Exit status: the scenario's; 124 when QEMU hit the time limit; 125 when
# dom0 wrote no status (crash, panic, /init failure); 2 on bad usage.
# E2E_VERBOSE=1 also copies the console to stderr as it runs.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

xen=
initrd=
share=
console=
limit=300
xen_args=
dom0_args=
timings=
kernel=
extra_modules=()
while getopts x:i:s:l:t:X:K:T:k:m: opt; do
	case $opt in
	x) xen=$OPTARG ;;
	i) initrd=$OPTARG ;;
	s) share=$OPTARG ;;
	l) console=$OPTARG ;;
	t) limit=$OPTARG ;;
	X) xen_args=$OPTARG ;;
	K) dom0_args=$OPTARG ;;
	T) timings=$OPTARG ;;
	k) kernel=$OPTARG ;;
	m) extra_modules+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done
if [ -z "$xen" ] || [ -z "$initrd" ] || [ -z "$share" ] || [ -z "$console" ]; then
	echo "usage: boot.sh -x XEN -i INITRD -s SHARE_DIR -l CONSOLE_LOG [-t S] [-X XEN_ARGS] [-K DOM0_ARGS] [-T TIMINGS_JSON] [-k KERNEL] [-m MODULE]..." >&2
	exit 2
fi
if [ -z "$kernel" ]; then
	[ -f "$E2E_CACHE/inputs.env" ] || e2e_die "$E2E_CACHE/inputs.env missing: run test/e2e/fetch.sh"
	# shellcheck source=/dev/null
	. "$E2E_CACHE/inputs.env"
	kernel=$E2E_VMLINUX
fi
for f in "$xen" "$initrd" "$kernel" "${extra_modules[@]}"; do
	[ -f "$f" ] || e2e_die "$f: no such file"
done

# QEMU's -kernel loads a multiboot ELF, not a gzip'd one.
if [ "$(head -c 2 "$xen" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
	unz=$E2E_CACHE/xen-unzipped-$(sha256sum "$xen" | cut -c1-16)
	[ -f "$unz" ] || e2e_atomic_write "$unz" gzip -dc "$xen"
	xen=$unz
fi

rm -rf "$share"
mkdir -p "$share" "$(dirname "$console")"
touch "$share/.e2e-share"

# In a -initrd module list a comma separates modules; one inside a module's
# arguments (or path) is doubled.
dcomma() { printf '%s' "${1//,/,,}"; }
dom0_cmdline="console=hvc0 rdinit=/init quiet mitigations=off $dom0_args"
modules="$(dcomma "$kernel") $(dcomma "$dom0_cmdline"),$(dcomma "$initrd")"
for m in "${extra_modules[@]}"; do modules+=",$(dcomma "$m")"; done
xen_cmdline="console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=2 spec-ctrl=no $xen_args"

# shellcheck disable=SC2054 # the commas are inside QEMU option values
qemu=(
	qemu-system-x86_64 -accel tcg,thread=multi -cpu max,-smap -machine pc -smp 2 -m 2048
	-nographic -no-reboot
	-kernel "$xen" -append "$xen_cmdline"
	-initrd "$modules"
	-virtfs "local,path=$(dcomma "$share"),mount_tag=hostshare,security_model=none,id=hs"
	-net none
)
printf '%q ' "${qemu[@]}" >"$console.cmd"
echo >>"$console.cmd"

# stamp: each console line prefixed with the seconds since QEMU started; the
# times at which Xen, dom0's /init and the scenario's end show up.
t0=$EPOCHREALTIME
stamp() {
	local line t rel
	local xen_t=- init_t=- end_t=-
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line//$'\r'/}
		t=$EPOCHREALTIME
		rel=$(((${t/./} - ${t0/./}) / 1000))
		printf '[%4d.%03d] %s\n' $((rel / 1000)) $((rel % 1000)) "$line"
		if [ "${E2E_VERBOSE:-0}" = 1 ]; then
			printf '[%4d.%03d] %s\n' $((rel / 1000)) $((rel % 1000)) "$line" >&2
		fi
		case $line in
		*"Xen version"*) [ "$xen_t" != - ] || xen_t=$rel ;;
		"ltt-e2e: /init reached"*) init_t=$rel ;;
		"ltt-e2e: scenario "*" finished "*) end_t=$rel ;;
		esac
	done
	printf '%s %s %s\n' "$xen_t" "$init_t" "$end_t" >"$console.marks"
}

e2e_log "booting $(basename "$xen") + $(basename "$kernel") (limit $limit s), console: $console"
set +e
timeout -k 10 "$limit" "${qemu[@]}" </dev/null 2>&1 | stamp >"$console"
qemu_rc=${PIPESTATUS[0]}
set -e
t1=$EPOCHREALTIME
total_ms=$(((${t1/./} - ${t0/./}) / 1000))

read -r xen_ms init_ms end_ms <"$console.marks" || true
rm -f "$console.marks"
ms() { if [ "${1:--}" = - ]; then echo null; else awk -v v="$1" 'BEGIN { printf "%.3f", v / 1000 }'; fi; }
if [ -n "$timings" ]; then
	printf '{"qemu_s": %s, "xen_banner_s": %s, "dom0_init_s": %s, "scenario_end_s": %s, "qemu_status": %s}\n' \
		"$(ms "$total_ms")" "$(ms "$xen_ms")" "$(ms "$init_ms")" "$(ms "$end_ms")" "$qemu_rc" >"$timings"
fi

tail_console() {
	echo "---- last 40 lines of $console ----" >&2
	tail -n 40 "$console" >&2
	echo "----" >&2
}
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	e2e_log "TIMEOUT: QEMU still running after $limit s, killed (dom0 /init: $(ms "$init_ms") s)"
	tail_console
	exit 124
fi
if [ ! -f "$share/status" ]; then
	e2e_log "FAILED: dom0 wrote no status (QEMU exited with $qemu_rc after $(ms "$total_ms") s)"
	[ ! -f "$share/init-error.txt" ] || e2e_log "/init: $(cat "$share/init-error.txt")"
	tail_console
	exit 125
fi
status=$(cat "$share/status")
[[ $status =~ ^[0-9]+$ ]] || status=125
e2e_log "QEMU exited after $(ms "$total_ms") s (dom0 /init at $(ms "$init_ms") s), scenario status $status"
if [ "$status" != 0 ]; then
	tail_console
fi
exit "$status"
