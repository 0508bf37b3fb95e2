# shellcheck shell=sh
# Sourced in dom0 by the scenarios that start guests with xl (domU,
# hostile-guest): what starting guests needs in dom0 and the few steps
# around `xl create` they share. Uses test/e2e/guest/lib.sh's e2e_*.

# to_file FILE CMD...: CMD with its output to FILE (for e2e_timed, whose
# own line stays on the console).
to_file() {
	_to=$1
	shift
	"$@" >"$_to" 2>&1
}

# e2e_xl_toolstack_start: the directories libxl and xenstored use,
# /etc/xen/xl.conf, then xenstored, xen-init-dom0 (dom0's own xenstore
# entries) and xenconsoled (logging each guest's console to
# /var/log/xen/console/guest-NAME.log), in that order; xl info to
# $E2E_OUT/xl-info.txt.
e2e_xl_toolstack_start() {
	mkdir -p /var/lib/xen /var/lib/xenstored /var/run/xen /var/run/xenstored /var/log/xen/console \
		/var/lock /etc/xen /run/xen
	# dom0's memory is fixed on Xen's command line (dom0_mem=512M,max:512M):
	# no ballooning, the domUs take free memory.
	echo 'autoballoon="off"' >/etc/xen/xl.conf
	e2e_bg_start xenstored xenstored --no-fork --pid-file /var/run/xenstored.pid
	e2e_wait_until 30 "xenstored's socket" _e2e_xenstore_up
	e2e_timed xen_init_dom0 to_file "$E2E_OUT/xen-init-dom0.log" xen-init-dom0 ||
		e2e_fail "xen-init-dom0 failed: $(cat "$E2E_OUT/xen-init-dom0.log")"
	e2e_bg_start xenconsoled xenconsoled -i --log=guest --log-dir=/var/log/xen/console --timestamp=guest
	xl info >"$E2E_OUT/xl-info.txt" 2>&1 || e2e_fail "xl info failed: $(cat "$E2E_OUT/xl-info.txt")"
	e2e_log "xl info: $(grep -E '^(virt_caps|free_memory|xen_version)' "$E2E_OUT/xl-info.txt" | tr -s ' ' | tr '\n' ';')"
}
_e2e_xenstore_up() {
	kill -0 "$(cat /tmp/e2e-bg-xenstored.pid)" 2>/dev/null ||
		e2e_fail "xenstored exited: $(cat "$E2E_OUT/xenstored.log")"
	[ -S /var/run/xenstored/socket ]
}

# e2e_xl_domid NAME: sets E2E_DOMID to the domid of the guest NAME that
# xl create just started, also when it is already gone (a quick power-off:
# xl's monitor log names it); fails the scenario when neither knows it.
# (A variable, not output: e2e_fail in a command substitution would lose
# its message.)
e2e_xl_domid() {
	E2E_DOMID=$(xl domid "$1" 2>/dev/null) || E2E_DOMID=
	case $E2E_DOMID in
	'' | *[!0-9]*)
		E2E_DOMID=$(sed -n 's/.*Domain \([0-9][0-9]*\) has shut down.*/\1/p' "/var/log/xen/xl-$1.log" 2>/dev/null | head -n 1)
		;;
	esac
	[ -n "$E2E_DOMID" ] || e2e_fail "no domid for $1 after xl create"
}

# e2e_xl_gone NAME: true when a successful `xl list` no longer names NAME
# (Xen lists a domain until it is destroyed). `xl list NAME` is not
# enough: it failed once while the guest was still running.
e2e_xl_gone() {
	xl list >/tmp/xl-list.txt 2>&1 || return 1
	! grep -q "^$1 " /tmp/xl-list.txt
}
