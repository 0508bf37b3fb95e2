# Xen's default Flask policy (tools/flask/policy/modules/dom0.te) plus what
# ltt-xen's consumers need: dom0 may map writable the Xen-owned pages
# (domxen_t) that Xen shares read-write with privileged domains. ltt-xen's
# consumer page is one (SHARE_rw; lttd writes `consumed` there), and so are
# xentrace's buffers; the default policy has only map_read on domxen_t, so
# mapping either fails with EACCES under Flask. Xen itself still refuses a
# writable mapping of a page it shared read-only (the control and data
# areas). build-xen.sh (XEN_LTT_XSM=flask) applies it and checks that it
# added exactly this rule.
/^allow dom0_t xen_t:mmu memorymap;$/a\
allow dom0_t domxen_t:mmu map_write;
