#include "xentrace_mapping.hpp"

#include "xentrace_reader.hpp"

#include <fmt/format.h>

#include <utility>

namespace ltt::bench {

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

xentrace_class same(std::string name, std::string_view ours,
                    std::string_view ours2 = std::string_view()) {
    return {std::move(name), match::equivalent, {ours, ours2}};
}

xentrace_class none(std::string name) {
    return {std::move(name), match::conservative, {}};
}

std::string hex_name(std::string_view prefix, std::uint32_t event) {
    return fmt::format("{}0x{:07x}", prefix, event);
}

// TRC_SCHED_VERBOSE + n: the generic scheduler's seed set, all in sched.xml.
xentrace_class sched_verbose(std::uint32_t event) {
    struct entry {
        const char* xen;
        const char* ours;
    };
    static constexpr entry table[] = {
        {"TRC_SCHED_DOM_ADD", "sched_dom_add"},
        {"TRC_SCHED_DOM_REM", "sched_dom_rem"},
        {"TRC_SCHED_SLEEP", "sched_sleep"},
        {"TRC_SCHED_WAKE", "sched_wake"},
        {"TRC_SCHED_YIELD", "sched_yield"},
        {"TRC_SCHED_BLOCK", "sched_block"},
        {"TRC_SCHED_SHUTDOWN", "sched_shutdown"},
        {"TRC_SCHED_CTL", "sched_ctl"},
        {"TRC_SCHED_ADJDOM", "sched_adjdom"},
        {"TRC_SCHED_SWITCH", "sched_switch"},
        {"TRC_SCHED_S_TIMER_FN", "sched_s_timer_fn"},
        {"TRC_SCHED_T_TIMER_FN", "sched_t_timer_fn"},
        {"TRC_SCHED_DOM_TIMER_FN", "sched_dom_timer_fn"},
        {"TRC_SCHED_SWITCH_INFPREV", "sched_switch_infprev"},
        {"TRC_SCHED_SWITCH_INFNEXT", "sched_switch_infnext"},
        {"TRC_SCHED_SHUTDOWN_CODE", "sched_shutdown_code"},
        {"TRC_SCHED_SWITCH_INFCONT", "sched_switch_infcont"},
    };
    const std::uint32_t n = event - trc_sched_verbose;
    if (n >= 1 && n <= std::size(table))
        return same(table[n - 1].xen, table[n - 1].ours);
    return none(hex_name("TRC_SCHED_VERBOSE ", event));
}

// TRC_SCHED_CLASS: scheduler-specific events (credit, credit2, ...), which
// ltt-xen has no facility for yet. Named as Xen's formats file names them.
xentrace_class sched_specific(std::uint32_t event) {
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
        return none(fmt::format("csched2:{}", csched2[n]));
    return none(hex_name(fmt::format("{} ", schedulers[sched]), event));
}

xentrace_class hvm_handler(std::uint32_t event) {
    const std::uint32_t n = event & ~trc_hvm_handler & ~trc_64_flag;
    const char* suffix = (event & trc_64_flag) ? "64" : "";
    switch (n) {
    case 0x02:
        return same(fmt::format("TRC_HVM_PF_INJECT{}", suffix), "hvm_exc_inject");
    case 0x03:
        return same("TRC_HVM_INJ_EXC", "hvm_exc_inject");
    case 0x04:
        return same("TRC_HVM_INJ_VIRQ", "hvm_intr_inject");
    case 0x0f:
        return same("TRC_HVM_INTR", "irq_entry");
    default:
        break;
    }
    static constexpr const char* names[] = {
        nullptr,      "PF_XEN",     nullptr,       nullptr,      nullptr,
        "REINJ_VIRQ", "IO_READ",    "IO_WRITE",    "CR_READ",    "CR_WRITE",
        "DR_READ",    "DR_WRITE",   "MSR_READ",    "MSR_WRITE",  "CPUID",
        nullptr,      "NMI",        "SMI",         "VMMCALL",    "HLT",
        "INVLPG",     "MCE",        "IOPORT_READ", "IOMEM_READ", "CLTS",
        "LMSW",       "RDTSC",      nullptr,       nullptr,      nullptr,
        nullptr,      nullptr,      "INTR_WINDOW", "NPF",        "REALMODE_EMULATE",
        "TRAP",       "TRAP_DEBUG", "VLAPIC",      "XCR_READ",   "XCR_WRITE",
    };
    if (n == 0x216)
        return none("TRC_HVM_IOPORT_WRITE");
    if (n == 0x217)
        return none("TRC_HVM_IOMEM_WRITE");
    if (n < std::size(names) && names[n])
        return none(fmt::format("TRC_HVM_{}{}", names[n], suffix));
    return none(hex_name("TRC_HVM_HANDLER ", event));
}

// Emulated devices (timers, PIC, vLAPIC): no ltt-xen facility yet.
xentrace_class hvm_emul(std::uint32_t event) {
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
        return none(fmt::format("TRC_HVM_EMUL_{}", names[n]));
    return none(hex_name("TRC_HVM_EMUL ", event));
}

xentrace_class pv_entry(std::uint32_t event) {
    const std::uint32_t n = event & ~trc_pv_entry & ~trc_64_flag;
    const char* suffix = (event & trc_64_flag) ? "64" : "";
    if (n == 0x01)
        return same(fmt::format("TRC_PV_HYPERCALL{}", suffix), "hypercall_entry");
    if (n == 0x0d)
        return same("TRC_PV_HYPERCALL_V2", "hypercall_entry");
    static constexpr const char* names[] = {
        nullptr,
        nullptr,
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
    };
    if (n < std::size(names) && names[n])
        return none(fmt::format("TRC_PV_{}{}", names[n], suffix));
    return none(hex_name("TRC_PV_ENTRY ", event));
}

} // namespace

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
    event &= xentrace::event_mask;
    if (xentrace::is_trace_bookkeeping(event)) {
        switch (event) {
        case xentrace::trc_lost_records:
            return {"TRC_LOST_RECORDS", match::excluded, {}};
        case xentrace::trc_trace_wrap_buffer:
            return {"TRC_TRACE_WRAP_BUFFER", match::excluded, {}};
        case xentrace::trc_trace_cpu_change:
            return {"TRC_TRACE_CPU_CHANGE", match::excluded, {}};
        default:
            return {hex_name("TRC_GEN ", event), match::excluded, {}};
        }
    }
    switch (event & class_mask) {
    case trc_sched_min:
        // trace_runstate_change() puts the old and new states in bits 4-11.
        if ((event & 0xfu) == 1)
            return same("TRC_SCHED_RUNSTATE_CHANGE", "runstate_change");
        if ((event & 0xfu) == 2)
            return same("TRC_SCHED_CONTINUE_RUNNING", "runstate_continue_running");
        return none(hex_name("TRC_SCHED_MIN ", event));
    case trc_sched_verbose:
        return sched_verbose(event);
    case trc_sched_class:
        return sched_specific(event);
    case trc_dom0_domops:
        if (event == trc_dom0_domops + 1)
            return same("TRC_DOM0_DOM_ADD", "domain_create");
        if (event == trc_dom0_domops + 2)
            return same("TRC_DOM0_DOM_REM", "domain_destroy");
        return none(hex_name("TRC_DOM0_DOMOPS ", event));
    case trc_mem:
        switch (event - trc_mem) {
        case 1:
            return same("TRC_MEM_PAGE_GRANT_MAP", "memory_grant_map");
        case 2:
            return same("TRC_MEM_PAGE_GRANT_UNMAP", "memory_grant_unmap");
        case 3:
            return same("TRC_MEM_PAGE_GRANT_TRANSFER", "memory_grant_transfer");
        case 4:
            return none("TRC_MEM_SET_P2M_ENTRY");
        case 5:
            return none("TRC_MEM_DECREASE_RESERVATION");
        default:
            return none(hex_name("TRC_MEM ", event));
        }
    case trc_hvm_entryexit: {
        const char* nested = (event & trc_hvm_nestedflag) ? "n" : "";
        const std::uint32_t n = event & ~trc_hvm_entryexit & ~trc_hvm_nestedflag;
        if (n == 0x01)
            return same(fmt::format("TRC_HVM_{}VMENTRY", nested), "hvm_vmentry");
        if (n == 0x02)
            return same(fmt::format("TRC_HVM_{}VMEXIT", nested), "hvm_vmexit");
        if (n == (trc_64_flag | 0x02))
            return same(fmt::format("TRC_HVM_{}VMEXIT64", nested), "hvm_vmexit");
        return none(hex_name("TRC_HVM_ENTRYEXIT ", event));
    }
    case trc_hvm_handler:
        return hvm_handler(event);
    case trc_hvm_emul:
        return hvm_emul(event);
    case trc_pv_entry:
        return pv_entry(event);
    case trc_pv_subcall:
        if (event == trc_pv_subcall + 14)
            return same("TRC_PV_HYPERCALL_SUBCALL", "hypercall_entry");
        return none(hex_name("TRC_PV_SUBCALL ", event));
    case trc_hw_irq:
        if (event == trc_hw_irq + 8)
            return same("TRC_HW_IRQ_HANDLED", "irq_entry", "irq_exit");
        return none(hex_name("TRC_HW_IRQ ", event));
    case trc_hw_pm:
        return none(hex_name("TRC_HW_PM ", event));
    default:
        return none(hex_name("", event));
    }
}

} // namespace ltt::bench
