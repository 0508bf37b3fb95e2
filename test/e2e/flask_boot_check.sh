# shellcheck shell=bash disable=SC2154
# Sourced by the xen-xsm-* scenarios' check.sh (with share, console and
# fail() set). flask_boot_check POLICY: Flask is enforcing and Xen loaded a
# policy module of POLICY's length. The policies differ by a byte and have one length: the
# scenarios' AVC checks tell which one was active.
flask_boot_check() {
	local policy=$1 len
	grep -q '(XEN) Flask:  Starting in enforcing mode' "$console" ||
		fail "no 'Flask:  Starting in enforcing mode' on Xen's console"
	grep -qx Enforcing "$share/getenforce.txt" || fail "flask-getenforce: $(cat "$share/getenforce.txt")"
	len=$(sed -n 's/.*(XEN) Policy len \(0x[0-9a-f]*\),.*/\1/p' "$console" | head -n 1)
	[ -n "$len" ] || fail "Xen did not load a policy module ('Policy len' missing)"
	[ "$((len))" = "$(stat -c %s "$policy")" ] ||
		fail "Xen loaded a $((len))-byte policy, $policy has $(stat -c %s "$policy") bytes"
	echo "check: Flask enforcing, boot policy module of $((len)) bytes ($policy)"
}
