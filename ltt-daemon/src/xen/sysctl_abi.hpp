// xen/sysctl_abi.hpp - XEN_SYSCTL_ltt_op as dom0 sees it, mirrored from the
// patched public header (xen-patches/0001, documented in
// xen-patches/README.md "The sysctl").
//
// Why a mirror and not the header: lttd builds and its tests run on any
// machine with Debian's libxen-dev, whose <xen/sysctl.h> predates the
// sub-op. The layout is pinned by the static_asserts below (offsets from
// the README's tables) and checked against the patched header itself when
// `make xen` builds (xen-patches/tools/abi_check.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lttd::xen {

inline constexpr std::uint32_t sysctl_ltt_op = 64;      // struct xen_sysctl cmd
inline constexpr std::uint32_t sysctl_interface = 0x15; // XEN_SYSCTL_INTERFACE_VERSION
inline constexpr std::uint32_t ltt_interface = 1;       // XEN_SYSCTL_LTT_INTERFACE_VERSION
inline constexpr int hypercall_sysctl = 35;             // __HYPERVISOR_sysctl
inline constexpr std::uint32_t domid_xen = 0x7FF2;      // DOMID_XEN
inline constexpr unsigned virq_ltt = 14;                // VIRQ_LTT (global)

enum class ltt_cmd : std::uint32_t {
    query = 0,
    cpu_info = 1,
    setup = 2,
    enable = 3,
    disable = 4,
    start = 5,
    stop = 6,
    flush = 7,
    get_subbuf = 8,
    put_subbuf = 9,
    teardown = 10,
    statedump = 11,
};

enum class ltt_state : std::uint32_t { none = 0, setup = 1, started = 2 };

inline constexpr std::uint32_t events_all = 0;
inline constexpr std::uint32_t events_facility = 1;
inline constexpr std::uint32_t events_event = 2;
inline constexpr std::uint32_t flush_empty = 1;

struct ltt_facility {
    char name[48];
    std::uint32_t checksum;
    std::uint32_t base;
    std::uint32_t nr_events;
    std::uint32_t pad;
};

struct ltt_query {
    std::uint32_t state;
    std::uint32_t nr_cpus;
    std::uint32_t nr_online_cpus;
    std::uint32_t header_type;
    std::uint64_t cpu_khz;
    std::uint32_t nr_facilities;
    std::uint32_t max_facilities;
    std::uint32_t nr_events;
    std::uint32_t max_events;
    std::uint32_t subbuf_order;
    std::uint32_t nr_subbufs_order;
    std::uint32_t mode;
    std::uint32_t switch_timer_ms;
    std::uint32_t ctl_pages;
    std::uint32_t data_pages;
    std::uint32_t generation;
    std::uint32_t pad;
    std::uint8_t uuid[16];
    std::uint64_t facilities; // guest handle: ltt_facility[]
    std::uint64_t enabled;    // guest handle: uint8_t[]
};

struct ltt_cpu_info {
    std::uint32_t online;
    std::uint32_t ctl_pages;
    std::uint32_t data_pages;
    std::uint32_t nr_mfns;
    std::uint32_t max_mfns;
    std::uint32_t pad;
    std::uint64_t mfns; // guest handle: uint64_t[]
};

struct ltt_setup {
    std::uint64_t subbuf_size;
    std::uint32_t nr_subbufs;
    std::uint32_t mode;
    std::uint32_t switch_timer_ms;
    std::uint32_t flags;
    std::uint8_t uuid[16];
};

struct ltt_events {
    std::uint32_t which;
    std::uint32_t id;
};

struct ltt_flush {
    std::uint32_t flags;
    std::uint32_t nr_closed;
};

struct ltt_subbuf {
    std::uint64_t offset;
    std::uint64_t size;
    std::uint64_t seq;
    std::uint64_t skipped;
};

struct ltt_op {
    std::uint32_t interface_version;
    std::uint32_t cmd;
    std::uint32_t cpu;
    std::uint32_t pad;
    union {
        ltt_query query;
        ltt_cpu_info cpu_info;
        ltt_setup setup;
        ltt_events events;
        ltt_flush flush;
        ltt_subbuf subbuf;
        std::uint8_t raw[112];
    } u;
};

// struct xen_sysctl: cmd, interface_version, then a 128-byte union.
struct sysctl {
    std::uint32_t cmd;
    std::uint32_t interface_version;
    union {
        ltt_op ltt;
        std::uint8_t raw[128];
    } u;
};

static_assert(sizeof(ltt_facility) == 64);
static_assert(offsetof(ltt_query, cpu_khz) == 16);
static_assert(offsetof(ltt_query, subbuf_order) == 40);
static_assert(offsetof(ltt_query, generation) == 64);
static_assert(offsetof(ltt_query, uuid) == 72);
static_assert(offsetof(ltt_query, facilities) == 88);
static_assert(offsetof(ltt_query, enabled) == 96);
static_assert(sizeof(ltt_query) == 104);
static_assert(offsetof(ltt_cpu_info, mfns) == 24 && sizeof(ltt_cpu_info) == 32);
static_assert(offsetof(ltt_setup, uuid) == 24 && sizeof(ltt_setup) == 40);
static_assert(sizeof(ltt_subbuf) == 32);
static_assert(offsetof(ltt_op, u) == 16 && sizeof(ltt_op) == 128);
static_assert(offsetof(sysctl, u) == 8 && sizeof(sysctl) == 136);

} // namespace lttd::xen
