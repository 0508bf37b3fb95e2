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
# install: man pages from --help (help2man), bash completion (its test),
# make deb (debhelper, dkms for the guest module's package, lintian)
install="help2man bash-completion man-db debhelper dh-dkms dkms lintian fakeroot"
# ftrace: ltt-view reads trace-cmd .dat files with libtracecmd (its .pc file
# needs libtraceevent's and libtracefs's); its tests record with trace-cmd
ftrace="libtracecmd-dev libtraceevent-dev libtracefs-dev trace-cmd"
# LTTng and babeltrace2: user-space tracing, the reference reader, comparisons
lttng="liblttng-ust-dev lttng-tools babeltrace2 libbabeltrace2-dev"
# Xen user-space libraries (xencall, xenforeignmemory, xenevtchn, xenctrl) and tools
# (xenstore-utils: the e2e domU scenario reads a guest's xenstore tree)
xen="libxen-dev xen-utils-4.17 xenstore-utils"
# guest kernel module builds against Debian's kernel headers
kernel="linux-headers-amd64 kmod"
# QEMU end-to-end: emulator, dom0 initramfs, Xen hypervisor build deps
e2e="qemu-system-x86 busybox-static cpio flex bison python3 dpkg-dev bc xz-utils
	gzip file procps util-linux coreutils checkpolicy"

# the HTML report's browser test: Debian's chromium, driven by playwright-core
# (npm, test/browser/package.json); node and npm from Debian unless the
# machine has them already (a newer node from elsewhere is fine)
browser="chromium"
command -v npm >/dev/null 2>&1 || browser="$browser nodejs npm"

all="$build $install $ftrace $lttng $xen $kernel $e2e $browser"
root=$(cd "$(dirname "$0")/.." && pwd)

# playwright-core, exactly as test/browser/package-lock.json pins it; it
# downloads no browser (the test points it at /usr/bin/chromium).
npm_ci() {
	(cd "$root/test/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
}

if [ "${1:-}" = "--if-missing" ]; then
	# One dpkg-query for all (one per package takes seconds on a busy host).
	# shellcheck disable=SC2086
	installed=$(dpkg-query -W -f='${Status}\n' $all 2>/dev/null | grep -c "install ok installed" || true)
	if [ "$installed" = "$(echo "$all" | wc -w)" ] &&
		grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/; then
		[ -f "$root/test/browser/node_modules/playwright-core/package.json" ] || npm_ci
		exit 0
	fi
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

npm_ci
