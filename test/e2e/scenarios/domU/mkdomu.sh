#!/usr/bin/env bash
# Builds on the host what the domU scenario's PV guest boots (run by its
# PREPARE, after `make guest-module`, from the repository root):
#   build/e2e-domU/vmlinuz          Debian's compressed kernel image, the one
#                                   dom0 boots (fetch.sh's E2E_VMLINUZ): PV
#                                   loading takes a bzImage, and xl loads it
#                                   in seconds where the 66 MB vmlinux took
#                                   minutes under TCG
#   build/e2e-domU/initrd.cpio.gz   busybox-static, domU-init.sh as /init,
#                                   build/ltt-guest/ltt-guest.ko, and
#                                   /bin/ltt-e2e-guest-exits (static; the
#                                   pvh scenario's exits, domu_exits=)
# dom0's initramfs gets the directory as /root/domU (scenario.conf FILES).
set -euo pipefail
here=$(dirname "$0")
# shellcheck source=test/e2e/lib.sh
. test/e2e/lib.sh
test/e2e/fetch.sh >/dev/null
# shellcheck source=/dev/null
. "$E2E_CACHE/inputs.env"
out=build/e2e-domU
ko=build/ltt-guest/ltt-guest.ko
[ -f "$ko" ] || e2e_die "$ko missing: make guest-module"
[ -f "${E2E_VMLINUZ:-}" ] || e2e_die "no compressed kernel image (E2E_VMLINUZ) in $E2E_CACHE/inputs.env: test/e2e/fetch.sh"
# The module must be built for the kernel the domU boots.
kver=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
[ "$kver" = "$E2E_KVER" ] || e2e_die "$ko is built for $kver, the domU boots $E2E_KVER"
deps=$(modinfo -F depends "$ko")
[ -z "$deps" ] || e2e_die "$ko depends on modules ($deps) the domU initramfs does not carry"

mkdir -p "$out"
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage"/{bin,proc,sys,dev,tmp}
cp /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cp "$here/domU-init.sh" "$stage/init"
chmod 755 "$stage/init"
cp "$ko" "$stage/ltt-guest.ko"
cc -O2 -Wall -Wextra -Werror -static -o "$stage/bin/ltt-e2e-guest-exits" test/e2e/workload/guest_exits.c
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n -9 >"$out/initrd.cpio.gz.tmp"
mv -f "$out/initrd.cpio.gz.tmp" "$out/initrd.cpio.gz"
rm -rf "$stage"
cp "$E2E_VMLINUZ" "$out/vmlinuz"
e2e_log "domU: $out/vmlinuz ($(du -k "$out/vmlinuz" | cut -f1) KiB, $E2E_KVER), $out/initrd.cpio.gz ($(du -k "$out/initrd.cpio.gz" | cut -f1) KiB)"
