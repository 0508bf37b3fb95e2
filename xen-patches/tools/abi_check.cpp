// SPDX-License-Identifier: GPL-2.0-only OR MIT
// abi_check.cpp - lttd mirrors XEN_SYSCTL_ltt_op (ltt-daemon/src/xen/
// sysctl_abi.hpp) so it builds against Debian's unpatched libxen-dev. This
// file holds the mirror against the patched public header: `make xen`
// compiles it (syntax only) after building Xen, so any drift between the two
// fails the build instead of corrupting a sysctl.
#include <cstddef>
#include <cstdint>

#include <xen/sysctl.h>
#include <xen/xen.h>

#include "xen/sysctl_abi.hpp"

namespace m = lttd::xen;

#define SAME_FIELD(ours, theirs, field)                                        \
    static_assert(offsetof(m::ours, field) == offsetof(theirs, field) &&       \
                      sizeof(m::ours::field) == sizeof(theirs::field),         \
                  #ours "." #field " differs from " #theirs)

static_assert(m::sysctl_ltt_op == XEN_SYSCTL_ltt_op);
static_assert(m::sysctl_interface == XEN_SYSCTL_INTERFACE_VERSION);
static_assert(m::ltt_interface == XEN_SYSCTL_LTT_INTERFACE_VERSION);
static_assert(m::hypercall_sysctl == __HYPERVISOR_sysctl);
static_assert(m::domid_xen == DOMID_XEN);
static_assert(m::virq_ltt == VIRQ_LTT);
static_assert(m::flush_empty == XEN_SYSCTL_LTT_FLUSH_empty);
static_assert(m::events_all == XEN_SYSCTL_LTT_EVENTS_all &&
              m::events_facility == XEN_SYSCTL_LTT_EVENTS_facility &&
              m::events_event == XEN_SYSCTL_LTT_EVENTS_event);
static_assert(static_cast<uint32_t>(m::ltt_cmd::query) == XEN_SYSCTL_LTT_query &&
              static_cast<uint32_t>(m::ltt_cmd::cpu_info) == XEN_SYSCTL_LTT_cpu_info &&
              static_cast<uint32_t>(m::ltt_cmd::setup) == XEN_SYSCTL_LTT_setup &&
              static_cast<uint32_t>(m::ltt_cmd::enable) == XEN_SYSCTL_LTT_enable &&
              static_cast<uint32_t>(m::ltt_cmd::disable) == XEN_SYSCTL_LTT_disable &&
              static_cast<uint32_t>(m::ltt_cmd::start) == XEN_SYSCTL_LTT_start &&
              static_cast<uint32_t>(m::ltt_cmd::stop) == XEN_SYSCTL_LTT_stop &&
              static_cast<uint32_t>(m::ltt_cmd::flush) == XEN_SYSCTL_LTT_flush &&
              static_cast<uint32_t>(m::ltt_cmd::get_subbuf) == XEN_SYSCTL_LTT_get_subbuf &&
              static_cast<uint32_t>(m::ltt_cmd::put_subbuf) == XEN_SYSCTL_LTT_put_subbuf &&
              static_cast<uint32_t>(m::ltt_cmd::teardown) == XEN_SYSCTL_LTT_teardown &&
              static_cast<uint32_t>(m::ltt_cmd::statedump) == XEN_SYSCTL_LTT_statedump);

static_assert(sizeof(m::ltt_facility) == sizeof(xen_sysctl_ltt_facility));
SAME_FIELD(ltt_facility, xen_sysctl_ltt_facility, checksum);
SAME_FIELD(ltt_facility, xen_sysctl_ltt_facility, nr_events);

static_assert(sizeof(m::ltt_query) == sizeof(xen_sysctl_ltt_query));
SAME_FIELD(ltt_query, xen_sysctl_ltt_query, cpu_khz);
SAME_FIELD(ltt_query, xen_sysctl_ltt_query, nr_events);
SAME_FIELD(ltt_query, xen_sysctl_ltt_query, data_pages);
SAME_FIELD(ltt_query, xen_sysctl_ltt_query, generation);
SAME_FIELD(ltt_query, xen_sysctl_ltt_query, uuid);
SAME_FIELD(ltt_query, xen_sysctl_ltt_query, facilities);
SAME_FIELD(ltt_query, xen_sysctl_ltt_query, enabled);

static_assert(sizeof(m::ltt_cpu_info) == sizeof(xen_sysctl_ltt_cpu_info));
SAME_FIELD(ltt_cpu_info, xen_sysctl_ltt_cpu_info, max_mfns);
SAME_FIELD(ltt_cpu_info, xen_sysctl_ltt_cpu_info, mfns);

static_assert(sizeof(m::ltt_setup) == sizeof(xen_sysctl_ltt_setup));
SAME_FIELD(ltt_setup, xen_sysctl_ltt_setup, nr_subbufs);
SAME_FIELD(ltt_setup, xen_sysctl_ltt_setup, switch_timer_ms);
SAME_FIELD(ltt_setup, xen_sysctl_ltt_setup, uuid);

static_assert(sizeof(m::ltt_events) == sizeof(xen_sysctl_ltt_events));
static_assert(sizeof(m::ltt_flush) == sizeof(xen_sysctl_ltt_flush));
SAME_FIELD(ltt_flush, xen_sysctl_ltt_flush, nr_closed);
static_assert(sizeof(m::ltt_subbuf) == sizeof(xen_sysctl_ltt_subbuf));
SAME_FIELD(ltt_subbuf, xen_sysctl_ltt_subbuf, skipped);

static_assert(sizeof(m::ltt_op) == sizeof(xen_sysctl_ltt_op));
SAME_FIELD(ltt_op, xen_sysctl_ltt_op, cpu);
SAME_FIELD(ltt_op, xen_sysctl_ltt_op, u);
static_assert(sizeof(m::sysctl) == sizeof(xen_sysctl));
static_assert(offsetof(m::sysctl, u) == offsetof(xen_sysctl, u));
