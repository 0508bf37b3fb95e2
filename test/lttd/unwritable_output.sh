#!/usr/bin/env bash
# Output directories that cannot be written: create refuses them clearly;
# a snapshot into one fails clearly and the session goes on.
. "$(dirname "$0")/lib.sh"
start_lttd
make_source src --cpus 1
make_source ow --cpus 1 --mode overwrite
touch "$WORK/a-file"
expect_error "Not a directory" ctl create s1 --output "$WORK/a-file/trace" --source "$WORK/src" \
    --facilities "$STRESS_CTF"
expect_error "a-file: Not a directory" ctl create s2 --output "$WORK/a-file" --source "$WORK/src" \
    --facilities "$STRESS_CTF"
if [ "$(id -u)" != 0 ]; then
    mkdir -m 500 "$WORK/readonly"
    expect_error "not writable" ctl create s3 --output "$WORK/readonly" --source "$WORK/src" \
        --facilities "$STRESS_CTF"
fi
expect_error "/proc/ltt-test" ctl create s4 --output /proc/ltt-test --source "$WORK/src" \
    --facilities "$STRESS_CTF"
# An output that already holds a trace.
mkdir -p "$WORK/used" && echo '{}' >"$WORK/used/index.json"
expect_error "already holds a trace" ctl create s5 --output "$WORK/used" --source "$WORK/src" \
    --facilities "$STRESS_CTF"
expect_alive

create_session fr "$WORK/ow" "$WORK/out" --mode overwrite
ctl enable fr '*' >/dev/null
ctl start fr >/dev/null
expect_error "snapshot $WORK/a-file/snap" ctl snapshot fr --output "$WORK/a-file/snap"
mkdir -p "$WORK/full-of-things" && touch "$WORK/full-of-things/x"
expect_error "exists and is not empty" ctl snapshot fr --output "$WORK/full-of-things"
ctl snapshot fr --output "$WORK/snap-ok" >/dev/null || fail "a good snapshot after bad ones"
"$BABELTRACE2" "$WORK/snap-ok" >/dev/null || fail "babeltrace2 cannot read the snapshot"
ctl status fr | grep -q "active" || fail "the session stopped"
expect_alive
pass
