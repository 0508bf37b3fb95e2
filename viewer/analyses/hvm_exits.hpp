// analyses/hvm_exits.hpp - per domain and vCPU, HVM exits by reason: how
// many, the time from each exit until the vCPU could run guest code again,
// the average and the p5/p50/p95/p99 of those times (plain percentiles: each
// exit counts once, as xenalyze's), the average again in TSC cycles
// (avg_cycles: a count, never turned into seconds), and for VMCALL exits the
// same per hypercall number. SVM exit codes are named by the facility's
// hvm_svm_exit_code (vmmcall, cpuid, ioio, msr, hlt, intr...).
//
// An exit (hvm_vmexit, or hvm_svm_vmexit with SVM's exit codes) belongs to
// the vCPU its fields name, or to the vCPU running on its physical CPU when
// they were not recorded. It ends at the next hvm_vmentry on the physical
// CPU that vCPU runs on, or when the vCPU becomes runnable again (a HLT
// exit that blocked the vCPU lasts until it is woken: the wait for a
// physical CPU after that is not the exit's), as xenalyze ends them. A
// hypercall_entry during a VMCALL exit gives it its hypercall number. An
// exit whose end comes before its start (another CPU's skewed TSC) is not
// counted; an exit followed by another exit of the same vCPU without an
// entry, every exit open at a loss report and at the end are not counted
// (the notes say how many).
//
// With xenalyze_compat the average is over the exits with a nonzero length,
// as xenalyze's.
#pragma once

#include "analysis.hpp"
#include "duration_stats.hpp"
#include "xen_vcpu.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

namespace ltt::viewer {

class hvm_exits final : public analysis {
public:
    hvm_exits(const analysis_context& context, bool xenalyze_compat);
    std::string_view name() const noexcept override { return "hvm_exits"; }
    void on_event(const event& e) override;
    result finish() override;

private:
    struct open_exit {
        std::uint64_t ts = 0;
        const event_class* cls = nullptr; // VMX or SVM exit
        std::int64_t reason = 0;
        std::optional<std::uint64_t> hypercall;
    };
    // (vCPU, exit class, reason)
    using exit_key = std::tuple<vcpu_id, const event_class*, std::int64_t>;

    void close(vcpu_id v, std::uint64_t ts);

    analysis_context context_;
    bool compat_;
    const event_class* vmx_exit_ = nullptr;
    const event_class* svm_exit_ = nullptr;
    const event_class* entry_ = nullptr;
    const event_class* change_ = nullptr;
    const event_class* hypercall_ = nullptr;
    const event_class* loss_ = nullptr;
    vcpu_fields vmx_fields_, svm_fields_, change_fields_;
    std::size_t f_vmx_reason_ = 0, f_svm_reason_ = 0, f_new_state_ = 0, f_number_ = 0;
    std::map<vcpu_id, open_exit> open_;
    std::map<exit_key, duration_stats> exits_;
    std::map<std::pair<vcpu_id, std::uint64_t>, duration_stats> vmcalls_;
    std::uint64_t unattributed_ = 0; // exits of an unknown vCPU
    std::uint64_t unended_ = 0;      // a second exit before an entry
    std::uint64_t backwards_ = 0;    // end before start
    std::uint64_t lost_ = 0;         // open at a loss report
};

} // namespace ltt::viewer
