#include <lttd/directory_layout.hpp>

#include <ltt/ring_layout.h>

#include <fmt/format.h>

namespace lttd {

static_assert(enable_map_size == LTT_USER_MAX_EVENTS);
static_assert(sizeof(ltt_consumer_page) <= layout_page_size);

buffer_file_layout layout_for(std::uint32_t subbuf_order, std::uint32_t nr_subbufs_order) {
    const ltt_dir_layout c = ltt_dir_layout_for(subbuf_order, nr_subbufs_order);
    buffer_file_layout l;
    l.ctl_offset = 0;
    l.ctl_size = c.ctl_size;
    l.cons_offset = c.cons_offset;
    l.data_offset = c.data_offset;
    l.data_size = c.data_size;
    l.file_size = c.file_size;
    return l;
}

std::string buffer_file_name(std::uint32_t cpu) {
    return fmt::format("cpu{}.ltt", cpu);
}

std::optional<std::uint32_t> cpu_of_buffer_file(std::string_view name) {
    constexpr std::string_view prefix = "cpu", suffix = ".ltt";
    if (!name.starts_with(prefix) || !name.ends_with(suffix))
        return std::nullopt;
    const std::string_view digits =
        name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    if (digits.empty() || digits.size() > 4 || (digits.size() > 1 && digits[0] == '0'))
        return std::nullopt;
    std::uint32_t cpu = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        cpu = cpu * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (cpu >= max_cpus)
        return std::nullopt;
    return cpu;
}

} // namespace lttd
