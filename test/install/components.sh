#!/usr/bin/env bash
# The install components (CMakeLists.txt): every install rule names one
# (nothing is left in CMake's default component, `Unspecified`); tools, dist
# and dev together install exactly what `make install` does, no file in two
# of them; `tools` alone, the tree the e2e puts into dom0 (make e2e-install),
# holds what a recording needs, and its lttd records with it.
#
# Environment (CMake): BUILD_DIR, STRESS_CTF and lib.sh's.
. "$TEST_DIR/lib.sh"
. "$INSTALL_TEST_DIR/install_lib.sh"

# files DIR: every file and link under DIR, relative, sorted.
files() {
    (cd "$1" && find . \( -type f -o -type l \) | sort)
}
files "$dest" >"$WORK/all.txt"
[ -s "$WORK/all.txt" ] || fail "make install installed nothing"

for component in tools dist dev Unspecified; do
    mkdir -p "$WORK/$component"
    DESTDIR=$WORK/$component cmake --install "$BUILD_DIR" --prefix "$prefix" \
        --component "$component" >"$WORK/install-$component.log" 2>&1 ||
        fail "cmake --install --component $component: $(tail -5 "$WORK/install-$component.log")"
    files "$WORK/$component" >"$WORK/$component.txt"
done
[ ! -s "$WORK/Unspecified.txt" ] ||
    fail "installed by a rule that names no component: $(head -5 "$WORK/Unspecified.txt")"
sort "$WORK/tools.txt" "$WORK/dist.txt" "$WORK/dev.txt" >"$WORK/union.txt"
dup=$(uniq -d "$WORK/union.txt")
[ -z "$dup" ] || fail "in two components: $dup"
diff "$WORK/all.txt" "$WORK/union.txt" >"$WORK/diff.txt" ||
    fail "make install and the components differ (< make install only, > components only): $(cat "$WORK/diff.txt")"

# What a recording on a Xen host needs, in tools; nothing of dist or dev.
for f in sbin/lttd bin/ltt-ctl bin/ltt-view share/ltt-xen/xen-4.17-formats; do
    grep -qx "\./${prefix#/}/$f" "$WORK/tools.txt" || fail "not in the tools component: $prefix/$f"
done
grep -q "/share/ltt-xen/ctf/" "$WORK/all.txt" || fail "no CTF declarations installed"
if grep "/share/ltt-xen/ctf/" "$WORK/all.txt" | grep -vxFf "$WORK/tools.txt" >"$WORK/ctf-missing.txt"; then
    fail "CTF declarations not in the tools component: $(head -5 "$WORK/ctf-missing.txt")"
fi
if [ "$LTT_WITH_UST" = 1 ]; then
    grep -q "/ltt-xen/libltt-lttng-clock-tsc\.so$" "$WORK/tools.txt" ||
        fail "the lttng-ust clock plugin is not in the tools component"
fi
for f in bin/genevent include/ltt/ring.h share/ltt-xen/facility.xsd; do
    grep -qx "\./${prefix#/}/$f" "$WORK/dev.txt" || fail "not in the dev component: $prefix/$f"
done
grep -q "/lttd\.service$" "$WORK/dist.txt" || fail "lttd.service is not in the dist component"

# The tools tree alone records: its lttd finds the declarations next to
# itself (the probe's error names the tree's ctf directory), and a session
# of ltt-stress's facility is read by babeltrace2.
troot=$WORK/tools$prefix
LTTD=$troot/sbin/lttd
LTT_CTL=$troot/bin/ltt-ctl
start_lttd
make_source probe
expect_error "$troot/share/ltt-xen/ctf/ust/stress.tsdl" \
    ctl create probe --source "dir:$WORK/probe" --output "$WORK/probe-out"
start_stress src --cpus 2 --rate 20000 --duration 0.5 --size-mix mixed --subbuf-size 16k --subbufs 8
create_session rec "$WORK/src" "$WORK/out" --flush-interval 200
ctl enable rec stress >/dev/null || fail "enable stress"
ctl start rec >/dev/null || fail "start rec"
wait_stress src
ctl stop rec >/dev/null || fail "stop rec"
check_trace "$WORK/out" "$WORK/src.json" --no-loss --cpus 0,1
pass
