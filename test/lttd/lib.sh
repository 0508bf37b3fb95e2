# Shared by the lttd integration tests (sourced). Each test gets its own
# work directory and its own lttd (LTT_SOCKET in that directory), so tests
# run in parallel; every process a test starts is killed by pid in the EXIT
# trap, and the work directory is removed unless the test failed.
#
# Environment (set by CMake): LTTD, LTT_CTL, LTT_STRESS, BABELTRACE2, PYTHON3,
# STRESS_CTF (the stress facility's ctf fragments), TEST_DIR (this directory).
set -euo pipefail

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lttd-test.XXXXXX")
PIDS=()
LTTD_PID=
TEST_FAILED=1

cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    if [ "$TEST_FAILED" = 1 ]; then
        echo "--- lttd log ($WORK, kept) ---"
        tail -40 "$WORK/lttd.log" 2>/dev/null || true
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    exit 1
}

# Ends a test that went well: the daemon, if still running, must stop
# cleanly on SIGTERM, and no sanitizer may have reported anything.
pass() {
    if [ -n "$LTTD_PID" ] && kill -0 "$LTTD_PID" 2>/dev/null; then
        kill -TERM "$LTTD_PID"
        local status=0
        wait "$LTTD_PID" || status=$?
        [ "$status" = 0 ] || fail "lttd exited $status on SIGTERM"
    fi
    if grep -qE "Sanitizer|runtime error" "$WORK/lttd.log" 2>/dev/null; then
        fail "a sanitizer reported a problem in lttd (see its log)"
    fi
    TEST_FAILED=0
    echo "PASS"
    exit 0
}

# Runs until the deadline (seconds) passes or the command succeeds.
wait_until() {
    local timeout=$1
    shift
    local end=$((SECONDS + timeout))
    until "$@"; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.02
    done
}

ctl() {
    "$LTT_CTL" "$@"
}

# start_lttd [extra lttd options]: a daemon on $WORK/sock/lttd.sock.
start_lttd() {
    mkdir -p -m 700 "$WORK/sock"
    export LTT_SOCKET="$WORK/sock/lttd.sock"
    "$LTTD" "$@" >>"$WORK/lttd.log" 2>&1 &
    LTTD_PID=$!
    PIDS+=("$LTTD_PID")
    wait_until 20 ctl list >/dev/null 2>&1 || fail "lttd did not come up"
}

# The crash guard's pid, from `ltt-ctl list --json`.
guardian_pid() {
    ctl list --json | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["daemon"]["guardian_pid"])'
}

# Waits for a process to be gone (or a zombie nobody reaps).
process_gone() {
    [ ! -e "/proc/$1" ] || grep -q '^[^ ]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null
}

# start_stress NAME [ltt-stress options]: producer in $WORK/NAME, its JSON
# lines in $WORK/NAME.json; waits until its buffers exist.
start_stress() {
    local name=$1
    shift
    "$LTT_STRESS" --dir "$WORK/$name" "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" &
    PIDS+=($!)
    eval "STRESS_PID_$name=$!"
    wait_until 20 test -e "$WORK/$name/cpu0.ltt" || fail "ltt-stress $name did not set up"
}

stress_pid() {
    eval "echo \$STRESS_PID_$1"
}

# wait_stress NAME: waits for the producer to finish (exit 0).
wait_stress() {
    local pid
    pid=$(stress_pid "$1")
    wait "$pid" || fail "ltt-stress $1 failed: $(cat "$WORK/$1.err")"
}

# create_session NAME SOURCE-DIR OUTPUT [more create options]
create_session() {
    local name=$1 src=$2 out=$3
    shift 3
    ctl create "$name" --output "$out" --source "$src" --facilities "$STRESS_CTF" "$@" >/dev/null ||
        fail "create $name"
}

# check_trace TRACE-DIR STRESS-JSON [check_trace.py options]
check_trace() {
    "$PYTHON3" "$TEST_DIR/check_trace.py" --babeltrace2 "$BABELTRACE2" --trace "$1" \
        --stress "$2" "${@:3}" || fail "trace check of $1"
}

# expect_error SUBSTRING COMMAND...: the command fails (exit 1 from lttd's
# refusal, unless EXPECT_STATUS says otherwise) and says SUBSTRING.
expect_error() {
    local want=$1
    shift
    local status=0
    "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || status=$?
    [ "$status" = "${EXPECT_STATUS:-1}" ] ||
        fail "'$*' exited $status, expected ${EXPECT_STATUS:-1}: $(cat "$WORK/err.txt")"
    grep -qF -- "$want" "$WORK/err.txt" ||
        fail "'$*' said: $(cat "$WORK/err.txt") -- expected: $want"
}

# The daemon is still alive and answering.
expect_alive() {
    kill -0 "$LTTD_PID" 2>/dev/null || fail "lttd died"
    ctl list >/dev/null || fail "lttd does not answer"
}

# make_source NAME [ltt-stress options]: a valid producer directory whose
# producer has gone (ltt-stress gives up waiting for a session at once).
make_source() {
    local name=$1 status=0
    shift
    "$LTT_STRESS" --dir "$WORK/$name" --count 1 --wait-timeout 0 "$@" >/dev/null 2>&1 || status=$?
    [ "$status" = 3 ] || fail "ltt-stress could not make $name (exit $status)"
}

corrupt() {
    "$PYTHON3" "$TEST_DIR/corrupt.py" "$@" || fail "corrupt.py $*"
}
