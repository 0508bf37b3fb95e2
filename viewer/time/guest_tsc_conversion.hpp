// time/guest_tsc_conversion.hpp - puts PVH/HVM guest kernel traces on the
// host TSC before the merge (DESIGN.md sections 4 and 6).
//
// When the inputs hold a hypervisor trace and guest kernel traces of a
// domain other than dom0, the hypervisor trace is read once more for its
// time_tsc_params records and domain kinds only (hypervisor_time_scan.hpp),
// then each guest kernel source is:
//   - converted, when every vCPU of its domain with records has usable ones
//     (its streams are wrapped: guest_tsc_stream.hpp; identity parameters,
//     PV's, need no wrapping);
//   - left on its guest TSC (clock.host_tsc false, with a notice) when Xen
//     emulates its TSC, or when the hypervisor trace says it is PVH/HVM but
//     has no records for it; the time audit lists such sources;
//   - left alone when the hypervisor says nothing about its TSC and does not
//     say it is PVH/HVM (a PV guest reads the host TSC).
// read_options::tsc_convert false (--no-tsc-convert) decides the same but
// wraps nothing: the guest timestamps are merged as recorded, which the
// time audit must then catch.
#pragma once

#include "guest_tsc_stream.hpp"
#include "tsc_params.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace ltt::viewer {

class class_registry;
struct opened_inputs;
struct read_options;

// Owns the wrapped streams and their converters: keep it alive while the
// inputs are read.
class guest_tsc_conversion {
public:
    // Wraps in place: `inputs.streams` entries of converted sources are
    // replaced (same merge index), their clock.host_tsc set, notices added
    // to `inputs.notices`. Errors reading the hypervisor trace propagate.
    guest_tsc_conversion(opened_inputs& inputs, class_registry& classes,
                         const read_options& options);

    // Sources converted (a test's or a report's question).
    std::size_t converted_sources() const noexcept { return converted_; }

private:
    std::vector<std::unique_ptr<std::map<std::uint32_t, vcpu_tsc_map>>> domains_;
    std::vector<std::unique_ptr<guest_tsc_stream>> streams_;
    std::size_t converted_ = 0;
};

} // namespace ltt::viewer
