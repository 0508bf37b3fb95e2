#!/usr/bin/env bash
# Fetches and prepares the e2e inputs, cached under work-xen/e2e/ (never
# installed into the machine's /boot):
#   - the dom0 kernel: Debian's linux-image for the installed linux-headers-amd64
#     (or the candidate linux-image-amd64), its bzImage's xz payload
#     decompressed to an ELF vmlinux (boots 2.4 s faster under TCG);
#   - the dom0 modules the harness loads, with their dependencies, in load order;
#   - the packaged hypervisor xen-hypervisor-4.17-amd64, the same version as the
#     installed xen-utils-4.17 (tools and hypervisor must agree), gunzipped to
#     the 32-bit multiboot ELF that QEMU's -kernel loads.
# Writes work-xen/e2e/inputs.env (shell variables naming the results).
# Idempotent: a second run only checks that the cached files are there.
#
#   test/e2e/fetch.sh
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Modules dom0 needs: Xen device files (privcmd for hypercalls, evtchn, gntdev,
# gntalloc, xenfs for /proc/xen) and the virtio 9p share with the host.
E2E_MODULES="xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc virtio_pci 9pnet_virtio 9p"

start=$(e2e_now)
mkdir -p "$E2E_CACHE/debs"
debs=$E2E_CACHE/debs

# pkg_version PACKAGE: installed version, else apt's candidate.
pkg_version() {
	local v
	v=$(dpkg-query -W -f '${db:Status-Status} ${Version}' "$1" 2>/dev/null || true)
	case $v in
	installed\ *) printf '%s\n' "${v#installed }" ;;
	*) apt-cache policy "$1" | awk '$1 == "Candidate:" { print $2 }' ;;
	esac
}

# download PACKAGE VERSION: the .deb path in the cache (downloads it once).
download() {
	local pkg=$1 ver=$2 pattern deb
	pattern="${pkg}_${ver//:/%3a}_*.deb"
	deb=$(find "$debs" -maxdepth 1 -name "$pattern" -print -quit)
	if [ -z "$deb" ]; then
		e2e_log "downloading $pkg=$ver"
		(cd "$debs" && apt-get download -q "$pkg=$ver") >&2 ||
			e2e_die "apt-get download $pkg=$ver failed (run apt-get update?)"
		deb=$(find "$debs" -maxdepth 1 -name "$pattern" -print -quit)
		[ -n "$deb" ] || e2e_die "apt-get download $pkg=$ver left no $pattern"
	fi
	printf '%s\n' "$deb"
}

# ---- dom0 kernel ------------------------------------------------------------
meta_ver=$(pkg_version linux-headers-amd64)
[ -n "$meta_ver" ] || meta_ver=$(pkg_version linux-image-amd64)
[ -n "$meta_ver" ] || e2e_die "no linux-image-amd64 candidate: run apt-get update"
kernel_pkg() {
	apt-cache depends "linux-image-amd64=$1" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-6/ { print $2; exit }'
}
kpkg=$(kernel_pkg "$meta_ver")
if [ -z "$kpkg" ]; then
	# The installed headers' version is gone from the archive's index.
	cand=$(pkg_version linux-image-amd64)
	e2e_log "warning: linux-image-amd64=$meta_ver not in apt's lists; using $cand" \
		"(a module built against the installed linux-headers-amd64 will not load)"
	meta_ver=$cand
	kpkg=$(kernel_pkg "$meta_ver")
fi
[ -n "$kpkg" ] || e2e_die "cannot resolve linux-image-amd64=$meta_ver to a kernel package (apt-get update?)"
kver=${kpkg#linux-image-}
kver=${kver%-unsigned}
kdir=$E2E_CACHE/kernel-$kver

# extract_vmlinux BZIMAGE: the ELF inside Debian's xz-compressed bzImage, on
# stdout (what the kernel's scripts/extract-vmlinux does for xz).
extract_vmlinux() {
	local img=$1 off
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$img" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || e2e_die "$img: no xz payload"
	# xz stops at the end of the stream and complains about the trailing
	# bytes of the bzImage; the ELF check below catches a real failure.
	tail -c +"$((off + 1))" "$img" | xz -dc 2>/dev/null || true
}

if [ ! -f "$kdir/done" ]; then
	e2e_log "preparing dom0 kernel $kver ($kpkg $meta_ver)"
	deb=$(download "$kpkg" "$meta_ver")
	rm -rf "$kdir"
	mkdir -p "$kdir"
	tmp=$kdir/pkg
	dpkg-deb -x "$deb" "$tmp"
	extract_vmlinux "$tmp/boot/vmlinuz-$kver" >"$kdir/vmlinux"
	[ "$(head -c 4 "$kdir/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] ||
		e2e_die "$kdir/vmlinux: the bzImage's payload is not an ELF file"
	cp "$tmp/boot/config-$kver" "$kdir/config"

	# Resolve the modules and their dependencies in load order.
	depmod -b "$tmp" "$kver"
	mkdir -p "$kdir/modules"
	: >"$kdir/modules/load-order"
	for m in $E2E_MODULES; do
		modprobe -d "$tmp" -S "$kver" --show-depends "$m" ||
			e2e_die "module $m not found in $kpkg"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r ko; do
		name=$(basename "$ko")
		case $name in
		*.ko.xz) xz -dc "$ko" >"$kdir/modules/${name%.xz}" && name=${name%.xz} ;;
		*.ko.zst) zstd -qdc "$ko" >"$kdir/modules/${name%.zst}" && name=${name%.zst} ;;
		*.ko.gz) gzip -dc "$ko" >"$kdir/modules/${name%.gz}" && name=${name%.gz} ;;
		*) cp "$ko" "$kdir/modules/$name" ;;
		esac
		echo "$name" >>"$kdir/modules/load-order"
	done
	[ -s "$kdir/modules/load-order" ] || e2e_die "no module to load (all built in?)"
	rm -rf "$tmp"
	echo "$kpkg $meta_ver" >"$kdir/done"
fi

# The compressed bzImage too, for domUs (scenarios/domU): xl loads a guest
# kernel at TCG speed, the 66 MB vmlinux took minutes where the 8 MB bzImage
# (decompressed by libxenguest) takes seconds. Kept apart from "done" so that
# an existing cache gets it without preparing the kernel again.
if [ ! -f "$kdir/vmlinuz" ]; then
	deb=$(download "$kpkg" "$meta_ver")
	dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./boot/vmlinuz-$kver" >"$kdir/vmlinuz.tmp" ||
		e2e_die "$deb: no ./boot/vmlinuz-$kver"
	mv -f "$kdir/vmlinuz.tmp" "$kdir/vmlinuz"
fi

# ---- stock hypervisor -------------------------------------------------------
xver=$(pkg_version xen-utils-4.17)
[ -n "$xver" ] || xver=$(pkg_version xen-hypervisor-4.17-amd64)
[ -n "$xver" ] || e2e_die "no xen-hypervisor-4.17-amd64 candidate: run apt-get update"
xdir=$E2E_CACHE/xen-stock-$xver
if [ ! -f "$xdir/done" ]; then
	e2e_log "preparing stock Xen $xver"
	deb=$(download xen-hypervisor-4.17-amd64 "$xver")
	rm -rf "$xdir"
	mkdir -p "$xdir"
	dpkg-deb -x "$deb" "$xdir/pkg"
	gzip -dc "$xdir/pkg/boot/xen-4.17-amd64.gz" >"$xdir/xen"
	cp "$xdir/pkg/boot/xen-4.17-amd64.config" "$xdir/config"
	rm -rf "$xdir/pkg"
	echo "xen-hypervisor-4.17-amd64 $xver" >"$xdir/done"
fi

if [ ! -d /usr/lib/xen-4.17/bin ]; then
	e2e_die "xen-utils-4.17 is not installed (make deps)"
fi

cat >"$E2E_CACHE/inputs.env.tmp" <<ENV
# Written by test/e2e/fetch.sh; paths relative to the repository root.
E2E_KVER=$kver
E2E_KPKG='$kpkg $meta_ver'
E2E_VMLINUX=$kdir/vmlinux
E2E_VMLINUZ=$kdir/vmlinuz
E2E_MODULES_DIR=$kdir/modules
E2E_XEN_STOCK=$xdir/xen
E2E_XEN_STOCK_VERSION=$xver
ENV
mv -f "$E2E_CACHE/inputs.env.tmp" "$E2E_CACHE/inputs.env"
e2e_log "inputs ready in $(e2e_since "$start") s: kernel $kver, stock Xen $xver"
