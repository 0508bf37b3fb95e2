#include "xentrace_scan.hpp"

#include "xentrace_mapping.hpp"

namespace ltt::viewer {

namespace xt = ltt::xentrace;

xentrace_scan scan_xentrace(std::span<const std::byte> data, const std::string& name,
                            const xt::formats* names) {
    xentrace_scan s;
    xt::reader reader(data, name);
    while (const auto rec = reader.next()) {
        if (rec->event == xt::trc_trace_cpu_change)
            continue;
        if (rec->has_tsc) {
            if (rec->cpu >= s.first_tsc.size())
                s.first_tsc.resize(rec->cpu + 1);
            if (!s.first_tsc[rec->cpu])
                s.first_tsc[rec->cpu] = rec->tsc;
            if (!s.first_tsc_any)
                s.first_tsc_any = rec->tsc;
        }
        const xt::target t = xt::target_of(rec->event);
        if (t == xt::target::hvm_vmexit || t == xt::target::hvm_vmexit64) {
            s.vm_exits++;
            if (rec->n_extra >= 1 && rec->extra[0] >= 76 && rec->extra[0] <= 0x400)
                s.svm_exits++;
        } else if (t == xt::target::none && (names == nullptr || !names->find(rec->event))) {
            s.unnamed_records++;
            if (s.unnamed_ids.size() < xentrace_scan::max_unnamed_ids ||
                s.unnamed_ids.count(rec->event))
                s.unnamed_ids[rec->event]++;
        }
    }
    s.stats = reader.stats();
    return s;
}

} // namespace ltt::viewer
