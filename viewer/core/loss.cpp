#include "loss.hpp"

#include "payload.hpp"

#include <cstring>

namespace ltt::viewer {

namespace {

void store_u64(std::byte* p, std::uint64_t v) noexcept {
    std::memcpy(p, &v, sizeof v);
}

} // namespace

loss_payload::loss_payload(std::uint64_t count, loss_reason reason, std::uint64_t begin_ts,
                           std::uint64_t end_ts) {
    store_u64(bytes.data(), count);
    bytes[8] = static_cast<std::byte>(reason);
    store_u64(bytes.data() + 9, begin_ts);
    store_u64(bytes.data() + 17, end_ts);
}

loss_info decode_loss(std::span<const std::byte> payload) {
    loss_info info;
    if (payload.size() < 25)
        return info;
    info.count = load_le<std::uint64_t>(payload.data());
    info.reason = static_cast<loss_reason>(payload[8]);
    info.begin_ts = load_le<std::uint64_t>(payload.data() + 9);
    info.end_ts = load_le<std::uint64_t>(payload.data() + 17);
    return info;
}

std::string_view to_string(loss_reason reason) {
    const std::string_view name = loss_reason_enum.name_of(static_cast<std::int64_t>(reason));
    return name.empty() ? std::string_view{"unknown"} : name;
}

} // namespace ltt::viewer
