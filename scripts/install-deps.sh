#!/bin/sh
# Installs every Debian package that building, testing, benchmarking and the QEMU
# end-to-end runs of ltt-xen need, on Debian 12 (bookworm). Safe to run twice.
# Also adds the bookworm deb-src entry that `apt-get source xen` needs.
# With --if-missing it does nothing when every package is already there
# (so `make check` and `make demo` can call it on every run).
set -eu

# build: C++ toolchain, libraries genevent/libltt/lttd/viewer link against
build="build-essential cmake ninja-build pkg-config git clang clang-format
	libclang-rt-14-dev libxml2-dev libxml2-utils nlohmann-json3-dev libcli11-dev
	libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev"
# LTTng and babeltrace2: user-space tracing, the reference reader, comparisons
lttng="liblttng-ust-dev lttng-tools babeltrace2 libbabeltrace2-dev"
# Xen user-space libraries (xencall, xenforeignmemory, xenevtchn, xenctrl) and tools
xen="libxen-dev xen-utils-4.17"
# guest kernel module builds against Debian's kernel headers
kernel="linux-headers-amd64 kmod"
# QEMU end-to-end: emulator, dom0 initramfs, Xen hypervisor build deps
e2e="qemu-system-x86 busybox-static cpio flex bison python3 dpkg-dev bc xz-utils
	gzip file procps util-linux coreutils checkpolicy"

all="$build $lttng $xen $kernel $e2e"

if [ "${1:-}" = "--if-missing" ]; then
	# One dpkg-query for all (one per package takes seconds on a busy host).
	# shellcheck disable=SC2086
	installed=$(dpkg-query -W -f='${Status}\n' $all 2>/dev/null | grep -c "install ok installed" || true)
	[ "$installed" = "$(echo "$all" | wc -w)" ] && grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: must run as root (apt-get install)" >&2
	exit 1
fi

src=/etc/apt/sources.list.d/ltt-xen-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
	! grep -qs '^deb-src .*bookworm' /etc/apt/sources.list; then
	cat >"$src" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q

# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $all
