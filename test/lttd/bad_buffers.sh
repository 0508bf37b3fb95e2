#!/usr/bin/env bash
# Buffer files that are malformed or hostile: wrong magic, sizes that do
# not fit the file, positions out of range, a header for another CPU, a
# symlink, a directory, an overwrite slot naming memory past the data, a
# file truncated while mapped. Each
# is refused with "file: problem" at create; a bad file appearing while a
# session records is reported in status and skipped; a buffer whose
# positions go bad while recording is no longer read. lttd never crashes and
# the trace stays readable.
. "$(dirname "$0")/lib.sh"
start_lttd
make_source good --cpus 2
make_source goodow --cpus 1 --mode overwrite

n=0
try_buffer() {
    local want=$1 base=$2
    shift 2
    n=$((n + 1))
    local dir="$WORK/case$n"
    cp -a "$WORK/$base" "$dir"
    "$@" "$dir"
    expect_error "$want" ctl create "c$n" --output "$WORK/out$n" --source "$dir" \
        --facilities "$STRESS_CTF"
    expect_alive
}
field() { corrupt buffer "$4/$1" "$2" "$3"; }
symlink() { rm "$1/cpu1.ltt" && ln -s /etc/passwd "$1/cpu1.ltt"; }
subdir() { mkdir "$1/cpu7.ltt"; }

try_buffer "cpu0.ltt: wrong magic 0xdeadbeef" good field cpu0.ltt magic 0xdeadbeef
try_buffer "cpu1.ltt: buffer version 7" good field cpu1.ltt version 7
try_buffer "cpu1.ltt: header says cpu 0, but the file is cpu1.ltt" good field cpu1.ltt cpu 0
try_buffer "cpu0.ltt: header says sub-buffer order 12" good field cpu0.ltt subbuf_order 12
try_buffer "cpu0.ltt: 100 bytes, too small" good field cpu0.ltt size 100
try_buffer "need exactly" good field cpu0.ltt size 70000
try_buffer "need exactly" good field cpu0.ltt size 999999
try_buffer "cpu0.ltt: positions out of range" good field cpu0.ltt consumed 100
try_buffer "cpu0.ltt: positions out of range" good field cpu0.ltt consumed 0x100000
try_buffer "cpu1.ltt: positions out of range" good field cpu1.ltt offset 0x7fffffff00000000
try_buffer "cpu1.ltt: is a symbolic link (refused)" good symlink
try_buffer "cpu7.ltt: Is a directory" good subdir
try_buffer "cpu0.ltt: slot 0 names sub-buffer 999" goodow field cpu0.ltt entry0 999

# While recording: a hostile CPU file appears (renamed into place, as a
# producer would), and a live buffer's positions go out of range.
start_stress live --cpus 2 --rate 5000 --duration 1.5 --subbuf-size 4k --subbufs 4
create_session live "$WORK/live" "$WORK/out-live" --flush-interval 100
ctl enable live '*' >/dev/null
ctl start live >/dev/null
cp "$WORK/live/cpu0.ltt" "$WORK/evil"
corrupt buffer "$WORK/evil" magic 0x41414141
mv "$WORK/evil" "$WORK/live/cpu5.ltt"
wait_until 10 sh -c "\"$LTT_CTL\" status live | grep -q 'cpu5.ltt: wrong magic'" ||
    fail "the hostile cpu5.ltt is not reported"
sleep 0.3
corrupt buffer "$WORK/live/cpu1.ltt" offset 0x7fffffff00000000
wait_until 10 sh -c "\"$LTT_CTL\" status live | grep -q 'broken'" ||
    fail "the broken cpu1 buffer is not reported"
expect_alive
# A buffer file truncated under lttd's mapping (its producer faults too).
start_stress trunc --cpus 1 --rate 5000 --duration 1.5 --subbuf-size 4k --subbufs 4
create_session trunc "$WORK/trunc" "$WORK/out-trunc" --flush-interval 50
ctl enable trunc '*' >/dev/null
ctl start trunc >/dev/null
sleep 0.2
truncate -s 4096 "$WORK/trunc/cpu0.ltt"
wait_until 10 sh -c "\"$LTT_CTL\" status trunc | grep -q 'shrank while mapped'" ||
    fail "the truncated buffer is not reported"
expect_alive
ctl destroy trunc >/dev/null
wait_stress live
ctl stop live >/dev/null || true
ctl status live | grep -q "positions out of range" || fail "status does not say why cpu1 broke"
"$BABELTRACE2" "$WORK/out-live" >/dev/null 2>"$WORK/bt.err" ||
    fail "babeltrace2 cannot read the trace: $(head -5 "$WORK/bt.err")"
check_trace "$WORK/out-live" "$WORK/live.json" --mode subset --cpus 0 --allow-inconsistent
expect_alive
pass
