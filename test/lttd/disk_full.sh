#!/usr/bin/env bash
# A full disk: the output is a 1 MiB tmpfs (in a private mount namespace, so
# nothing outlives the test). When a packet no longer fits, the session
# stops with "No space left on device" in status, lttd goes on, and the
# trace on the full disk is still read whole by babeltrace2 (every stream
# ends with a complete packet). A disk too small for the metadata fails
# `start` clearly.
if [ -z "${LTTD_IN_MOUNT_NS:-}" ]; then
    if unshare -m --propagation private true 2>/dev/null; then
        exec env LTTD_IN_MOUNT_NS=1 unshare -m --propagation private "$0" "$@"
    fi
    echo "SKIP: cannot make a private mount namespace (needs CAP_SYS_ADMIN)"
    exit 77
fi
. "$(dirname "$0")/lib.sh"
mkdir "$WORK/full" "$WORK/tiny"
if ! mount -t tmpfs -o size=1m tmpfs "$WORK/full" || ! mount -t tmpfs -o size=4k tmpfs "$WORK/tiny"; then
    TEST_FAILED=0
    echo "SKIP: cannot mount a tmpfs"
    exit 77
fi
unmount() { umount "$WORK/full" "$WORK/tiny" 2>/dev/null || true; }
start_lttd
start_stress src --cpus 2 --rate 50000 --duration 1.5 --size-mix large --subbuf-size 16k --subbufs 8
create_session s1 "$WORK/src" "$WORK/full/out" --flush-interval 100
ctl enable s1 stress >/dev/null
ctl start s1 >/dev/null
wait_until 15 sh -c "\"$LTT_CTL\" status s1 | grep -q 'No space left on device'" ||
    fail "status does not report the full disk"
ctl status s1 --json | grep -q '"state": "stopped"' || fail "the session did not stop"
expect_alive
wait_stress src
check_trace "$WORK/full/out" "$WORK/src.json" --mode subset --cpus 0,1

make_source small --cpus 1
create_session s2 "$WORK/small" "$WORK/tiny/out"
ctl enable s2 '*' >/dev/null
expect_error "No space left on device" ctl start s2
expect_alive
kill -TERM "$LTTD_PID" && wait "$LTTD_PID" || true
unmount
pass
