#include "payload.hpp"

namespace ltt::viewer {

bool field_cursor::next(const ltt::field_desc*& field, field_value& value) noexcept {
    if (index_ >= desc_.fields.size())
        return false;
    const ltt::field_desc& f = desc_.fields[index_];
    const std::size_t left = payload_.size() - pos_;
    const std::byte* p = payload_.data() + pos_;
    if (f.kind == ltt::field_kind::string) {
        const void* nul = std::memchr(p, 0, left);
        if (nul == nullptr)
            return false;
        const std::size_t n = static_cast<std::size_t>(static_cast<const std::byte*>(nul) - p);
        value = {};
        value.what = field_value::kind::string;
        value.str = std::string_view(reinterpret_cast<const char*>(p), n);
        pos_ += n + 1;
    } else {
        if (f.size > left)
            return false;
        value = {};
        if (f.is_array()) {
            value.what = field_value::kind::array;
            value.element = payload_.subspan(pos_, f.size);
        } else if (ltt::kind_is_signed(f.kind)) {
            value.what = field_value::kind::signed_int;
            switch (f.kind) {
            case ltt::field_kind::s8:
                value.s = load_le<std::int8_t>(p);
                break;
            case ltt::field_kind::s16:
                value.s = load_le<std::int16_t>(p);
                break;
            case ltt::field_kind::s32:
                value.s = load_le<std::int32_t>(p);
                break;
            default:
                value.s = load_le<std::int64_t>(p);
                break;
            }
        } else {
            value.what = field_value::kind::unsigned_int;
            switch (f.kind) {
            case ltt::field_kind::u8:
                value.u = load_le<std::uint8_t>(p);
                break;
            case ltt::field_kind::u16:
                value.u = load_le<std::uint16_t>(p);
                break;
            case ltt::field_kind::u32:
                value.u = load_le<std::uint32_t>(p);
                break;
            default:
                value.u = load_le<std::uint64_t>(p);
                break;
            }
        }
        pos_ += f.size;
    }
    field = &f;
    ++index_;
    return true;
}

bool field_at(const event_class& cls, std::span<const std::byte> payload, std::size_t index,
              field_value& value) noexcept {
    field_cursor cursor(*cls.desc, payload);
    const ltt::field_desc* f = nullptr;
    for (std::size_t i = 0; cursor.next(f, value); ++i) {
        if (i == index)
            return true;
    }
    return false;
}

void payload_builder::put(ltt::field_kind kind, std::uint64_t value) {
    const std::uint32_t n = ltt::kind_size(kind);
    for (std::uint32_t i = 0; i < n; ++i)
        bytes_.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xff));
}

void payload_builder::put_string(std::string_view text) {
    const auto nul = text.find('\0');
    if (nul != std::string_view::npos)
        text = text.substr(0, nul);
    for (const char c : text)
        bytes_.push_back(static_cast<std::byte>(c));
    bytes_.push_back(std::byte{0});
}

} // namespace ltt::viewer
