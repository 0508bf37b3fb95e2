// xentrace_mapping.hpp - which ltt-xen event (facilities/xen/*.xml) records
// what a xentrace event records, for comparing the two encodings.
//
//   TRC_SCHED_* (verbose set)       -> sched_*
//   runstate change / continue      -> runstate_change / runstate_continue_running
//   TRC_DOM0_DOM_ADD / _REM         -> domain_create / domain_destroy
//   TRC_MEM_PAGE_GRANT_*            -> memory_grant_*
//   TRC_HVM_VMENTRY / VMEXIT(64)    -> hvm_vmentry / hvm_vmexit (nested ones too)
//   TRC_HVM_INJ_VIRQ                -> hvm_intr_inject
//   TRC_HVM_INJ_EXC, PF_INJECT(64)  -> hvm_exc_inject
//   TRC_HVM_INTR (external-interrupt exit, its vector) -> irq_entry (the
//                                      physical interrupt Xen then handles)
//   TRC_PV_HYPERCALL(_V2), multicall TRC_PV_HYPERCALL_SUBCALL -> hypercall_entry
//   TRC_HW_IRQ_HANDLED (irq, entry and exit TSC) -> irq_entry + irq_exit
//   TRC_GEN (lost records, buffer wrap, CPU change) -> excluded: xentrace's
//                                      own bookkeeping; ltt-xen counts losses
//                                      in the packet context instead
//   anything else (scheduler-specific, PV traps and page faults, other HVM
//   handlers, emulated devices, ...) -> no ltt-xen equivalent yet: counted
//                                      conservatively as one ltt-xen record
//                                      carrying the same data words.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ltt::bench {

enum class match : std::uint8_t {
    equivalent,   // recorded by the ltt-xen event(s) named
    conservative, // no equivalent: same payload as xentrace's data words
    excluded,     // xentrace bookkeeping, not an event
};

std::string_view to_string(match m);

struct xentrace_class {
    std::string name; // xentrace's name for the event, e.g. "TRC_SCHED_SWITCH"
    match kind = match::conservative;
    std::array<std::string_view, 2> ours{}; // ltt-xen event names (equivalent only)
};

// The class of a xentrace event id (bits 0-27 of a record header).
xentrace_class classify(std::uint32_t event);

} // namespace ltt::bench
