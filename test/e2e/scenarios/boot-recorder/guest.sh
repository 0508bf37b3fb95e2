# shellcheck shell=sh
# Runs in dom0 (see test/e2e/guest/lib.sh for the e2e_* helpers).
#
# Xen has recorded since boot (ltt_boot= in scenario.conf). lttd adopts its
# buffers: `ltt-ctl create --source xen --mode overwrite` with no geometry
# takes Xen's, and `start` goes on recording (a statedump, no restart).
# Refused first, leaving Xen recording: another geometry, an unwritable
# output; and a second session while the first holds the buffers. One
# snapshot, then stop and destroy (which frees Xen's buffers: a second
# create sets up new ones, and must not find the boot's). What goes to
# $E2E_OUT: boot/ (the snapshot), boot.status.json, lttd.log, ltt-ctl.log.
e2e_lttd_start
# Another geometry than Xen's is refused, saying what Xen records into.
if ltt-ctl create wrong --source xen --mode overwrite --subbufs 4 --output /tmp/wrong >/tmp/wrong.out 2>&1; then
	e2e_fail "a session asking for 4 sub-buffers adopted Xen's 16: $(cat /tmp/wrong.out)"
fi
grep -q "Xen records from boot (ltt_boot=) into 16 x 131072" /tmp/wrong.out ||
	e2e_fail "the refusal of another geometry does not say what Xen records into: $(cat /tmp/wrong.out)"
e2e_log "another geometry refused: $(cat /tmp/wrong.out)"
# A create that fails after taking Xen's buffers (its output cannot be
# written) leaves them recording: the create below still adopts them.
if ltt-ctl create bad --source xen --mode overwrite --output /proc/ltt-bad >/tmp/bad.out 2>&1; then
	e2e_fail "a session with an unwritable output was created: $(cat /tmp/bad.out)"
fi
e2e_log "unwritable output refused: $(cat /tmp/bad.out)"
e2e_ltt_ctl create boot --source xen --mode overwrite --output /tmp/boot
e2e_ltt_ctl status boot
# One session holds Xen's buffers: a second one is refused.
if ltt-ctl create second --source xen --mode overwrite --output /tmp/second >/tmp/second.out 2>&1; then
	e2e_fail "a second session took over the adopted buffers: $(cat /tmp/second.out)"
fi
e2e_log "second session refused: $(cat /tmp/second.out)"
e2e_ltt_ctl start boot
e2e_ltt_ctl snapshot boot
e2e_ltt_ctl_to "$E2E_OUT/boot.status.json" status boot --json
e2e_ltt_ctl stop boot
e2e_ltt_ctl destroy boot
# The buffers are lttd's own now: a new session sets up its own geometry.
e2e_ltt_ctl create again --source xen --mode discard --subbufs 4 --subbuf-size 64k --output /tmp/again
e2e_ltt_ctl destroy again
e2e_bg_stop lttd TERM || e2e_fail "lttd exited with status $? on SIGTERM (see lttd.log)"
cp -r /tmp/boot "$E2E_OUT/boot"
