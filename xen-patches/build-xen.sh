#!/bin/sh
# Builds the ltt-xen hypervisor: Debian bookworm's Xen source (pinned
# version) + xen-patches/series + xen-patches/overlay/ + include/ltt/ +
# genevent's Xen headers, configured with Debian's own hypervisor config.
#
#   sh xen-patches/build-xen.sh GENERATED_XEN_DIR
#
# Run from the repository root (`make xen` does). Everything it writes is
# under work-xen/ (not in git):
#
#   work-xen/src/        `apt-get source xen` (pristine, never modified)
#   work-xen/debs/       the packaged hypervisor (.deb)
#   work-xen/hv-pkg/     ...extracted: boot/xen-4.17-amd64.config, .gz
#   work-xen/stage/      pristine copies of the patched files + series +
#                        overlay + headers, rebuilt on every run
#   work-xen/xen-ltt/    the build tree; only files whose content changed
#                        are rewritten, so rebuilds are incremental
#   work-xen/include/    the patched public headers as <xen/...>, for tools
#   work-xen/bin/        ltt-xenctl, the dom0 test client
#
# Environment:
#   XEN_JOBS       parallel jobs (default: nproc)
#   XEN_LTT_TRACE  both (default) | ltt | xentrace: what the existing
#                  xentrace call sites feed (xentrace = CONFIG_LTT off)
set -eu

XEN_VERSION=4.17.5+72-g01140da4e8
XEN_DEB_VERSION=$XEN_VERSION-1
HV_PKG=xen-hypervisor-4.17-amd64

GEN=${1:?usage: build-xen.sh GENERATED_XEN_DIR}
JOBS=${XEN_JOBS:-$(nproc)}
TRACE=${XEN_LTT_TRACE:-both}

top=$(pwd)
patches=$top/xen-patches
work=$top/work-xen
src=$work/src/xen-$XEN_VERSION
tree=$work/xen-ltt
stage=$work/stage

die() {
	echo "build-xen: $*" >&2
	exit 1
}

[ -f "$patches/series" ] || die "run from the repository root"
[ -f "$GEN/ltt-facilities.h" ] || die "$GEN/ltt-facilities.h missing (genevent --target xen)"
case $TRACE in
both | ltt | xentrace) ;;
*) die "XEN_LTT_TRACE must be both, ltt or xentrace (not '$TRACE')" ;;
esac
for tool in apt-get dpkg-deb dpkg-parsechangelog patch flex bison gcc python3 cmp; do
	command -v $tool >/dev/null 2>&1 || die "$tool not found: run 'make deps'"
done

mkdir -p "$work/src" "$work/debs"

# One build at a time in work-xen/ (make e2e may run `make xen` too).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$work/.build-xen.lock"
	flock 9
fi

# 1. The Xen source, exactly the pinned version.
if [ ! -f "$src/debian/changelog" ]; then
	echo "build-xen: apt-get source xen=$XEN_DEB_VERSION"
	(cd "$work/src" && apt-get source -q "xen=$XEN_DEB_VERSION") ||
		die "apt-get source xen=$XEN_DEB_VERSION failed: is the bookworm deb-src entry there ('make deps' adds it) and does bookworm still carry $XEN_DEB_VERSION?"
fi
[ -f "$src/debian/changelog" ] ||
	die "apt-get source did not produce $src: the series is pinned to Xen $XEN_VERSION"
have=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
[ "$have" = "$XEN_DEB_VERSION" ] ||
	die "work-xen/src holds Xen $have, the series is for $XEN_DEB_VERSION only"

# 2. Debian's hypervisor package, for its config (and for comparison runs).
deb=$work/debs/${HV_PKG}_${XEN_DEB_VERSION}_amd64.deb
config=$work/hv-pkg/boot/xen-4.17-amd64.config
if [ ! -f "$deb" ]; then
	(cd "$work/debs" && apt-get download -q "$HV_PKG=$XEN_DEB_VERSION") ||
		die "apt-get download $HV_PKG=$XEN_DEB_VERSION failed"
fi
if [ ! -f "$config" ]; then
	rm -rf "$work/hv-pkg"
	dpkg-deb -x "$deb" "$work/hv-pkg"
fi
[ -f "$config" ] || die "$deb has no boot/xen-4.17-amd64.config"

# 3. The build tree: a copy of the pristine source, made once.
if [ ! -f "$tree/.ltt-xen-version" ] || [ "$(cat "$tree/.ltt-xen-version")" != "$XEN_VERSION" ]; then
	echo "build-xen: new build tree $tree"
	rm -rf "$tree" "$work/manifest"
	cp -a "$src" "$tree.tmp"
	mv "$tree.tmp" "$tree"
	echo "$XEN_VERSION" >"$tree/.ltt-xen-version"
fi

# 4. Stage every file the series, the overlay and the headers produce.
rm -rf "$stage"
mkdir -p "$stage"
series=$(grep -v '^[[:space:]]*\(#\|$\)' "$patches/series" || true)
for p in $series; do
	[ -f "$patches/$p" ] || die "series names $p, which is not in xen-patches/"
	sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "$patches/$p"
done | sort -u >"$work/patched-files"
while read -r f; do
	[ -f "$src/$f" ] || die "a patch creates $f: new files belong in xen-patches/overlay/"
	mkdir -p "$stage/$(dirname "$f")"
	cp "$src/$f" "$stage/$f"
done <"$work/patched-files"
for p in $series; do
	patch -p1 -s -F0 -N -d "$stage" --no-backup-if-mismatch -i "$patches/$p" ||
		die "$p does not apply to Xen $XEN_VERSION"
done
cp -R "$patches/overlay/." "$stage/"
mkdir -p "$stage/xen/include/ltt" "$stage/xen/include/ltt-gen"
cp "$top"/include/ltt/*.h "$stage/xen/include/ltt/"
cp "$GEN"/*.h "$stage/xen/include/ltt-gen/"

# 5. Bring the tree up to date: rewrite only files whose content differs
#    (fresh mtime, so make rebuilds what depends on them); files staged last
#    time but not now go back to pristine, or away if they are not Xen's.
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) >"$work/manifest.new"
touch "$work/manifest"
sort -u "$work/manifest" "$work/manifest.new" | while read -r f; do
	if [ -f "$stage/$f" ]; then
		want=$stage/$f
	elif [ -f "$src/$f" ]; then
		want=$src/$f
	else
		rm -f "$tree/$f"
		continue
	fi
	if ! cmp -s "$want" "$tree/$f"; then
		mkdir -p "$(dirname "$tree/$f")"
		cp "$want" "$tree/$f"
		echo "  updated $f"
	fi
done
mv "$work/manifest.new" "$work/manifest"

# 6. Configure: Debian's config + the trace backend choice.
case $TRACE in
both) want_cfg="CONFIG_LTT=y CONFIG_LTT_TRACE_BOTH=y" ;;
ltt) want_cfg="CONFIG_LTT=y CONFIG_LTT_TRACE_LTT_ONLY=y" ;;
xentrace) want_cfg="" ;;
esac
stamp="$(cksum <"$config") $TRACE"
if [ ! -f "$tree/xen/.config" ] || [ "$(cat "$tree/.ltt-config" 2>/dev/null)" != "$stamp" ]; then
	grep -v '^CONFIG_LTT\|^# CONFIG_LTT' "$config" >"$tree/xen/.config"
	if [ -z "$want_cfg" ]; then
		echo "# CONFIG_LTT is not set" >>"$tree/xen/.config"
	else
		for c in $want_cfg; do echo "$c" >>"$tree/xen/.config"; done
	fi
	make -s -C "$tree/xen" olddefconfig
	echo "$stamp" >"$tree/.ltt-config"
fi
for c in $want_cfg; do
	grep -qx "$c" "$tree/xen/.config" || die "$c did not stick in xen/.config"
done

# 7. Build.
make -C "$tree/xen" -j"$JOBS"

# 8. The public headers as tools see them (<xen/sysctl.h>), and the dom0
#    test client built against them.
mkdir -p "$work/include" "$work/bin"
rm -rf "$work/include/xen"
cp -R "$tree/xen/include/public" "$work/include/xen"
if [ -f /usr/include/xencall.h ] && [ -f /usr/include/xenforeignmemory.h ] &&
	[ -f /usr/include/xenevtchn.h ]; then
	gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ \
		-I"$work/include" -I"$top/include" -I"$top/libltt/env" \
		-o "$work/bin/ltt-xenctl" "$patches/tools/ltt-xenctl.c" \
		-lxencall -lxenforeignmemory -lxenevtchn
	# lttd mirrors the sysctl ABI (it builds against unpatched headers):
	# the mirror must match this header exactly.
	g++ -std=gnu++20 -fsyntax-only -Wall -Wextra -Werror -D__XEN_TOOLS__ \
		-I"$work/include" -I"$top/ltt-daemon/src" "$patches/tools/abi_check.cpp" ||
		die "ltt-daemon/src/xen/sysctl_abi.hpp differs from the patched public header"
	echo "build-xen: lttd's sysctl ABI mirror matches the patched header"
else
	echo "build-xen: libxen-dev missing: ltt-xenctl not built (make deps)" >&2
fi

echo "build-xen: hypervisor   work-xen/xen-ltt/xen/xen ($TRACE)"
[ -x "$work/bin/ltt-xenctl" ] && echo "build-xen: test client  work-xen/bin/ltt-xenctl"
exit 0
