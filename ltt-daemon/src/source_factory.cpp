#include "source_factory.hpp"

#include "directory_source.hpp"
#ifdef LTT_WITH_XEN
#include "xen_source.hpp"
#endif

#include <ltt-guest.h> // kernel-patches/ltt-guest/uapi: LTT_GUEST_DIR

#include <fmt/format.h>

namespace lttd {

std::uint64_t channel_info::event_count() const noexcept {
    std::uint64_t n = 0;
    for (const auto& f : facilities)
        n += f.events;
    return n;
}

std::unique_ptr<source> make_source(std::string_view spec) {
    if (spec.starts_with("dir:")) {
        const std::string_view path = spec.substr(4);
        if (path.empty() || path[0] != '/')
            throw source_error(
                fmt::format("source `{}`: the directory must be an absolute path", spec));
        return std::make_unique<directory_source>(std::string(path));
    }
    if (spec == "xen") {
#ifdef LTT_WITH_XEN
        return std::make_unique<xen_source>();
#else
        throw source_error("source `xen`: this lttd was built without Xen support "
                           "(cmake -DLTT_WITH_XEN=ON, with libxen-dev installed)");
#endif
    }
    // This kernel's ltt-guest.ko: its debugfs directory, or another path
    // (debugfs mounted elsewhere).
    if (spec == "kernel")
        return std::make_unique<directory_source>(LTT_GUEST_DIR, producer_kind::kernel_module);
    if (spec.starts_with("kernel:")) {
        const std::string_view path = spec.substr(7);
        if (path.empty() || path[0] != '/')
            throw source_error(
                fmt::format("source `{}`: the directory must be an absolute path", spec));
        return std::make_unique<directory_source>(std::string(path), producer_kind::kernel_module);
    }
    throw source_error(
        fmt::format("source `{}`: unknown kind (dir:PATH, xen, kernel or kernel:PATH)", spec));
}

} // namespace lttd
