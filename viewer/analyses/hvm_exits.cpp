#include "hvm_exits.hpp"

#include "../core/event_class.hpp"
#include "../core/loss.hpp"
#include "../core/payload.hpp"

#include <fmt/format.h>

namespace ltt::viewer {

namespace {

constexpr std::uint64_t rs_runnable = 1; // RUNSTATE_runnable

} // namespace

hvm_exits::hvm_exits(const analysis_context& context, bool xenalyze_compat)
    : context_(context), compat_(xenalyze_compat) {
    const class_registry& classes = *context.classes;
    vmx_exit_ = classes.find(ltt::layer::xen, "hvm_vmexit");
    svm_exit_ = classes.find(ltt::layer::xen, "hvm_svm_vmexit");
    entry_ = classes.find(ltt::layer::xen, "hvm_vmentry");
    change_ = classes.find(ltt::layer::xen, "runstate_change");
    hypercall_ = classes.find(ltt::layer::xen, "hypercall_entry");
    loss_ = classes.find(ltt::layer::xen, loss_desc.name);
    vmx_fields_ = vcpu_fields::of(vmx_exit_);
    svm_fields_ = vcpu_fields::of(svm_exit_);
    change_fields_ = vcpu_fields::of(change_);
    if (vmx_exit_)
        f_vmx_reason_ = *vmx_exit_->field_index("exit_reason");
    if (svm_exit_)
        f_svm_reason_ = *svm_exit_->field_index("exit_reason");
    if (change_)
        f_new_state_ = *change_->field_index("new_state");
    if (hypercall_)
        f_number_ = *hypercall_->field_index("number");
}

void hvm_exits::close(vcpu_id v, std::uint64_t ts) {
    const auto it = open_.find(v);
    if (it == open_.end())
        return;
    const open_exit x = it->second;
    open_.erase(it);
    if (ts < x.ts) {
        ++backwards_;
        return;
    }
    exits_[{v, x.cls, x.reason}].add(ts - x.ts);
    if (x.hypercall)
        vmcalls_[{v, *x.hypercall}].add(ts - x.ts);
}

void hvm_exits::on_event(const event& e) {
    // Every class compared with is a hypervisor (xen layer) one.
    if (e.cls == vmx_exit_ || e.cls == svm_exit_) {
        const bool svm = e.cls == svm_exit_;
        const auto v = event_vcpu(e, svm ? svm_fields_ : vmx_fields_, context_.cpus);
        if (!v) {
            ++unattributed_;
            return;
        }
        if (v->domid == domid_idle)
            return;
        open_exit x{e.ts, e.cls, signed_at(*e.cls, e.payload, svm ? f_svm_reason_ : f_vmx_reason_),
                    std::nullopt};
        if (svm)
            x.reason = static_cast<std::int16_t>(x.reason);
        const auto [it, fresh] = open_.try_emplace(*v, x);
        if (!fresh) {
            ++unended_;
            it->second = x;
        }
    } else if (e.cls == entry_) {
        if (context_.cpus != nullptr)
            if (const auto v = context_.cpus->running_on(e.cpu))
                close(*v, e.ts);
    } else if (e.cls == change_) {
        if (unsigned_at(*e.cls, e.payload, f_new_state_) == rs_runnable)
            if (const auto v = event_vcpu(e, change_fields_, nullptr))
                close(*v, e.ts);
    } else if (e.cls == hypercall_) {
        if (context_.cpus != nullptr)
            if (const auto v = context_.cpus->running_on(e.cpu))
                if (const auto it = open_.find(*v); it != open_.end())
                    it->second.hypercall = unsigned_at(*e.cls, e.payload, f_number_);
    } else if (e.cls == loss_ && loss_ != nullptr) {
        lost_ += open_.size();
        open_.clear();
    }
}

result hvm_exits::finish() {
    result r;
    r.name = "hvm_exits";
    r.title = "HVM exits";
    const auto stat_columns = [](std::vector<column> c) {
        for (column x :
             {column{"count", "count", unit::count}, column{"time", "time", unit::time},
              column{"avg", "avg", unit::time}, column{"p5", "p5", unit::time},
              column{"p50", "p50", unit::time}, column{"p95", "p95", unit::time},
              column{"p99", "p99", unit::time}, column{"avg_cycles", "avg cycles", unit::count}})
            c.push_back(std::move(x));
        return c;
    };
    const auto stat_cells = [this](std::vector<cell> row, const duration_stats& s) {
        const std::uint64_t n = compat_ ? s.nonzero() : s.count();
        // The average once more in TSC cycles whatever the time unit: the
        // figure exit costs are compared in across hosts and with xenalyze.
        const cell avg = n ? cell(s.total() / n) : cell{};
        row.insert(row.end(), {s.count(), s.total(), avg, s.percentile(5), s.percentile(50),
                               s.percentile(95), s.percentile(99), avg});
        return row;
    };
    table t{"hvm_exits",
            "Per domain and vCPU: exits by reason (exit until guest code could run)",
            stat_columns({{"domain", "domain", unit::id},
                          {"vcpu", "vcpu", unit::id},
                          {"kind", "kind", unit::text},
                          {"reason", "reason", unit::text},
                          {"code", "code", unit::id}}),
            {},
            {}};
    for (const auto& [key, s] : exits_) {
        const auto& [v, cls, reason] = key;
        t.rows.push_back(stat_cells({std::uint64_t{v.domid}, std::uint64_t{v.vcpu},
                                     std::string(cls == svm_exit_ ? "svm" : "vmx"),
                                     enum_text(cls, "exit_reason", reason), reason},
                                    s));
    }
    t.notes.push_back("an exit ends at the vCPU's next VM entry, or when it becomes runnable "
                      "again (a HLT exit lasts until the vCPU is woken); percentiles over exits");
    if (unattributed_ != 0)
        t.notes.push_back(fmt::format("{} exits on CPUs whose running vCPU was not known yet "
                                      "are not counted",
                                      unattributed_));
    if (unended_ + backwards_ + lost_ + open_.size() != 0)
        t.notes.push_back(fmt::format(
            "not counted: {} exits followed by another exit before an entry, {} ending before "
            "they began (TSC skew), {} open at a loss report, {} open at the end",
            unended_, backwards_, lost_, open_.size()));
    table c{"vmcall_hypercalls",
            "Per domain and vCPU: VMCALL exits by hypercall",
            stat_columns({{"domain", "domain", unit::id},
                          {"vcpu", "vcpu", unit::id},
                          {"hypercall", "hypercall", unit::text},
                          {"number", "number", unit::id}}),
            {},
            {}};
    for (const auto& [key, s] : vmcalls_) {
        const auto& [v, number] = key;
        c.rows.push_back(
            stat_cells({std::uint64_t{v.domid}, std::uint64_t{v.vcpu},
                        enum_text(hypercall_, "number", static_cast<std::int64_t>(number)), number},
                       s));
    }
    r.tables = {std::move(t), std::move(c)};
    return r;
}

} // namespace ltt::viewer
