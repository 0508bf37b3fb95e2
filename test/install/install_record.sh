#!/usr/bin/env bash
# `make install` into a temporary DESTDIR gives a complete tree, and the
# installed programs alone record: the installed genevent generates
# ltt-stress's facility, the installed lttd starts the sessions of a boot
# configuration (a discard session, a flight recorder with snapshot
# retention, two wrong ones reported with file and line), the installed
# ltt-ctl snapshots and stops, and babeltrace2 reads what was written.
# (ltt-stress, the producer, is the program being traced: from the build.)
#
# Environment (CMake): BUILD_DIR, STRESS_XML, STRESS_CTF and lib.sh's.
. "$TEST_DIR/lib.sh"
. "$INSTALL_TEST_DIR/install_lib.sh"

# Every piece a host needs.
for f in sbin/lttd bin/ltt-ctl bin/ltt-view bin/genevent \
    share/ltt-xen/facility.xsd include/ltt/ring.h include/ltt/tracepoint.h include/ltt-env.h \
    include/ltt/event_desc.hpp include/ltt/layer.hpp \
    share/man/man8/lttd.8 share/man/man1/ltt-ctl.1 share/man/man1/ltt-view.1 \
    share/man/man1/genevent.1 share/man/man5/lttd.conf.5 \
    share/bash-completion/completions/ltt-ctl share/bash-completion/completions/ltt-view \
    lib/systemd/system/lttd.service etc/ltt-xen/lttd.conf; do
    [ -e "$root/$f" ] || fail "not installed: $prefix/$f"
done
[ -n "$(find "$root" -name 'libltt-env.a')" ] || fail "not installed: libltt-env.a"
if [ "$LTT_WITH_UST" = 1 ]; then
    [ -n "$(find "$root" -path '*/ltt-xen/libltt-lttng-clock-tsc.so')" ] ||
        fail "not installed: the lttng-ust clock plugin"
fi
# The CTF declarations lttd looks for next to itself: one per facility.
for layer in xen kernel ust; do
    for xml in "$root/share/ltt-xen/facilities/$layer"/*.xml; do
        [ -e "$xml" ] || continue
        name=$(sed -n 's/.*<facility[^>]* name="\([a-z0-9_]*\)".*/\1/p' "$xml" | head -1)
        [ -s "$root/share/ltt-xen/ctf/$layer/$name.tsdl" ] ||
            fail "no installed CTF declarations for facility $layer/$name"
    done
done
grep -q "ExecStart=$prefix/sbin/lttd --config $prefix/etc/ltt-xen/lttd.conf" \
    "$root/lib/systemd/system/lttd.service" || fail "the unit does not run the installed lttd"
for p in sbin/lttd bin/ltt-ctl bin/ltt-view bin/genevent; do
    "$root/$p" --version | grep -qE "^[a-z-]+ [0-9]+\.[0-9]+\.[0-9]+$" || fail "$p --version"
done

# From here on, only installed programs.
LTTD=$root/sbin/lttd
LTT_CTL=$root/bin/ltt-ctl
"$root/bin/genevent" --target ctf --schema "$root/share/ltt-xen/facility.xsd" \
    --output "$WORK/ctf/ust" "$STRESS_XML" || fail "installed genevent"
cmp "$WORK/ctf/ust/stress.tsdl" "$STRESS_CTF/ust/stress.tsdl" ||
    fail "the installed genevent writes other declarations than the build's"
STRESS_CTF=$WORK/ctf

# The producers exist before lttd starts (a boot session's source must).
count=20000
start_stress src --cpus 2 --rate 20000 --duration 1 --size-mix mixed --subbuf-size 16k --subbufs 8
start_stress fr --cpus 2 --mode overwrite --count $count --batches 2 --size-mix small \
    --subbuf-size 4k --subbufs 4
conf=$WORK/lttd.conf
cat >"$conf" <<CONF
# written by install_record.sh
[session rec]
source = dir:$WORK/src
output = $WORK/out
facilities = $WORK/ctf
flush-interval = 200
enable = stress

[session fr]
source = dir:$WORK/fr
output = $WORK/fr-out
mode = overwrite
facilities = $WORK/ctf
snapshot-keep = 2

[session badsize]
source = dir:$WORK/src
output = $WORK/bad-out
subbuf-size = lots

[session gone]
source = dir:$WORK/nowhere
output = $WORK/gone-out
CONF
start_lttd --config "$conf"
grep -q "^.*$conf:19: subbuf-size: \`lots\` is not a size.*session badsize is not started" \
    "$WORK/lttd.log" || fail "no file:line error for the bad size: $(cat "$WORK/lttd.log")"
grep -q "$conf:21: session gone: create: .*nowhere.*(session not started)" "$WORK/lttd.log" ||
    fail "no file:line error for the missing source: $(cat "$WORK/lttd.log")"
grep -q "$conf: 2 of 3 sessions recording, 1 configuration errors" "$WORK/lttd.log" ||
    fail "lttd's summary of the configuration: $(cat "$WORK/lttd.log")"
ctl list >"$WORK/list.txt"
grep -q "^rec: active" "$WORK/list.txt" || fail "rec is not recording: $(cat "$WORK/list.txt")"
grep -q "^fr: active" "$WORK/list.txt" || fail "fr is not recording: $(cat "$WORK/list.txt")"
[ "$(wc -l <"$WORK/list.txt")" = 2 ] || fail "sessions: $(cat "$WORK/list.txt")"

# The installed lttd looks for declarations in the installed tree.
make_source probe
expect_error "$root/share/ltt-xen/ctf/ust/stress.tsdl" \
    ctl create probe --source "dir:$WORK/probe" --output "$WORK/probe-out"

# The discard session: every record, read by babeltrace2.
wait_stress src
ctl stop rec >/dev/null || fail "stop rec"
check_trace "$WORK/out" "$WORK/src.json" --no-loss --cpus 0,1 --index

# The flight recorder: three snapshots, retention keeps the last two.
wait_until 30 grep -q '"batch":1' "$WORK/fr.json" || fail "batch 1 not written"
ctl snapshot fr >"$WORK/snap1.txt" || fail "snapshot 1"
snap1=$(sed -n 's/.* written to \(.*\) (.*/\1/p' "$WORK/snap1.txt")
check_trace "$snap1" "$WORK/fr.json" --batch 1 --mode snapshot --last $((count - 1)) --min 1 \
    --cpus 0,1 --index
# Snapshot names carry the second: the next ones must sort after the first.
sleep 1.1
ctl snapshot fr >"$WORK/snap2.txt" || fail "snapshot 2"
grep -q "removed" "$WORK/snap2.txt" && fail "retention removed a snapshot below the limit"
ctl snapshot fr >"$WORK/snap3.txt" || fail "snapshot 3"
grep -qx "removed $snap1 (retention)" "$WORK/snap3.txt" ||
    fail "snapshot 3 did not remove the oldest: $(cat "$WORK/snap3.txt")"
[ ! -e "$snap1" ] || fail "$snap1 still exists"
[ "$(find "$WORK/fr-out" -mindepth 1 -maxdepth 1 -name 'snapshot-*' | wc -l)" = 2 ] ||
    fail "snapshots left: $(ls "$WORK/fr-out")"
snap3=$(sed -n 's/.* written to \(.*\) (.*/\1/p' "$WORK/snap3.txt")
"$BABELTRACE2" "$snap3" >/dev/null || fail "babeltrace2 cannot read $snap3"
ctl status fr >"$WORK/status.txt"
grep -q "retention: keep 2 snapshots, any size in all; removed 1" "$WORK/status.txt" ||
    fail "status does not show retention: $(cat "$WORK/status.txt")"
grep -q "snapshot: $snap1 (removed by retention)" "$WORK/status.txt" ||
    fail "status does not mark the removed snapshot: $(cat "$WORK/status.txt")"
kill -USR1 "$(stress_pid fr)"
wait_stress fr
pass
