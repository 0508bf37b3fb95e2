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
#   XEN_LTT_XSM    unset (default: Debian's config, no XSM) | flask: the
#                  same hypervisor with CONFIG_XSM + Flask (Flask the default
#                  XSM, Xen's default policy built in), in its own trees
#                  work-xen/stage-flask/ and work-xen/xen-ltt-flask/, plus
#                  three policies in work-xen/xen-ltt-flask/ltt-policy/:
#                    xenpolicy-default          Xen's tools/flask/policy
#                    xenpolicy-ltt              + dom0 may map writable what
#                                               Xen shares read-write
#                    xenpolicy-no-tbufcontrol   - dom0's tbufcontrol
#                  (the last two made by xen-patches/flask/NAME.sed)
set -eu

XEN_VERSION=4.17.5+72-g01140da4e8
XEN_DEB_VERSION=$XEN_VERSION-1
HV_PKG=xen-hypervisor-4.17-amd64

GEN=${1:?usage: build-xen.sh GENERATED_XEN_DIR}
JOBS=${XEN_JOBS:-$(nproc)}
TRACE=${XEN_LTT_TRACE:-both}
XSM=${XEN_LTT_XSM:-}

top=$(pwd)
patches=$top/xen-patches
work=$top/work-xen
src=$work/src/xen-$XEN_VERSION
# The XSM variant has trees (and bookkeeping) of its own: building one never
# rebuilds the other.
variant=${XSM:+-$XSM}
tree=$work/xen-ltt$variant
stage=$work/stage$variant
manifest=$work/manifest$variant
patched_files=$work/patched-files$variant

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
case $XSM in
'') need= ;;
flask) need="checkpolicy m4" ;; # Flask policies (the built-in one too)
*) die "XEN_LTT_XSM must be unset or flask (not '$XSM')" ;;
esac
for tool in apt-get dpkg-deb dpkg-parsechangelog patch flex bison gcc python3 cmp $need; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run 'make deps'"
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
	rm -rf "$tree" "$manifest"
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
done | sort -u >"$patched_files"
while read -r f; do
	[ -f "$src/$f" ] || die "a patch creates $f: new files belong in xen-patches/overlay/"
	mkdir -p "$stage/$(dirname "$f")"
	cp "$src/$f" "$stage/$f"
done <"$patched_files"
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
(cd "$stage" && find . -type f | sed 's|^\./||' | sort) >"$manifest.new"
touch "$manifest"
sort -u "$manifest" "$manifest.new" | while read -r f; do
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
mv "$manifest.new" "$manifest"

# 6. Configure: Debian's config + the trace backend choice (+ Flask).
case $TRACE in
both) want_cfg="CONFIG_LTT=y CONFIG_LTT_TRACE_BOTH=y" ;;
ltt) want_cfg="CONFIG_LTT=y CONFIG_LTT_TRACE_LTT_ONLY=y" ;;
xentrace) want_cfg="" ;;
esac
xsm_cfg=
[ "$XSM" != flask ] ||
	xsm_cfg="CONFIG_XSM=y CONFIG_XSM_FLASK=y CONFIG_XSM_FLASK_DEFAULT=y CONFIG_XSM_FLASK_POLICY=y"
stamp="$(cksum <"$config") $TRACE${XSM:+ $XSM}"
if [ ! -f "$tree/xen/.config" ] || [ "$(cat "$tree/.ltt-config" 2>/dev/null)" != "$stamp" ]; then
	grep -v '^CONFIG_LTT\|^# CONFIG_LTT' "$config" >"$tree/xen/.config"
	if [ -z "$want_cfg" ]; then
		echo "# CONFIG_LTT is not set" >>"$tree/xen/.config"
	else
		for c in $want_cfg; do echo "$c" >>"$tree/xen/.config"; done
	fi
	if [ -n "$xsm_cfg" ]; then
		sed -i '/^# CONFIG_XSM is not set/d' "$tree/xen/.config"
		for c in $xsm_cfg; do echo "$c" >>"$tree/xen/.config"; done
	fi
	make -s -C "$tree/xen" olddefconfig
	echo "$stamp" >"$tree/.ltt-config"
fi
for c in $want_cfg $xsm_cfg; do
	grep -qx "$c" "$tree/xen/.config" || die "$c did not stick in xen/.config"
done

# 7. Build, unless nothing changed since the last build that succeeded:
#    Xen's make regenerates compile.h (the build date) and links the
#    hypervisor again every time, which takes a minute on a busy host
#    (make demo and make e2e run this script every time).
# digest FILE...: one line naming the content of every FILE.
digest() {
	sha256sum "$@" | sha256sum | cut -d' ' -f1
}
# digest_dir DIR: the same for every file under DIR, and their names.
digest_dir() {
	(cd "$1" && find . -type f | sort | tr '\n' '\0' | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}
built_key="$(digest_dir "$stage") $(digest "$tree/xen/.config")"
if [ -f "$tree/xen/xen" ] && [ "$(cat "$tree/.ltt-built" 2>/dev/null)" = "$built_key" ]; then
	echo "build-xen: work-xen/xen-ltt$variant/xen/xen is up to date"
else
	rm -f "$tree/.ltt-built"
	make -C "$tree/xen" -j"$JOBS"
	echo "$built_key" >"$tree/.ltt-built"
fi

# 8. The public headers as tools see them (<xen/sysctl.h>), and the dom0
#    test client built against them (again only when an input changed).
mkdir -p "$work/include" "$work/bin"
rm -rf "$work/include/xen.new"
cp -R "$tree/xen/include/public" "$work/include/xen.new"
if ! diff -r -q "$work/include/xen.new" "$work/include/xen" >/dev/null 2>&1; then
	rm -rf "$work/include/xen"
	mv "$work/include/xen.new" "$work/include/xen"
else
	rm -rf "$work/include/xen.new"
fi
tools_key="$(digest "$patches"/tools/* "$top"/ltt-daemon/src/xen/*.hpp "$top"/include/ltt/*.h \
	"$top"/libltt/env/*.h) $(digest_dir "$work/include/xen")"
if [ -x "$work/bin/ltt-xenctl" ] && [ "$(cat "$work/bin/.ltt-xenctl.key" 2>/dev/null)" = "$tools_key" ]; then
	echo "build-xen: work-xen/bin/ltt-xenctl is up to date"
elif [ -f /usr/include/xencall.h ] && [ -f /usr/include/xenforeignmemory.h ] &&
	[ -f /usr/include/xenevtchn.h ]; then
	rm -f "$work/bin/.ltt-xenctl.key"
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
	echo "$tools_key" >"$work/bin/.ltt-xenctl.key"
else
	echo "build-xen: libxen-dev missing: ltt-xenctl not built (make deps)" >&2
fi

# 9. Flask: policies for a multiboot module (which overrides the built-in
#    policy) or for flask-loadpolicy: Xen's default policy, and variants
#    generated from Xen's own policy source by xen-patches/flask/NAME.sed
#    applied to dom0.te (ltt: + dom0 may map writable the Xen pages Xen
#    shares read-write; no-tbufcontrol: - dom0's tbufcontrol). Only files
#    whose content changed are rewritten, so checkpolicy runs again only
#    when a module changed.
if [ "$XSM" = flask ]; then
	polsrc=$tree/tools/flask/policy
	pol=$tree/ltt-policy
	mkdir -p "$pol/default"
	uncommented() { grep -hv '^[[:space:]]*#' "$@"; }
	uncommented "$polsrc/modules/dom0.te" | grep -qw tbufcontrol ||
		die "Xen's default policy no longer gives dom0 tbufcontrol: revisit xen-patches/flask/"
	! uncommented "$polsrc/modules"/* | grep -q 'domxen_t:mmu.*map_write' ||
		die "Xen's default policy lets dom0 map Xen's pages writable now: revisit xen-patches/flask/"
	for p in ltt no-tbufcontrol; do
		mods=$pol/$p/modules
		mkdir -p "$mods"
		for m in "$polsrc"/modules/*; do
			f=${m##*/}
			if [ "$f" = dom0.te ]; then
				sed -f "$patches/flask/$p.sed" "$m" >"$mods/$f.new"
			else
				cp "$m" "$mods/$f.new"
			fi
			if cmp -s "$mods/$f.new" "$mods/$f"; then
				rm -f "$mods/$f.new"
			else
				mv -f "$mods/$f.new" "$mods/$f"
			fi
		done
		# Exactly the one change each .sed is for.
		d=$(diff "$polsrc/modules/dom0.te" "$mods/dom0.te" | grep '^[<>]' | tr -d '\n')
		case $p in
		ltt)
			case $d in
			'> allow dom0_t domxen_t:mmu map_write;') ;;
			*) die "flask/ltt.sed must add exactly one rule to dom0.te (diff: $d)" ;;
			esac
			;;
		no-tbufcontrol)
			case $d in
			'< '*tbufcontrol*'> '*) ;;
			*) die "flask/no-tbufcontrol.sed must change exactly one line of dom0.te (diff: $d)" ;;
			esac
			! uncommented "$mods"/* | grep -qw tbufcontrol ||
				die "the no-tbufcontrol policy still names tbufcontrol"
			;;
		esac
	done
	for p in default ltt no-tbufcontrol; do
		moddir=
		[ "$p" = default ] || moddir="MODDIR=$pol/$p/modules"
		# shellcheck disable=SC2086 # moddir: empty or one word
		make -s -f Makefile.common -C "$polsrc" FLASK_BUILD_DIR="$pol/$p" $moddir \
			POLICY_FILENAME="$pol/xenpolicy-$p" >"$pol/$p.log" 2>&1 || {
			cat "$pol/$p.log" >&2
			die "checkpolicy failed for the $p policy"
		}
	done
	if cmp -s "$tree/xen/xsm/flask/policy.bin" "$pol/xenpolicy-default"; then
		echo "build-xen: built-in Flask policy = ltt-policy/xenpolicy-default"
	else
		echo "build-xen: note: the built-in Flask policy differs from ltt-policy/xenpolicy-default" >&2
	fi
fi

echo "build-xen: hypervisor   work-xen/xen-ltt$variant/xen/xen ($TRACE${XSM:+, $XSM})"
if [ "$XSM" = flask ]; then
	echo "build-xen: policies     work-xen/xen-ltt$variant/ltt-policy/xenpolicy-{default,ltt,no-tbufcontrol}"
fi
[ -x "$work/bin/ltt-xenctl" ] && echo "build-xen: test client  work-xen/bin/ltt-xenctl"
exit 0
