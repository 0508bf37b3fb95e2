#!/bin/sh
# Builds ltt-guest.ko out of tree against the headers of the kernel the e2e
# dom0 boots (`make guest-module`).
#
#   build.sh GENERATED_KERNEL_DIR OUT_DIR
#
# The kernel: $LTT_KERNEL_VERSION, else E2E_KVER of work-xen/e2e/inputs.env
# (test/e2e/fetch.sh: the dom0 kernel), else the newest installed
# /usr/src/linux-headers-*-amd64. Its headers must be installed
# (linux-headers-VERSION, `make deps`), and the module's vermagic must equal
# the dom0 kernel's own modules' when those were fetched: any mismatch is an
# error, since a module that does not match its kernel is refused at load
# (or worse, loads and misreads its structures).
# The module's sources are linked into OUT_DIR (Kbuild builds where its
# sources are); include/ltt/ and the generated headers come by -I.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
generated=$(cd "$1" && pwd)
out=$2

die() {
	echo "guest-module: $*" >&2
	exit 1
}

kver=${LTT_KERNEL_VERSION:-}
inputs=$root/work-xen/e2e/inputs.env
if [ -z "$kver" ] && [ -f "$inputs" ]; then
	kver=$(sed -n "s/^E2E_KVER=//p" "$inputs")
fi
if [ -z "$kver" ]; then
	kver=$(for d in /usr/src/linux-headers-*-amd64; do
		[ -f "$d/Makefile" ] && basename "$d" | sed 's/^linux-headers-//'
	done | sort -V | tail -n 1)
fi
[ -n "$kver" ] || die "no kernel headers installed (apt-get install linux-headers-amd64, or make deps)"
hdr=/usr/src/linux-headers-$kver
[ -f "$hdr/Makefile" ] ||
	die "no headers for kernel $kver in $hdr: apt-get install linux-headers-$kver (the e2e dom0 kernel must match the headers: make deps, then test/e2e/fetch.sh)"
release=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$hdr/include/generated/utsrelease.h" 2>/dev/null || true)
[ "$release" = "$kver" ] ||
	die "header mismatch: $hdr is for kernel '$release', not '$kver'"

mkdir -p "$out"
out=$(cd "$out" && pwd)
for f in "$here"/*.c "$here"/*.h "$here"/Kbuild; do
	ln -sf "$f" "$out/$(basename "$f")"
done
mkdir -p "$out/uapi"
ln -sf "$here/uapi/ltt-guest.h" "$out/uapi/ltt-guest.h"

log=$out/build.log
if ! make -C "$hdr" M="$out" W=1 KCFLAGS=-Werror \
	LTT_INCLUDE_DIR="$root/include" LTT_GENERATED_DIR="$generated" \
	modules >"$log" 2>&1; then
	cat "$log"
	die "the module did not build against $hdr"
fi
cat "$log"
if grep -q "undefined!" "$log"; then
	die "unresolved symbols (see above): the module would not load"
fi
ko=$out/ltt-guest.ko
[ -f "$ko" ] || die "no $ko"

vermagic=$(modinfo -F vermagic "$ko")
case "$vermagic" in
"$kver "*) ;;
*) die "header mismatch: $ko has vermagic '$vermagic', not for $kver" ;;
esac
ref=$(ls "$root"/work-xen/e2e/kernel-"$kver"/modules/*.ko 2>/dev/null | head -n 1 || true)
if [ -n "$ref" ]; then
	refmagic=$(modinfo -F vermagic "$ref")
	[ "$refmagic" = "$vermagic" ] ||
		die "header mismatch: the dom0 kernel's modules have vermagic '$refmagic', ltt-guest.ko '$vermagic'"
fi
echo "guest-module: $ko ($vermagic)"
