#!/usr/bin/env bash
# Boots Xen with the Debian dom0 kernel and an e2e initramfs under QEMU (TCG;
# see ../shared/notes/xen-in-qemu.md), the serial console going to a log
# file with each line prefixed by the seconds since QEMU started. The dom0's
# /init writes its results into the 9p share and a `status` file last; this
# script exits with that status.
#
#   test/e2e/boot.sh -x XEN -i INITRD -s SHARE_DIR -l CONSOLE_LOG [options]
#     -x FILE     the hypervisor (the 32-bit multiboot ELF `xen`, or xen.gz)
#     -i FILE     the dom0 initramfs (test/e2e/mkinitramfs.sh)
#     -s DIR      the host directory dom0 mounts on /mnt/host (emptied first)
#     -l FILE     the console log to write
#     -t SECONDS  QEMU's wall-clock limit on a quiet host (default 300)
#     -X ARGS     extra Xen command-line arguments
#     -K ARGS     extra dom0 kernel arguments
#     -T FILE     write boot timings (JSON) there
#     -H FILE     write the host's load, sampled every 2 s while QEMU runs,
#                 there (TSV: seconds since QEMU started, 1-minute load
#                 average, cores busy with other work, cores QEMU used)
#     -k FILE     the dom0 kernel (default: the fetched vmlinux)
#     -m FILE     one more multiboot module after the initramfs, e.g. a
#                 Flask policy (repeatable)
#     -a ACCEL    QEMU's -accel (default tcg,thread=multi; tcg,thread=single
#                 for a guest that patches its own kernel text, see
#                 test/e2e/README.md)
#
# Time limits: a busy host slows the emulated CPUs down (up to 20x and more
# for a ping-pong between processes), so the limit is not a constant.
# dom0's /init measures the speed factor (how many times slower than on a
# quiet host the emulated CPUs run; guest/lib.sh e2e_calibrate) and prints
# "ltt-e2e: speed factor F" on the console; the limit becomes SECONDS x F
# from QEMU's start (dom0's watchdog may report a larger factor later, when
# the host got slower). F is capped at E2E_MAX_SLOWDOWN (default 40), which
# is also the factor assumed until dom0 reports one. A hang fails sooner:
# QEMU is killed when the console stays silent for E2E_STALL_S (default 120)
# seconds; dom0's watchdog prints a heartbeat every 15 s whatever the load
# (a sleep's wake-up is late by a second at most on a busy host).
# Exit status: the scenario's; 124 when QEMU was killed (time limit or
# silent console); 125 when dom0 wrote no status (crash, panic, /init
# failure); 2 on bad usage.
# E2E_VERBOSE=1 also copies the console to stderr as it runs.
# E2E_QEMU_ARGS: more QEMU arguments (split at blanks), e.g. "-gdb
# tcp:127.0.0.1:1234" to look at a hung guest's vCPUs with gdb.
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
hostload=
kernel=
extra_modules=()
accel=tcg,thread=multi
while getopts x:i:s:l:t:X:K:T:H:k:m:a: opt; do
	case $opt in
	x) xen=$OPTARG ;;
	i) initrd=$OPTARG ;;
	s) share=$OPTARG ;;
	l) console=$OPTARG ;;
	t) limit=$OPTARG ;;
	X) xen_args=$OPTARG ;;
	K) dom0_args=$OPTARG ;;
	T) timings=$OPTARG ;;
	H) hostload=$OPTARG ;;
	k) kernel=$OPTARG ;;
	m) extra_modules+=("$OPTARG") ;;
	a) accel=$OPTARG ;;
	*) exit 2 ;;
	esac
done
if [ -z "$xen" ] || [ -z "$initrd" ] || [ -z "$share" ] || [ -z "$console" ]; then
	echo "usage: boot.sh -x XEN -i INITRD -s SHARE_DIR -l CONSOLE_LOG [-t S] [-X XEN_ARGS] [-K DOM0_ARGS] [-T TIMINGS_JSON] [-H HOSTLOAD_TSV] [-k KERNEL] [-m MODULE]... [-a ACCEL]" >&2
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
xen_cmdline="console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=2 spec-ctrl=no,eager-fpu $xen_args"

# shellcheck disable=SC2054 # the commas are inside QEMU option values
qemu=(
	qemu-system-x86_64 -accel "$accel" -cpu "${E2E_QEMU_CPU:-max,-smap}" -machine pc -smp 2 -m 2048
	-nographic -no-reboot
	-kernel "$xen" -append "$xen_cmdline"
	-initrd "$modules"
	-virtfs "local,path=$(dcomma "$share"),mount_tag=hostshare,security_model=none,id=hs"
	-net none
)
# shellcheck disable=SC2206 # split at blanks on purpose
[ -z "${E2E_QEMU_ARGS:-}" ] || qemu+=($E2E_QEMU_ARGS)
printf '%q ' "${qemu[@]}" >"$console.cmd"
echo >>"$console.cmd"

max_slowdown=${E2E_MAX_SLOWDOWN:-40}
stall_s=${E2E_STALL_S:-120}
clk_tck=$(getconf CLK_TCK)

# host_sample: "seconds load1 others_cores qemu_cores" since the previous
# sample (cores = CPU seconds per second; others = every busy CPU second of
# the host but QEMU's).
prev_busy=
prev_qemu=
prev_us=
host_sample() {
	local load1 user nice system irq softirq steal
	local busy qemu_ticks=0 now_us stat t
	read -r load1 _ </proc/loadavg
	read -r _ user nice system _ _ irq softirq steal _ </proc/stat
	busy=$((user + nice + system + irq + softirq + steal))
	# utime and stime, fields 14 and 15 (QEMU's name has no blank).
	if { read -r -a stat <"/proc/$qemu_pid/stat"; } 2>/dev/null; then
		qemu_ticks=$((${stat[13]:-0} + ${stat[14]:-0}))
	fi
	t=$EPOCHREALTIME
	now_us=$((${t/./}))
	if [ -n "$prev_us" ] && [ "$now_us" -gt "$prev_us" ]; then
		awk -v db=$((busy - prev_busy)) -v dq=$((qemu_ticks - prev_qemu)) -v us=$((now_us - prev_us)) \
			-v hz="$clk_tck" -v l="$load1" -v t=$((now_us - t0_us)) 'BEGIN {
			s = us / 1e6; o = (db - dq) / hz / s; if (o < 0) o = 0
			printf "%.1f\t%s\t%.2f\t%.2f\n", t / 1e6, l, o, dq / hz / s }'
	fi
	prev_busy=$busy
	prev_qemu=$qemu_ticks
	prev_us=$now_us
}

# watch: reads QEMU's output; each console line prefixed with the seconds
# since QEMU started; notes when Xen, dom0's /init and the scenario's end
# show up and the speed factors dom0 reports; kills QEMU when it overruns
# its limit or the console stays silent too long; samples the host's load.
watch() {
	local line chunk pending='' rc eof=0 have t now_us rel f
	local xen_t=- init_t=- end_t=- speed=1 killed=- last_us=$t0_us next_sample_us=$t0_us
	local limit_us=$((limit * max_slowdown * 1000000)) stall_us=$((stall_s * 1000000))
	while [ "$eof" = 0 ]; do
		have=0
		if IFS= read -r -t 1 chunk; then
			line=$pending$chunk
			pending=
			have=1
		else
			rc=$?
			if [ "$rc" -gt 128 ]; then # no complete line within 1 s
				pending+=$chunk
			else # QEMU's output ended
				eof=1
				line=$pending$chunk
				[ -z "$line" ] || have=1
			fi
		fi
		t=$EPOCHREALTIME
		now_us=$((${t/./}))
		if [ "$have" = 1 ]; then
			line=${line//$'\r'/}
			last_us=$now_us
			rel=$(((now_us - t0_us) / 1000))
			printf '[%4d.%03d] %s\n' $((rel / 1000)) $((rel % 1000)) "$line"
			if [ "${E2E_VERBOSE:-0}" = 1 ]; then
				printf '[%4d.%03d] %s\n' $((rel / 1000)) $((rel % 1000)) "$line" >&2
			fi
			case $line in
			*"Xen version"*) [ "$xen_t" != - ] || xen_t=$rel ;;
			"ltt-e2e: /init reached"*) init_t=$rel ;;
			"ltt-e2e: scenario "*" finished "*) end_t=$rel ;;
			"ltt-e2e: speed factor "*)
				f=${line#ltt-e2e: speed factor }
				f=${f%% *}
				if [[ $f =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
					speed=$(awk -v a="$speed" -v b="$f" -v m="$max_slowdown" \
						'BEGIN { if (b > a) a = b; if (a > m) a = m; print a }')
					limit_us=$(awk -v l="$limit" -v f="$speed" 'BEGIN { printf "%.0f", l * f * 1e6 }')
					e2e_log "dom0's speed factor $speed: QEMU's limit is $((limit_us / 1000000)) s"
				fi
				;;
			esac
		fi
		if [ "$killed" = - ] && [ "$eof" = 0 ]; then
			if [ $((now_us - t0_us)) -gt "$limit_us" ]; then
				killed=limit
			elif [ $((now_us - last_us)) -gt "$stall_us" ]; then
				killed=stall
			fi
			if [ "$killed" != - ]; then
				echo "$killed $(((now_us - t0_us) / 1000000)) $((limit_us / 1000000)) $((stall_us / 1000000))" >"$console.killed"
				kill -TERM "$qemu_pid" 2>/dev/null || true
				(
					sleep 10
					kill -KILL "$qemu_pid" 2>/dev/null || true
				) </dev/null >/dev/null 2>&1 &
			fi
		fi
		if [ -n "$hostload" ] && [ "$now_us" -ge "$next_sample_us" ]; then
			host_sample >>"$hostload"
			next_sample_us=$((now_us + 2000000))
		fi
	done
	printf '%s %s %s %s\n' "$xen_t" "$init_t" "$end_t" "$speed" >"$console.marks"
}

e2e_log "booting $(basename "$xen") + $(basename "$kernel") (limit $limit s x the speed factor dom0 measures, a hang after $stall_s s of console silence), console: $console"
fifo=$(mktemp -u "${TMPDIR:-/tmp}/ltt-e2e-console.XXXXXX")
mkfifo "$fifo"
rm -f "$console.killed" "$console.marks"
[ -z "$hostload" ] || printf 'seconds\tload1\tothers_cores\tqemu_cores\n' >"$hostload"
t0=$EPOCHREALTIME
t0_us=$((${t0/./}))
"${qemu[@]}" </dev/null >"$fifo" 2>&1 &
qemu_pid=$!
set +e
watch <"$fifo" >"$console"
wait "$qemu_pid"
qemu_rc=$?
set -e
rm -f "$fifo"
t1=$EPOCHREALTIME
total_ms=$(((${t1/./} - ${t0/./}) / 1000))

read -r xen_ms init_ms end_ms speed <"$console.marks" || true
rm -f "$console.marks"
killed=-
[ ! -f "$console.killed" ] || read -r killed killed_at killed_limit killed_stall <"$console.killed"
rm -f "$console.killed"
ms() { if [ "${1:--}" = - ]; then echo null; else awk -v v="$1" 'BEGIN { printf "%.3f", v / 1000 }'; fi; }
if [ -n "$timings" ]; then
	killed_json=null
	[ "$killed" = - ] || killed_json="\"$killed\""
	load_json=null
	if [ -n "$hostload" ]; then
		load_json=$(awk -F'\t' 'NR > 1 { n++; l += $2; o += $3; q += $4; if ($2 > ml) ml = $2; if ($3 > mo) mo = $3 }
			END { if (n) printf "{\"samples\": %d, \"load1_mean\": %.2f, \"load1_max\": %.2f, \"others_cores_mean\": %.2f, \"others_cores_max\": %.2f, \"qemu_cores_mean\": %.2f}", n, l / n, ml, o / n, mo, q / n; else printf "null" }' "$hostload")
	fi
	printf '{"qemu_s": %s, "xen_banner_s": %s, "dom0_init_s": %s, "scenario_end_s": %s, "qemu_status": %s, "limit_s": %s, "speed_factor": %s, "killed": %s, "host_load": %s}\n' \
		"$(ms "$total_ms")" "$(ms "$xen_ms")" "$(ms "$init_ms")" "$(ms "$end_ms")" "$qemu_rc" \
		"$limit" "${speed:-1}" "$killed_json" "$load_json" >"$timings"
fi

tail_console() {
	echo "---- last 40 lines of $console ----" >&2
	tail -n 40 "$console" >&2
	echo "----" >&2
}
if [ "$killed" = limit ]; then
	e2e_log "TIMEOUT: QEMU still running after $killed_at s, its limit $killed_limit s ($limit s x speed factor ${speed:-1}), killed (dom0 /init: $(ms "$init_ms") s)"
	tail_console
	exit 124
fi
if [ "$killed" = stall ]; then
	e2e_log "HUNG: the console was silent for $killed_stall s (E2E_STALL_S), QEMU killed after $killed_at s (dom0 /init: $(ms "$init_ms") s)"
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
