#!/usr/bin/env bash
# systemd accepts the installed unit (systemd-analyze verify: syntax, the
# programs it runs exist and are executable, the documentation it names),
# with the unit's paths pointing into the DESTDIR tree. Skipped where
# systemd is not installed.
. "$TEST_DIR/lib.sh"
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; TEST_FAILED=0; exit 77; }
. "$INSTALL_TEST_DIR/install_lib.sh"
unit=$root/lib/systemd/system/lttd.service
mkdir -p "$WORK/units"
# The same unit, run from where it was installed.
sed "s|$prefix/|$root/|g" "$unit" >"$WORK/units/lttd.service"
grep -q "^ExecStart=$root/sbin/lttd --config $root/etc/ltt-xen/lttd.conf\$" \
    "$WORK/units/lttd.service" || fail "ExecStart: $(grep ExecStart "$WORK/units/lttd.service")"
out=$(SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$WORK/units/lttd.service" 2>&1) ||
    fail "systemd-analyze verify: $out"
# verify also reports problems of units it pulls in (this machine's); only
# lines about ours count.
if grep -q "lttd.service" <<<"$out"; then
    fail "systemd-analyze verify: $out"
fi
# A broken unit is refused (the check can fail).
sed 's/^ExecStart=.*/ExecStart=relative\/lttd/' "$WORK/units/lttd.service" >"$WORK/units/bad.service"
if SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no "$WORK/units/bad.service" >/dev/null 2>&1; then
    fail "systemd-analyze accepted a relative ExecStart"
fi
pass
