#!/bin/sh
# make deb: builds ltt-xen's Debian packages (debian/) with
# `dpkg-buildpackage -b -us -uc` in a copy of the tracked source tree (the
# packages are built from what is in git, and dpkg-buildpackage writes its
# results next to the tree), then runs lintian on them.
#
#   make-deb.sh OUT_DIR     -> OUT_DIR/*.deb, *.buildinfo, *.changes, lintian.txt
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
version=$(sed -n '1s/^ltt-xen (\([^)]*\)).*/\1/p' "$root/debian/changelog")
work=$out/build
src=$work/ltt-xen-$version
rm -rf "$work"
mkdir -p "$src"
# The tracked files as they are in the work tree (uncommitted edits included).
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src")
(cd "$src" && dpkg-buildpackage -b -us -uc -j"$(nproc)") >"$out/dpkg-buildpackage.log" 2>&1 || {
	tail -40 "$out/dpkg-buildpackage.log"
	echo "make deb: dpkg-buildpackage failed (log: $out/dpkg-buildpackage.log)" >&2
	exit 1
}
rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out/"
rm -rf "$work"
# lintian: errors fail the build; warnings are printed.
status=0
lintian --fail-on error "$out"/*.changes >"$out/lintian.txt" 2>&1 || status=$?
cat "$out/lintian.txt"
for deb in "$out"/*.deb; do
	echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"
done
[ "$status" = 0 ] || { echo "make deb: lintian reports errors" >&2; exit 1; }

# The packaged unit, run from the unpacked package: systemd accepts it.
if command -v systemd-analyze >/dev/null; then
	tree=$(mktemp -d)
	trap 'rm -rf "$tree"' EXIT
	dpkg-deb -x "$out"/ltt-xen_"$version"_*.deb "$tree"
	sed -e "s|=/usr/|=$tree/usr/|" -e "s| /etc/| $tree/etc/|" \
		"$tree/lib/systemd/system/lttd.service" >"$tree/lttd.service"
	SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$tree/lttd.service"
	echo "lttd.service: systemd-analyze verify accepts it"
fi
