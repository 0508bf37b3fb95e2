#!/bin/sh
# Builds test/genevent-compile/kmod (a module calling every generated kernel
# tracepoint) out of tree against Debian's linux-headers, with W=1 and
# -Werror, in a copy under the build directory (never in the source tree).
#
#   kmod.sh KMOD_SRC_DIR CALLS.c WORK_DIR LTT_INCLUDE_DIR LTT_ENV_DIR GENERATED_DIR
#
# The headers: $LTT_KERNEL_HEADERS if set, else the newest
# /usr/src/linux-headers-*-amd64 (not necessarily the running kernel's).
# Exits 77 (CTest: skipped) when no kernel headers are installed.
set -eu
src=$1
calls=$2
work=$3
ltt_include=$4
ltt_env=$5
generated=$6

hdr=${LTT_KERNEL_HEADERS:-}
if [ -z "$hdr" ]; then
	hdr=$(for dir in /usr/src/linux-headers-*-amd64; do
		if [ -f "$dir/Makefile" ]; then echo "$dir"; fi
	done | sort -V | tail -n 1)
fi
if [ -z "$hdr" ] || [ ! -f "$hdr/Makefile" ]; then
	echo "SKIPPED: no kernel headers (apt-get install linux-headers-amd64)"
	exit 77
fi
echo "kernel headers: $hdr"

rm -rf "$work"
mkdir -p "$work"
cp "$src/Kbuild" "$src/main.c" "$work/"
cp "$calls" "$work/calls.c"

log="$work/build.log"
if ! make -C "$hdr" M="$work" W=1 KCFLAGS=-Werror \
	LTT_INCLUDE_DIR="$ltt_include" LTT_ENV_DIR="$ltt_env" \
	LTT_GENERATED_DIR="$generated" modules >"$log" 2>&1; then
	cat "$log"
	echo "FAILED: module build"
	exit 1
fi
cat "$log"
# Everything the tracepoints call must be in the module (ring.h is
# header-only): an undefined symbol here would only show at insmod time.
if grep -q "undefined!" "$log"; then
	echo "FAILED: unresolved symbols"
	exit 1
fi
test -f "$work/ltt_genevent_check.ko"
echo "OK: $work/ltt_genevent_check.ko"
