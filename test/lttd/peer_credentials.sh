#!/usr/bin/env bash
# The control socket: a client that is neither root nor the owner of the
# socket's directory is refused (SO_PEERCRED); lttd refuses a socket
# directory others can write, and a socket another lttd is listening on.
. "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
    TEST_FAILED=0
    echo "SKIP: needs root and setpriv to run a client as another user"
    exit 77
fi
# Let the other user reach the socket, so the credentials check is what
# refuses it (not the directory permissions).
chmod 711 "$WORK"
mkdir -m 711 "$WORK/sock"
start_lttd
# lttd makes its socket 0600; open it up as a careless admin might, so that
# the peer-credentials check is what stands in the way.
chmod 666 "$LTT_SOCKET"
expect_error "permission denied: uid 65534 is neither root nor the owner" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$LTT_CTL" list
ctl list >/dev/null || fail "root is refused"

mkdir -m 777 "$WORK/unsafe"
expect_error "writable by group or others" "$LTTD" --socket "$WORK/unsafe/lttd.sock"
expect_error "another lttd is listening" "$LTTD" --socket "$LTT_SOCKET"
expect_alive
pass
