#include "stress_record.hpp"

#include <ltt/tracepoint.h>

namespace ltt::stress {

bool write_record(std::uint32_t id, source src, std::uint8_t cpu, std::uint32_t seq) noexcept {
    std::uint8_t p[fixed_len + 250];
    const std::uint32_t len = payload_len(id);
    p[0] = static_cast<std::uint8_t>(src);
    p[1] = cpu;
    for (unsigned i = 0; i < 4; i++)
        p[2 + i] = static_cast<std::uint8_t>(seq >> (8 * i));
    for (std::uint32_t i = 0; i < fill_len[id]; i++)
        p[fixed_len + i] = fill_byte(seq, i);

    ltt_reserve_ctx ctx{};
    if (ltt_tp_reserve(&ctx, id, len) != 0)
        return false;
    ltt_tp_write(&ctx, p, len);
    ltt_tp_commit(&ctx);
    return true;
}

} // namespace ltt::stress
