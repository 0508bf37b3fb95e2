# Xen's default Flask policy (tools/flask/policy/modules/dom0.te) without
# dom0's `tbufcontrol` permission on xen_t:xen, the permission Flask checks
# for XEN_SYSCTL_tbuf_op (xentrace) and XEN_SYSCTL_ltt_op (patch 0002).
# Every other permission stays. build-xen.sh (XEN_LTT_XSM=flask) applies it
# and checks that exactly one line changed.
/^allow dom0_t xen_t:xen {/,/^};/s/\([[:space:]]\)tbufcontrol[[:space:]]/\1/
