// xen/xen_control.hpp - XEN_SYSCTL_ltt_op from dom0: the sysctl issued
// through libxencall (privcmd), with the struct and everything its guest
// handles point to in hypercall-safe memory (xencall_alloc_buffer), as Xen
// requires. Each call returns 0 or a positive errno value, which
// xen_control::describe() turns into words for the user.
#pragma once

#include "xen/sysctl_abi.hpp"

#include <cstdint>
#include <string>
#include <vector>

struct xencall_handle;

namespace lttd::xen {

struct query_result {
    ltt_query q{};
    std::vector<ltt_facility> facilities; // filled when asked for
    std::vector<std::uint8_t> enabled;    // per event id, when asked for
};

class xen_control {
public:
    // source_error when privcmd cannot be opened (not dom0, module missing).
    xen_control();
    ~xen_control();
    xen_control(const xen_control&) = delete;
    xen_control& operator=(const xen_control&) = delete;

    // One sub-op; `op` is sent and the answer copied back (Xen writes the
    // OUT fields on failure too).
    int call(ltt_op& op);

    int query(query_result& out, bool lists);
    // The CPU's frames: control, consumer, data (README "cpu_info").
    int cpu_info(std::uint32_t cpu, ltt_cpu_info& info, std::vector<std::uint64_t>& mfns);
    int setup(const ltt_setup& s);
    int events(bool enable, std::uint32_t which, std::uint32_t id);
    int flush(std::uint32_t flags, std::uint32_t& closed);
    int get_subbuf(std::uint32_t cpu, ltt_subbuf& out);
    int simple(ltt_cmd cmd, std::uint32_t cpu = 0);

    // "what: ERRNO_NAME (meaning for this sub-op)".
    static std::string describe(const char* what, int err);

private:
    xencall_handle* xcall_ = nullptr;
    sysctl* buf_ = nullptr; // one page of hypercall memory
};

} // namespace lttd::xen
