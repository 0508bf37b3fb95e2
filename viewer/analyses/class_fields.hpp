// analyses/class_fields.hpp - an event class an analysis reads, with the
// indices of the fields it reads, resolved once by name. A class that is
// missing, or lacks one of the fields (another version of the event), is
// left unbound: is() is then false for every event.
#pragma once

#include "../core/event.hpp"
#include "../core/event_class.hpp"
#include "../core/payload.hpp"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace ltt::viewer {

struct class_fields {
    const event_class* cls = nullptr;
    std::array<std::size_t, 4> f{};

    class_fields(const class_registry& r, ltt::layer l, std::string_view name,
                 std::initializer_list<std::string_view> names) {
        cls = r.find(l, name);
        std::size_t i = 0;
        for (std::string_view n : names) {
            const auto index = cls != nullptr ? cls->field_index(n) : std::nullopt;
            if (!index || i == f.size()) {
                cls = nullptr;
                return;
            }
            f[i++] = *index;
        }
    }
    bool is(const event& e) const noexcept { return cls != nullptr && e.cls == cls; }
    std::uint64_t u(const event& e, std::size_t i) const {
        return unsigned_at(*cls, e.payload, f[i]);
    }
    std::int64_t s(const event& e, std::size_t i) const { return signed_at(*cls, e.payload, f[i]); }
};

} // namespace ltt::viewer
