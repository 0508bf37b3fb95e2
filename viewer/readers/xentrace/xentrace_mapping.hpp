// xentrace_mapping.hpp - which ltt-xen event (facilities/xen/*.xml) records
// what a xentrace event records: the one mapping the viewer's xentrace reader
// decodes with and bench's encoding comparison sizes with.
//
//   TRC_SCHED_RUNSTATE_CHANGE / CONTINUE_RUNNING -> runstate_change /
//                                      runstate_continue_running
//   TRC_SCHED_* (the verbose seed set)  -> sched_*
//   TRC_DOM0_DOM_ADD / _REM             -> domain_create / domain_destroy
//   TRC_MEM_PAGE_GRANT_*                -> memory_grant_*
//   TRC_HVM_(n)VMENTRY, (n)VMEXIT(64)   -> hvm_vmentry, hvm_vmexit (VMX) or
//                                      hvm_svm_vmexit (SVM: the reader decides)
//   TRC_HVM_INJ_VIRQ                    -> hvm_intr_inject
//   TRC_HVM_INJ_EXC, PF_INJECT(64)      -> hvm_exc_inject
//   TRC_HVM_INTR with its vector (VMX: vmx_do_extint, just before do_IRQ)
//                                   -> irq_entry
//   TRC_PV_HYPERCALL(64), _V2, multicall TRC_PV_HYPERCALL_SUBCALL, and
//   TRC_HVM_VMMCALL (the VMCALL exit's hypercall number)
//                                   -> hypercall_entry (xenalyze counts
//                                      subcalls and VMCALLs by number too)
//   TRC_GEN (lost records, buffer wrap, CPU change) -> bookkeeping: the
//                                      reader turns lost records into
//                                      lost_events, keeps wraps as records of
//                                      their own and CPU changes as framing
//   anything else (scheduler-specific, PV traps and page faults, other HVM
//   handlers, emulated devices, TRC_HW_IRQ_HANDLED...) -> none: the reader
//                                      names it from Xen's formats file with
//                                      its data words as fields.
//
// TRC_HW_IRQ_HANDLED (irq, entry TSC, exit TSC) is not an irq_entry/irq_exit
// pair: it is written when the handler ends, after records of what the
// handler did (wakeups of the vCPUs it signalled), so an irq_entry at its
// entry TSC would come after events it precedes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ltt::xentrace {

// What a xentrace event id becomes in ltt-xen's vocabulary.
enum class target : std::uint8_t {
    none,        // no ltt-xen event records it
    bookkeeping, // TRC_GEN: xentrace's own records
    runstate_change,
    runstate_continue_running,
    sched_dom_add,
    sched_dom_rem,
    sched_sleep,
    sched_wake,
    sched_yield,
    sched_block,
    sched_shutdown,
    sched_ctl,
    sched_adjdom,
    sched_switch,
    sched_s_timer_fn,
    sched_t_timer_fn,
    sched_dom_timer_fn,
    sched_switch_infprev,
    sched_switch_infnext,
    sched_shutdown_code,
    sched_switch_infcont,
    domain_create,
    domain_destroy,
    memory_grant_map,
    memory_grant_unmap,
    memory_grant_transfer,
    hvm_vmentry,
    hvm_vmexit,      // exit reason, rip (32-bit)
    hvm_vmexit64,    // exit reason, rip low, rip high
    hvm_intr_inject, // vector, fake
    hvm_exc_inject,  // vector, error code
    hvm_pf_inject,   // error code, cr2 (32-bit)
    hvm_pf_inject64, // error code, cr2 low, cr2 high
    irq_entry,       // vector
    hypercall,       // eip, eax (TRC_PV_HYPERCALL)
    hypercall64,     // rip low, rip high, eax
    hypercall_v2,    // op | argument-presence bits, arguments
    hypercall_vmcall // eax
};

// The target of a xentrace event id (bits 0-27 of a record header).
target target_of(std::uint32_t event);

// The ltt-xen event(s) a target is recorded as ("hvm_vmexit" stands for
// hvm_svm_vmexit too); empty for none and bookkeeping.
std::array<std::string_view, 2> ltt_events(target t);

// Xen's name for an event id: the TRC_* macro of xen/include/public/trace.h
// where there is one, the formats file's name for the scheduler-specific
// ones, else the class and the hex id.
std::string xen_name(std::uint32_t event);

// For bench's comparison: how an event is counted.
enum class match : std::uint8_t {
    equivalent,   // recorded by the ltt-xen event(s) named
    conservative, // no equivalent: same payload as xentrace's data words
    excluded,     // xentrace bookkeeping, not an event
};

std::string_view to_string(match m);

struct xentrace_class {
    std::string name; // xen_name()
    match kind = match::conservative;
    std::array<std::string_view, 2> ours{}; // ltt_events() (equivalent only)
};

xentrace_class classify(std::uint32_t event);

} // namespace ltt::xentrace
