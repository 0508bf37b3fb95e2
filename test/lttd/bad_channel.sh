#!/usr/bin/env bash
# A directory source that is not what it should be: every case is refused
# by `create` with a message naming the file and the problem, and lttd goes
# on serving.
. "$(dirname "$0")/lib.sh"
start_lttd
make_source good --cpus 1

n=0
# try_source "expected message" MUTATION...: a fresh copy of the good
# source, mutated, must be refused.
try_source() {
    local want=$1
    shift
    n=$((n + 1))
    local dir="$WORK/case$n"
    cp -a "$WORK/good" "$dir"
    "$@" "$dir"
    expect_error "$want" ctl create "c$n" --output "$WORK/out$n" --source "$dir" \
        --facilities "$STRESS_CTF"
    expect_alive
}
with_channel() { corrupt channel "$3" "$1" "$2"; }
without() { corrupt channel-del "$2" "$1"; }
raw_channel() { corrupt channel-raw "$2" "$1"; }
with_facility() { corrupt facility "$3" "$1" "$2"; }
remove() { rm -f "$2/$1"; }
replace_fifo() { rm -f "$1/notify" && touch "$1/notify"; }
short_map() { truncate -s 100 "$1/enable.map"; }

try_source "channel.json: not valid JSON" raw_channel '{"format": '
try_source "channel.json: not a JSON object" raw_channel '[1,2,3]'
try_source "channel.json: No such file or directory" remove channel.json
try_source "channel.json: format" with_channel format '"something-else"'
try_source "channel.json: subbuf_order: 40 is outside" with_channel subbuf_order 40
try_source "channel.json: subbuf_count: 6 is not a power of two" with_channel subbuf_count 6
try_source "channel.json: uuid" with_channel uuid '"xyz"'
try_source "channel.json: tsc_hz" with_channel tsc_hz 0
try_source "channel.json: mode" with_channel mode '"sometimes"'
try_source "channel.json: pid: missing" without pid
try_source "channel.json: surprise: unknown key" with_channel surprise 1
try_source "facilities[0].checksum" with_facility checksum '"0x1234"'
try_source "checksum mismatch" with_facility checksum '"0x00000bad"'
try_source "facility nosuch: no CTF declarations found" with_facility name '"nosuch"'
try_source "has 3 events, the producer says 5" with_facility events 5
try_source "enable.map: No such file or directory" remove enable.map
try_source "enable.map: must be a regular file of 65536 bytes" short_map
try_source "notify: not a FIFO" replace_fifo

# Sizes that do not fit (the header disagrees with channel.json).
try_source "header says sub-buffer order" with_channel subbuf_order 13
try_source "header says mode 0, channel.json says 1" with_channel mode '"overwrite"'

# Arguments of create that do not fit the source.
expect_error "No such file or directory" ctl create x1 --output "$WORK/o" \
    --source "$WORK/missing" --facilities "$STRESS_CTF"
expect_error "in discard mode, not overwrite" ctl create x3 --output "$WORK/o" \
    --source "$WORK/good" --facilities "$STRESS_CTF" --mode overwrite
expect_error "sub-buffers are 16 KiB, not 4 KiB" ctl create x4 --output "$WORK/o" \
    --source "$WORK/good" --facilities "$STRESS_CTF" --subbuf-size 4k
expect_error "8 sub-buffers per CPU, not 4" ctl create x5 --output "$WORK/o" \
    --source "$WORK/good" --facilities "$STRESS_CTF" --subbufs 4
expect_error "no CTF declarations found" ctl create x6 --output "$WORK/o" \
    --source "$WORK/good" --facilities "$WORK"

# The good source still works after all that.
create_session ok "$WORK/good" "$WORK/out-ok"
[ "$(find "$WORK/o" -type f 2>/dev/null | wc -l)" = 0 ] || fail "a refused create left files"
pass
