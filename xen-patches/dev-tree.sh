#!/bin/sh
# Editing the series: a git work tree of the pristine Xen source with one
# commit per patch, and back.
#
#   sh xen-patches/dev-tree.sh init     work-xen/dev: pristine source (from
#                                       `make xen`'s work-xen/src) + one
#                                       commit per patch of the series, the
#                                       patch's header as commit message
#   sh xen-patches/dev-tree.sh export   rewrite xen-patches/*.patch and
#                                       series from the commits of
#                                       work-xen/dev after "pristine"
#
# Edit in work-xen/dev, commit (git commit --fixup + rebase -i --autosquash
# to change an existing patch), export, review `git diff xen-patches/`.
# New files go to xen-patches/overlay/, never into a patch.
set -eu

XEN_VERSION=4.17.5+72-g01140da4e8
top=$(pwd)
patches=$top/xen-patches
src=$top/work-xen/src/xen-$XEN_VERSION
dev=$top/work-xen/dev
git="git -c user.name=ltt-xen -c user.email=ltt-xen@localhost -c commit.gpgsign=false"

die() {
	echo "dev-tree: $*" >&2
	exit 1
}

[ -f "$patches/series" ] || die "run from the repository root"

case ${1:-} in
init)
	[ -d "$src" ] || die "no $src: run 'make xen' once"
	[ ! -e "$dev" ] || die "$dev exists: remove it first"
	cp -a "$src" "$dev"
	cd "$dev"
	$git init -q
	$git add -A -f .
	$git commit -qm pristine
	grep -v '^[[:space:]]*\(#\|$\)' "$patches/series" | while read -r p; do
		patch -p1 -s -F0 -N --no-backup-if-mismatch -i "$patches/$p" ||
			die "$p does not apply"
		$git add -A -f .
		# The header is everything before the "---" that starts the diffstat.
		sed '/^---$/,$d' "$patches/$p" | $git commit -q -F -
	done
	echo "dev-tree: $dev ready ($(git rev-list --count HEAD) commits)"
	;;
export)
	[ -d "$dev/.git" ] || die "no $dev: run 'dev-tree.sh init' first"
	cd "$dev"
	base=$(git log --format=%H --grep='^pristine$' | tail -1)
	[ -n "$base" ] || die "no commit named 'pristine' in $dev"
	rm -f "$patches"/*.patch
	: >"$patches/series.new"
	n=0
	for c in $(git rev-list --reverse "$base..HEAD"); do
		n=$((n + 1))
		subject=$(git log -1 --format=%s "$c")
		slug=$(echo "$subject" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//' | cut -c1-50 | sed 's/-$//')
		name=$(printf '%04d-%s.patch' "$n" "$slug")
		{
			git log -1 --format=%B "$c" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
			echo "---"
			git diff --stat=72 "$c^" "$c" | sed 's/^/ /'
			echo
			git diff --no-color --no-ext-diff "$c^" "$c"
		} >"$patches/$name"
		echo "$name" >>"$patches/series.new"
	done
	mv "$patches/series.new" "$patches/series"
	echo "dev-tree: wrote $n patches and xen-patches/series"
	;;
*)
	die "usage: dev-tree.sh init|export"
	;;
esac
