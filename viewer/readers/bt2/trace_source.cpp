#include "trace_source.hpp"

#include "bt2_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

namespace ltt::viewer::bt2 {

namespace {

constexpr std::uint32_t domid_xen = 32754; // DOMID_XEN: the hypervisor's channel

std::optional<std::string> env_string(const bt_trace* trace, const char* name) {
    const bt_value* v = bt_trace_borrow_environment_entry_value_by_name_const(trace, name);
    if (v == nullptr || !bt_value_is_string(v))
        return std::nullopt;
    return std::string(bt_value_string_get(v));
}

std::optional<std::int64_t> env_integer(const bt_trace* trace, const char* name) {
    const bt_value* v = bt_trace_borrow_environment_entry_value_by_name_const(trace, name);
    if (v == nullptr || !bt_value_is_signed_integer(v))
        return std::nullopt;
    return bt_value_integer_signed_get(v);
}

bool is_tsc_clock(const bt_clock_class* clock) {
    const char* raw = bt_clock_class_get_name(clock);
    std::string name = raw == nullptr ? "" : raw;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name == "tsc" || name == "x86-tsc";
}

std::string clock_name(const bt_clock_class* clock) {
    const char* name = bt_clock_class_get_name(clock);
    return name == nullptr ? std::string("(unnamed)") : std::string(name);
}

} // namespace

trace_description describe_trace(const std::filesystem::path& dir, const bt_trace* trace,
                                 std::span<const bt_clock_class* const> clocks) {
    trace_description d;
    source_info& s = d.source;
    s.path = dir.string();
    s.format = "ctf";

    const std::optional<std::string> tracer = env_string(trace, "tracer_name");
    const std::optional<std::string> domain = env_string(trace, "domain");
    const std::optional<std::string> hostname = env_string(trace, "hostname");
    const std::optional<ltt::layer> layer =
        domain ? ltt::layer_from_domain_name(*domain) : std::nullopt;
    s.layer = layer.value_or(ltt::layer::ust);
    d.lttng_kernel = tracer == "lttng-modules" && s.layer == ltt::layer::kernel;

    const std::string dir_name =
        dir.filename().empty() ? dir.parent_path().filename().string() : dir.filename().string();
    if (tracer == "ltt-xen") {
        // As the native reader names them (readers/ltt/ltt_reader.cpp).
        const std::optional<std::int64_t> domid = env_integer(trace, "xen_domid");
        if (s.layer == ltt::layer::xen) {
            s.domain_name = "hypervisor";
        } else if (domid && *domid >= 0) {
            const auto id = static_cast<std::uint32_t>(*domid);
            if (s.layer == ltt::layer::kernel) {
                s.domid = id;
                s.domain_name = id == 0 ? "dom0" : fmt::format("domU-{}", id);
            } else {
                if (id != domid_xen)
                    s.domid = id;
                s.domain_name = "ust";
            }
        }
    }
    if (s.domain_name.empty())
        s.domain_name = hostname.value_or(dir_name);

    const char* trace_name = bt_trace_get_name(trace);
    d.facility =
        env_string(trace, "trace_name")
            .value_or(trace_name != nullptr && *trace_name != '\0' ? trace_name : dir_name);

    // One time base for every stream.
    const bt_clock_class* clock = clocks.front();
    const bool tsc = is_tsc_clock(clock);
    for (const bt_clock_class* other : clocks) {
        if (is_tsc_clock(other) != tsc ||
            (tsc && bt_clock_class_get_frequency(other) != bt_clock_class_get_frequency(clock)))
            throw bt2_error(fmt::format("{}: its streams use clocks `{}` and `{}`, which have no "
                                        "common time base",
                                        s.path, clock_name(clock), clock_name(other)));
    }
    clock_info& c = s.clock;
    c.name = clock_name(clock);
    if (const bt_uuid uuid = bt_clock_class_get_uuid(clock)) {
        ltt::uuid u;
        std::memcpy(u.data(), uuid, u.size());
        c.uuid = u;
    }
    if (tsc) {
        c.unit = time_unit::tsc;
        c.freq_hz = bt_clock_class_get_frequency(clock);
        std::int64_t seconds = 0;
        std::uint64_t cycles = 0;
        bt_clock_class_get_offset(clock, &seconds, &cycles);
        if (c.freq_hz != 0 && bt_clock_class_origin_is_unix_epoch(clock)) {
            const long double ns =
                static_cast<long double>(cycles) * 1e9L / static_cast<long double>(c.freq_hz);
            c.epoch = seconds * 1'000'000'000 + static_cast<std::int64_t>(ns);
        }
        // An HVM guest's TSC is not the host's until viewer/time converts
        // it (ltt-xen writes the guest's TSC parameters in the env).
        c.host_tsc = bt_trace_borrow_environment_entry_value_by_name_const(
                         trace, "guest_tsc_ratio") == nullptr;
    } else {
        c.unit = time_unit::ns;
        c.freq_hz = 1'000'000'000;
        if (!bt_clock_class_origin_is_unix_epoch(clock))
            s.notices.push_back(fmt::format("clock `{}` does not count from the Unix epoch: "
                                            "times are nanoseconds from its own origin",
                                            c.name));
    }
    return d;
}

std::uint64_t timestamp_of(const bt_clock_snapshot* snapshot, time_unit unit) {
    if (unit == time_unit::tsc)
        return bt_clock_snapshot_get_value(snapshot);
    std::int64_t ns = 0;
    if (bt_clock_snapshot_get_ns_from_origin(snapshot, &ns) !=
        BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
        // The library notes the overflow as the thread's error; this
        // message says it all, and a thread must not call the library with
        // an error pending.
        bt_current_thread_clear_error();
        throw bt2_error(fmt::format("clock value {} overflows 64-bit nanoseconds",
                                    bt_clock_snapshot_get_value(snapshot)));
    }
    if (ns < 0)
        throw bt2_error(fmt::format("clock value {} is before the clock's origin ({} ns from it)",
                                    bt_clock_snapshot_get_value(snapshot), ns));
    return static_cast<std::uint64_t>(ns);
}

} // namespace ltt::viewer::bt2
