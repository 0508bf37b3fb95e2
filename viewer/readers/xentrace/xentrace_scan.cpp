#include "xentrace_scan.hpp"

#include "xentrace_mapping.hpp"

#include <array>

namespace ltt::viewer {

namespace xt = ltt::xentrace;

namespace {

// What the scan does with an id: nothing, count an exit, count an unnamed
// record. Looked up once per id (a direct-mapped cache: ids repeat).
enum class id_kind : std::uint8_t { other, vm_exit, unnamed };

class id_kinds {
public:
    explicit id_kinds(const xt::formats* names) : names_(names) {}

    id_kind of(std::uint32_t event) {
        slot& s = slots_[(event ^ (event >> 11)) % slots_.size()];
        if (s.event != event) {
            s.event = event;
            const xt::target t = xt::target_of(event);
            s.kind = t == xt::target::hvm_vmexit || t == xt::target::hvm_vmexit64 ? id_kind::vm_exit
                     : t == xt::target::none && (names_ == nullptr || !names_->find(event))
                         ? id_kind::unnamed
                         : id_kind::other;
        }
        return s.kind;
    }

private:
    struct slot {
        std::uint32_t event = 0; // 0: empty (no record has event id 0)
        id_kind kind = id_kind::other;
    };
    const xt::formats* names_;
    std::array<slot, 1024> slots_{};
};

} // namespace

xentrace_scan scan_xentrace(std::span<const std::byte> data, const std::string& name,
                            const xt::formats* names,
                            const std::function<void(std::uint64_t)>& passed) {
    xentrace_scan s;
    const xt::file_layout file(data, name);
    xt::record_counter counter;
    id_kinds kinds(names);
    // Window by window; one data word is all the scan looks at (lost
    // count, exit reason).
    for (std::uint64_t pos = 0; pos < file.size();) {
        const xt::window w = file.read_window(pos);
        counter.count(xt::file_layout::cpu_change_record(w));
        for (std::uint64_t p = w.begin; p < w.end;) {
            const xt::record rec = file.read_record(p, w, 1);
            p += rec.size();
            counter.count(rec);
            if (rec.has_tsc) {
                if (rec.cpu >= s.first_tsc.size())
                    s.first_tsc.resize(rec.cpu + 1);
                if (!s.first_tsc[rec.cpu])
                    s.first_tsc[rec.cpu] = rec.tsc;
                if (!s.first_tsc_any)
                    s.first_tsc_any = rec.tsc;
            }
            const id_kind kind = kinds.of(rec.event);
            if (kind == id_kind::vm_exit) {
                s.vm_exits++;
                if (rec.n_extra >= 1 && rec.extra[0] >= 76 && rec.extra[0] <= 0x400)
                    s.svm_exits++;
            } else if (kind == id_kind::unnamed) {
                s.unnamed_records++;
                if (s.unnamed_ids.size() < xentrace_scan::max_unnamed_ids ||
                    s.unnamed_ids.count(rec.event))
                    s.unnamed_ids[rec.event]++;
            }
        }
        pos = w.end;
        if (passed)
            passed(pos);
    }
    s.stats = counter.stats();
    return s;
}

} // namespace ltt::viewer
