#include <ltt/errors.hpp>
#include <ltt/payload_layout.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace ltt {

payload_layout& payload_layout::fixed(std::size_t bytes) {
    if (bytes == 0)
        return *this;
    if (!parts_.empty() && parts_.back() != string_part)
        parts_.back() += bytes;
    else
        parts_.push_back(bytes);
    return *this;
}

payload_layout& payload_layout::string() {
    parts_.push_back(string_part);
    return *this;
}

std::size_t payload_layout::size_in(std::span<const std::byte> available) const {
    std::size_t size = 0;
    for (std::size_t part : parts_) {
        if (part != string_part) {
            size += part;
            continue;
        }
        if (size >= available.size())
            return size + 1; // at least the NUL; the reader reports the truncation
        const auto rest = available.subspan(size);
        const auto nul = std::find(rest.begin(), rest.end(), std::byte{0});
        if (nul == rest.end())
            throw payload_error("string field not terminated before the end of the packet's "
                                "content");
        size += static_cast<std::size_t>(nul - rest.begin()) + 1;
    }
    return size;
}

std::optional<std::size_t> payload_layout::fixed_size() const noexcept {
    std::size_t size = 0;
    for (std::size_t part : parts_) {
        if (part == string_part)
            return std::nullopt;
        size += part;
    }
    return size;
}

void payload_sizes::set(std::uint32_t id, payload_layout layout) {
    if (id >= layouts_.size()) {
        layouts_.resize(std::size_t{id} + 1);
        fixed_.resize(std::size_t{id} + 1);
    }
    const std::optional<std::size_t> fixed = layout.fixed_size();
    fixed_[id] = fixed ? *fixed + 1 : 0;
    layouts_[id] = std::move(layout);
}

std::size_t payload_sizes::operator()(std::uint32_t id,
                                      std::span<const std::byte> available) const {
    if (id >= layouts_.size() || !layouts_[id])
        throw payload_error(fmt::format("no event with id {} in this channel", id));
    return layouts_[id]->size_in(available);
}

} // namespace ltt
