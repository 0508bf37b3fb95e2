#!/usr/bin/env bash
# Builds the dom0 initramfs of one e2e scenario: two concatenated gzip'd cpio
# archives (the kernel unpacks both, the second over the first).
#
#   base     busybox-static with its applet links, the dom0 modules and their
#            load order, the Xen tools (from the installed xen-utils-4.17) with
#            their shared libraries; cached in work-xen/e2e/, rebuilt only when
#            one of its inputs changes;
#   overlay  the generated /init, test/e2e/guest/{lib,watchdog}.sh, the scenario directory,
#            the workload, and every --bin/--file given, binaries with their
#            ldd closure.
#
#   test/e2e/mkinitramfs.sh -o OUT.cpio.gz -s SCENARIO_DIR [options]
#     -o FILE             the initramfs to write
#     -s DIR              scenario directory (guest.sh and whatever it uses;
#                         copied to /e2e/scenario/)
#     -b SRC[:DEST]       an executable, with its shared libraries
#                         (default DEST: /usr/local/bin/NAME); repeatable
#     -f SRC:DEST         a file or directory, copied as is; repeatable
#     -t SECONDS          guest.sh's time limit on a quiet host (default 120;
#                         /init scales it with the speed factor it measures)
#     -e NAME=VALUE       exported to guest.sh; repeatable
# Needs work-xen/e2e/inputs.env (test/e2e/fetch.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Xen tools copied from /usr/lib/xen-4.17/bin (the real binaries; the ones in
# /usr/sbin are wrapper scripts).
E2E_XEN_TOOLS=${E2E_XEN_TOOLS:-"xentrace xentrace_setsize xenperf xenpm xen-diag lsevtchn xl"}

out=
scenario=
guest_timeout=120
bins=()
files=()
envs=()
while getopts o:s:b:f:t:e: opt; do
	case $opt in
	o) out=$OPTARG ;;
	s) scenario=$OPTARG ;;
	b) bins+=("$OPTARG") ;;
	f) files+=("$OPTARG") ;;
	t) guest_timeout=$OPTARG ;;
	e) envs+=("$OPTARG") ;;
	*) e2e_die "usage: mkinitramfs.sh -o OUT -s SCENARIO_DIR [-b SRC[:DEST]] [-f SRC:DEST] [-t S] [-e N=V]" ;;
	esac
done
if [ -z "$out" ] || [ -z "$scenario" ]; then
	e2e_die "mkinitramfs.sh: -o and -s are required"
fi
[ -f "$scenario/guest.sh" ] || e2e_die "$scenario/guest.sh: no such file"
[ -f "$E2E_CACHE/inputs.env" ] || e2e_die "$E2E_CACHE/inputs.env missing: run test/e2e/fetch.sh"
# shellcheck source=/dev/null
. "$E2E_CACHE/inputs.env"

start=$(e2e_now)

# pack DIR OUT: DIR as a gzip'd newc cpio owned by root, reproducible order.
pack() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -n -6 >"$2.tmp"
	mv -f "$2.tmp" "$2"
}

# put_file SRC DEST STAGE: copy SRC to STAGE/DEST (DEST absolute), keeping mode.
put_file() {
	mkdir -p "$3$(dirname "$2")"
	cp -a --dereference "$1" "$3$2"
}

# put_libs STAGE SKIPLIST FILE...: the ldd closure of FILE..., each library at
# the path the host resolves it to (the initramfs gets the same /lib ->
# usr/lib layout), skipping those listed in SKIPLIST.
put_libs() {
	local stage=$1 skip=$2 lib real
	shift 2
	while read -r lib; do
		real=$(readlink -f "$lib")
		# Libraries live under /usr/lib{,64} in the initramfs; /lib and
		# /lib64 are links to them (merged /usr, as on the host).
		case $real in
		/lib/* | /lib64/*) real=/usr$real ;;
		esac
		if [ -n "$skip" ] && grep -qxF "$real" "$skip"; then
			continue
		fi
		put_file "$lib" "$real" "$stage"
		# The name the program asks for (ldd's path, a soname link on the
		# host), when it differs from the file's own name.
		local want=$lib
		case $want in
		/lib/* | /lib64/*) want=/usr$want ;;
		esac
		if [ "$want" != "$real" ] && [ ! -e "$stage$want" ]; then
			mkdir -p "$stage$(dirname "$want")"
			ln -s "$real" "$stage$want"
		fi
		echo "$real" >>"$stage.libs"
	done < <(e2e_ldd_closure "$@")
}

# ---- base archive (cached) --------------------------------------------------
tools=()
for t in $E2E_XEN_TOOLS; do
	[ -x "/usr/lib/xen-4.17/bin/$t" ] || e2e_die "/usr/lib/xen-4.17/bin/$t missing (xen-utils-4.17)"
	tools+=("/usr/lib/xen-4.17/bin/$t")
done
base_key=$(
	{
		cat "$0" "$E2E_CACHE/inputs.env"
		echo "$E2E_XEN_TOOLS"
		dpkg-query -W busybox-static xen-utils-4.17 libc6
		cat "$E2E_MODULES_DIR/load-order"
	} | sha256sum | cut -c1-16
)
base=$E2E_CACHE/initramfs-base-$base_key.cpio.gz
base_libs=$E2E_CACHE/initramfs-base-$base_key.libs
if [ ! -f "$base" ] || [ ! -f "$base_libs" ]; then
	e2e_log "building base initramfs $base"
	stage=$E2E_CACHE/stage-base
	rm -rf "$stage" "$stage.libs"
	mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64,bin,sbin,etc,proc,sys,dev,tmp,run,mnt/host,root,var/log,var/run}
	ln -s usr/lib "$stage/lib"
	ln -s usr/lib64 "$stage/lib64"
	: >"$stage.libs"

	cp /bin/busybox "$stage/bin/busybox"
	# Every applet as a link to busybox at the path busybox names for it.
	while read -r applet; do
		[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
	done < <(/bin/busybox --list-full)

	mkdir -p "$stage/lib/modules/e2e"
	cp "$E2E_MODULES_DIR"/*.ko "$E2E_MODULES_DIR/load-order" "$stage/lib/modules/e2e/"

	for t in "${tools[@]}"; do
		put_file "$t" "$t" "$stage"
	done
	put_libs "$stage" "" "${tools[@]}"
	echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
	echo "root:x:0:" >"$stage/etc/group"

	sort -u "$stage.libs" >"$base_libs.tmp"
	pack "$stage" "$base"
	mv -f "$base_libs.tmp" "$base_libs"
	rm -rf "$stage" "$stage.libs"
	# Keep only the current base archive.
	find "$E2E_CACHE" -maxdepth 1 -name 'initramfs-base-*' ! -name "initramfs-base-$base_key.*" -delete
fi

# ---- overlay archive (per scenario) -----------------------------------------
stage=$out.stage
rm -rf "$stage" "$stage.libs"
mkdir -p "$stage/e2e/scenario"
: >"$stage.libs"
cp -a "$scenario"/. "$stage/e2e/scenario/"
cp "$E2E_DIR_GUEST/lib.sh" "$E2E_DIR_GUEST/watchdog.sh" "$E2E_DIR_GUEST/xl_toolstack.sh" "$stage/e2e/"
scenario_name=$(basename "$(cd "$scenario" && pwd)")

for spec in "${bins[@]}"; do
	src=${spec%%:*}
	dest=${spec#*:}
	[ "$dest" != "$spec" ] || dest=/usr/local/bin/$(basename "$src")
	[ -x "$src" ] || e2e_die "binary $src missing or not executable"
	put_file "$src" "$dest" "$stage"
	# Without debug information (lttd: 25 MB -> 2 MB): the kernel unpacks
	# the initramfs at TCG speed. Symbols stay, for backtraces.
	if [ "$(head -c 4 "$src" | od -An -c | tr -d ' ')" = '177ELF' ]; then
		strip --strip-debug "$stage$dest"
	fi
	put_libs "$stage" "$base_libs" "$src"
done
for spec in "${files[@]}"; do
	src=${spec%%:*}
	dest=${spec#*:}
	[ "$dest" != "$spec" ] || e2e_die "-f $spec: want SRC:DEST"
	[ -e "$src" ] || e2e_die "file $src missing"
	mkdir -p "$stage$(dirname "$dest")"
	cp -a --dereference "$src" "$stage$dest"
done

{
	echo "# Generated by test/e2e/mkinitramfs.sh"
	printf 'E2E_SCENARIO=%q\n' "$scenario_name"
	printf 'E2E_GUEST_TIMEOUT=%q\n' "$guest_timeout"
	printf 'E2E_KVER=%q\n' "$E2E_KVER"
	# How much slower than a quiet host the limits may grow (boot.sh uses
	# the same cap).
	printf 'export E2E_MAX_SLOWDOWN=%q\n' "${E2E_MAX_SLOWDOWN:-40}"
	for kv in "${envs[@]}"; do
		printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"
	done
} >"$stage/e2e/env"

sed -e "s|@SCENARIO@|$scenario_name|g" "$E2E_DIR_GUEST/init.in" >"$stage/init"
chmod 755 "$stage/init"

overlay=$out.overlay
pack "$stage" "$overlay"
cat "$base" "$overlay" >"$out.tmp"
mv -f "$out.tmp" "$out"
rm -rf "$stage" "$stage.libs" "$overlay"
e2e_log "initramfs $out ($(du -k "$out" | cut -f1) KiB) in $(e2e_since "$start") s"
