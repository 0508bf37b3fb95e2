#include "xentrace_mapping.hpp"

#include "xentrace_reader.hpp"

#include <fmt/format.h>

namespace ltt::xentrace {

namespace {

// Event ids and masks of xen/include/public/trace.h (Xen 4.17).
constexpr std::uint32_t class_mask = 0x0ffff000u; // class and subclass
constexpr std::uint32_t trc_sched_min = 0x00021000u;
constexpr std::uint32_t trc_sched_class = 0x00022000u;
constexpr std::uint32_t trc_sched_verbose = 0x00028000u;
constexpr std::uint32_t trc_dom0_domops = 0x00041000u;
constexpr std::uint32_t trc_hvm_entryexit = 0x00081000u;
constexpr std::uint32_t trc_hvm_handler = 0x00082000u;
constexpr std::uint32_t trc_hvm_emul = 0x00084000u;
constexpr std::uint32_t trc_mem = 0x0010f000u;
constexpr std::uint32_t trc_pv_entry = 0x00201000u;
constexpr std::uint32_t trc_pv_subcall = 0x00202000u;
constexpr std::uint32_t trc_hw_pm = 0x00801000u;
constexpr std::uint32_t trc_hw_irq = 0x00802000u;
constexpr std::uint32_t trc_64_flag = 0x100u;
constexpr std::uint32_t trc_hvm_nestedflag = 0x400u;

// TRC_SCHED_VERBOSE + n, n = 1..17: the generic scheduler's seed set, every
// one of them in facilities/xen/sched.xml.
struct verbose_event {
    const char* xen;
    target ours;
};
constexpr verbose_event sched_verbose[] = {
    {"TRC_SCHED_DOM_ADD", target::sched_dom_add},
    {"TRC_SCHED_DOM_REM", target::sched_dom_rem},
    {"TRC_SCHED_SLEEP", target::sched_sleep},
    {"TRC_SCHED_WAKE", target::sched_wake},
    {"TRC_SCHED_YIELD", target::sched_yield},
    {"TRC_SCHED_BLOCK", target::sched_block},
    {"TRC_SCHED_SHUTDOWN", target::sched_shutdown},
    {"TRC_SCHED_CTL", target::sched_ctl},
    {"TRC_SCHED_ADJDOM", target::sched_adjdom},
    {"TRC_SCHED_SWITCH", target::sched_switch},
    {"TRC_SCHED_S_TIMER_FN", target::sched_s_timer_fn},
    {"TRC_SCHED_T_TIMER_FN", target::sched_t_timer_fn},
    {"TRC_SCHED_DOM_TIMER_FN", target::sched_dom_timer_fn},
    {"TRC_SCHED_SWITCH_INFPREV", target::sched_switch_infprev},
    {"TRC_SCHED_SWITCH_INFNEXT", target::sched_switch_infnext},
    {"TRC_SCHED_SHUTDOWN_CODE", target::sched_shutdown_code},
    {"TRC_SCHED_SWITCH_INFCONT", target::sched_switch_infcont},
};

target hvm_handler_target(std::uint32_t event) {
    switch (event - trc_hvm_handler) {
    case 0x02:
        return target::hvm_pf_inject;
    case trc_64_flag | 0x02:
        return target::hvm_pf_inject64;
    case 0x03:
        return target::hvm_exc_inject;
    case 0x04:
        return target::hvm_intr_inject;
    case 0x0f:
        return target::irq_entry;
    case 0x12:
        return target::hypercall_vmcall;
    default:
        return target::none;
    }
}

std::string hex_name(std::string_view prefix, std::uint32_t event) {
    return fmt::format("{}0x{:07x}", prefix, event);
}

// TRC_SCHED_CLASS: scheduler-specific events (credit, credit2, ...), named
// as Xen's formats file names them.
std::string sched_specific_name(std::uint32_t event) {
    static constexpr const char* schedulers[] = {"csched", "csched2", "sched2", "arinc653",
                                                 "rtds",   "null",    "sched6", "sched7"};
    static constexpr const char* csched2[] = {
        nullptr,        "tick",           "runq_pos",       "credit_burn",   "credit_add",
        "tickle_check", "tickle",         "credit_reset",   "sched_tasklet", "update_load",
        "runq_assign",  "updt_vcpu_load", "updt_runq_load", "tickle_new",    "runq_max_weight",
        "migrate",      "load_check",     "load_balance",   "pick_cpu",      "runq_candidate",
        "schedule",     "ratelimit",      "runq_cand_chk",
    };
    const std::uint32_t sched = (event >> 9) & 7;
    const std::uint32_t n = event & 0x1ff;
    if (sched == 1 && n < std::size(csched2) && csched2[n])
        return fmt::format("csched2:{}", csched2[n]);
    return hex_name(fmt::format("{} ", schedulers[sched]), event);
}

std::string hvm_handler_name(std::uint32_t event) {
    const std::uint32_t n = event & ~trc_hvm_handler & ~trc_64_flag;
    const char* suffix = (event & trc_64_flag) ? "64" : "";
    static constexpr const char* names[] = {
        nullptr,      "PF_XEN",     "PF_INJECT",   "INJ_EXC",    "INJ_VIRQ",
        "REINJ_VIRQ", "IO_READ",    "IO_WRITE",    "CR_READ",    "CR_WRITE",
        "DR_READ",    "DR_WRITE",   "MSR_READ",    "MSR_WRITE",  "CPUID",
        "INTR",       "NMI",        "SMI",         "VMMCALL",    "HLT",
        "INVLPG",     "MCE",        "IOPORT_READ", "IOMEM_READ", "CLTS",
        "LMSW",       "RDTSC",      nullptr,       nullptr,      nullptr,
        nullptr,      nullptr,      "INTR_WINDOW", "NPF",        "REALMODE_EMULATE",
        "TRAP",       "TRAP_DEBUG", "VLAPIC",      "XCR_READ",   "XCR_WRITE",
    };
    if (n == 0x216)
        return "TRC_HVM_IOPORT_WRITE";
    if (n == 0x217)
        return "TRC_HVM_IOMEM_WRITE";
    if (n < std::size(names) && names[n])
        return fmt::format("TRC_HVM_{}{}", names[n], suffix);
    return hex_name("TRC_HVM_HANDLER ", event);
}

// Emulated devices (timers, PIC, vLAPIC).
std::string hvm_emul_name(std::uint32_t event) {
    static constexpr const char* names[] = {
        nullptr,           "HPET_START_TIMER",  "PIT_START_TIMER",
        "RTC_START_TIMER", "LAPIC_START_TIMER", "HPET_STOP_TIMER",
        "PIT_STOP_TIMER",  "RTC_STOP_TIMER",    "LAPIC_STOP_TIMER",
        "PIT_TIMER_CB",    "LAPIC_TIMER_CB",    "PIC_INT_OUTPUT",
        "PIC_KICK",        "PIC_INTACK",        "PIC_POSEDGE",
        "PIC_NEGEDGE",     "PIC_PEND_IRQ_CALL", "LAPIC_PIC_INTR",
    };
    const std::uint32_t n = event - trc_hvm_emul;
    if (n < std::size(names) && names[n])
        return fmt::format("TRC_HVM_EMUL_{}", names[n]);
    return hex_name("TRC_HVM_EMUL ", event);
}

std::string pv_entry_name(std::uint32_t event) {
    const std::uint32_t n = event & ~trc_pv_entry & ~trc_64_flag;
    const char* suffix = (event & trc_64_flag) ? "64" : "";
    static constexpr const char* names[] = {
        nullptr,
        "HYPERCALL",
        nullptr,
        "TRAP",
        "PAGE_FAULT",
        "FORCED_INVALID_OP",
        "EMULATE_PRIVOP",
        "EMULATE_4GB",
        "MATH_STATE_RESTORE",
        "PAGING_FIXUP",
        "GDT_LDT_MAPPING_FAULT",
        "PTWR_EMULATION",
        "PTWR_EMULATION_PAE",
        "HYPERCALL_V2",
    };
    if (n < std::size(names) && names[n])
        return fmt::format("TRC_PV_{}{}", names[n], n == 0x0d ? "" : suffix);
    return hex_name("TRC_PV_ENTRY ", event);
}

} // namespace

target target_of(std::uint32_t event) {
    event &= event_mask;
    if (is_trace_bookkeeping(event))
        return target::bookkeeping;
    switch (event & class_mask) {
    case trc_sched_min:
        // trace_runstate_change() puts the old and new states in bits 4-11.
        if ((event & 0xfu) == 1)
            return target::runstate_change;
        if (event == trc_sched_min + 2)
            return target::runstate_continue_running;
        return target::none;
    case trc_sched_verbose: {
        const std::uint32_t n = event - trc_sched_verbose;
        return n >= 1 && n <= std::size(sched_verbose) ? sched_verbose[n - 1].ours : target::none;
    }
    case trc_dom0_domops:
        if (event == trc_dom0_domops + 1)
            return target::domain_create;
        if (event == trc_dom0_domops + 2)
            return target::domain_destroy;
        return target::none;
    case trc_mem:
        switch (event - trc_mem) {
        case 1:
            return target::memory_grant_map;
        case 2:
            return target::memory_grant_unmap;
        case 3:
            return target::memory_grant_transfer;
        default:
            return target::none;
        }
    case trc_hvm_entryexit:
        // Nested (L2) entries and exits are entries and exits too.
        switch (event & ~trc_hvm_entryexit & ~trc_hvm_nestedflag) {
        case 0x01:
            return target::hvm_vmentry;
        case 0x02:
            return target::hvm_vmexit;
        case trc_64_flag | 0x02:
            return target::hvm_vmexit64;
        default:
            return target::none;
        }
    case trc_hvm_handler:
        return hvm_handler_target(event);
    case trc_pv_entry:
        if (event == trc_pv_entry + 0x01)
            return target::hypercall;
        if (event == (trc_pv_entry | trc_64_flag) + 0x01)
            return target::hypercall64;
        if (event == trc_pv_entry + 0x0d)
            return target::hypercall_v2;
        return target::none;
    case trc_pv_subcall:
        return event == trc_pv_subcall + 14 ? target::hypercall_v2 : target::none;
    default:
        return target::none;
    }
}

std::array<std::string_view, 2> ltt_events(target t) {
    switch (t) {
    case target::none:
    case target::bookkeeping:
        return {};
    case target::runstate_change:
        return {"runstate_change"};
    case target::runstate_continue_running:
        return {"runstate_continue_running"};
    case target::sched_dom_add:
        return {"sched_dom_add"};
    case target::sched_dom_rem:
        return {"sched_dom_rem"};
    case target::sched_sleep:
        return {"sched_sleep"};
    case target::sched_wake:
        return {"sched_wake"};
    case target::sched_yield:
        return {"sched_yield"};
    case target::sched_block:
        return {"sched_block"};
    case target::sched_shutdown:
        return {"sched_shutdown"};
    case target::sched_ctl:
        return {"sched_ctl"};
    case target::sched_adjdom:
        return {"sched_adjdom"};
    case target::sched_switch:
        return {"sched_switch"};
    case target::sched_s_timer_fn:
        return {"sched_s_timer_fn"};
    case target::sched_t_timer_fn:
        return {"sched_t_timer_fn"};
    case target::sched_dom_timer_fn:
        return {"sched_dom_timer_fn"};
    case target::sched_switch_infprev:
        return {"sched_switch_infprev"};
    case target::sched_switch_infnext:
        return {"sched_switch_infnext"};
    case target::sched_shutdown_code:
        return {"sched_shutdown_code"};
    case target::sched_switch_infcont:
        return {"sched_switch_infcont"};
    case target::domain_create:
        return {"domain_create"};
    case target::domain_destroy:
        return {"domain_destroy"};
    case target::memory_grant_map:
        return {"memory_grant_map"};
    case target::memory_grant_unmap:
        return {"memory_grant_unmap"};
    case target::memory_grant_transfer:
        return {"memory_grant_transfer"};
    case target::hvm_vmentry:
        return {"hvm_vmentry"};
    case target::hvm_vmexit:
    case target::hvm_vmexit64:
        return {"hvm_vmexit"};
    case target::hvm_intr_inject:
        return {"hvm_intr_inject"};
    case target::hvm_exc_inject:
    case target::hvm_pf_inject:
    case target::hvm_pf_inject64:
        return {"hvm_exc_inject"};
    case target::irq_entry:
        return {"irq_entry"};
    case target::hypercall:
    case target::hypercall64:
    case target::hypercall_v2:
    case target::hypercall_vmcall:
        return {"hypercall_entry"};
    }
    return {};
}

std::string xen_name(std::uint32_t event) {
    event &= event_mask;
    if (is_trace_bookkeeping(event)) {
        switch (event) {
        case trc_lost_records:
            return "TRC_LOST_RECORDS";
        case trc_trace_wrap_buffer:
            return "TRC_TRACE_WRAP_BUFFER";
        case trc_trace_cpu_change:
            return "TRC_TRACE_CPU_CHANGE";
        default:
            return hex_name("TRC_GEN ", event);
        }
    }
    switch (event & class_mask) {
    case trc_sched_min:
        if ((event & 0xfu) == 1)
            return "TRC_SCHED_RUNSTATE_CHANGE";
        if (event == trc_sched_min + 2)
            return "TRC_SCHED_CONTINUE_RUNNING";
        return hex_name("TRC_SCHED_MIN ", event);
    case trc_sched_verbose: {
        const std::uint32_t n = event - trc_sched_verbose;
        if (n >= 1 && n <= std::size(sched_verbose))
            return sched_verbose[n - 1].xen;
        return hex_name("TRC_SCHED_VERBOSE ", event);
    }
    case trc_sched_class:
        return sched_specific_name(event);
    case trc_dom0_domops:
        if (event == trc_dom0_domops + 1)
            return "TRC_DOM0_DOM_ADD";
        if (event == trc_dom0_domops + 2)
            return "TRC_DOM0_DOM_REM";
        return hex_name("TRC_DOM0_DOMOPS ", event);
    case trc_mem: {
        static constexpr const char* names[] = {
            nullptr,
            "TRC_MEM_PAGE_GRANT_MAP",
            "TRC_MEM_PAGE_GRANT_UNMAP",
            "TRC_MEM_PAGE_GRANT_TRANSFER",
            "TRC_MEM_SET_P2M_ENTRY",
            "TRC_MEM_DECREASE_RESERVATION",
        };
        const std::uint32_t n = event - trc_mem;
        return n < std::size(names) && names[n] ? names[n] : hex_name("TRC_MEM ", event);
    }
    case trc_hvm_entryexit: {
        const char* nested = (event & trc_hvm_nestedflag) ? "n" : "";
        switch (event & ~trc_hvm_entryexit & ~trc_hvm_nestedflag) {
        case 0x01:
            return fmt::format("TRC_HVM_{}VMENTRY", nested);
        case 0x02:
            return fmt::format("TRC_HVM_{}VMEXIT", nested);
        case trc_64_flag | 0x02:
            return fmt::format("TRC_HVM_{}VMEXIT64", nested);
        default:
            return hex_name("TRC_HVM_ENTRYEXIT ", event);
        }
    }
    case trc_hvm_handler:
        return hvm_handler_name(event);
    case trc_hvm_emul:
        return hvm_emul_name(event);
    case trc_pv_entry:
        return pv_entry_name(event);
    case trc_pv_subcall:
        if (event == trc_pv_subcall + 14)
            return "TRC_PV_HYPERCALL_SUBCALL";
        return hex_name("TRC_PV_SUBCALL ", event);
    case trc_hw_irq:
        if (event == trc_hw_irq + 8)
            return "TRC_HW_IRQ_HANDLED";
        return hex_name("TRC_HW_IRQ ", event);
    case trc_hw_pm:
        return hex_name("TRC_HW_PM ", event);
    default:
        return hex_name("", event);
    }
}

std::string_view to_string(match m) {
    switch (m) {
    case match::equivalent:
        return "equivalent";
    case match::conservative:
        return "conservative";
    case match::excluded:
        return "excluded";
    }
    return "?";
}

xentrace_class classify(std::uint32_t event) {
    const target t = target_of(event);
    xentrace_class c{xen_name(event), match::conservative, {}};
    if (t == target::bookkeeping) {
        c.kind = match::excluded;
    } else if (t != target::none) {
        c.kind = match::equivalent;
        c.ours = ltt_events(t);
    }
    return c;
}

} // namespace ltt::xentrace
