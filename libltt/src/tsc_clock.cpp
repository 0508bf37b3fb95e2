#include <ltt/tsc_clock.hpp>

#include <stdexcept>

namespace ltt {

clock_offset compute_clock_offset(std::uint64_t tsc_hz, clock_origin origin) {
    if (tsc_hz == 0)
        throw std::invalid_argument("TSC frequency is 0 (it must come from Xen's physinfo)");
    // Total offset in cycles: the epoch time of the origin in cycles, minus
    // the origin's TSC. 128-bit: 2^63 ns times a few GHz overflows 64 bits.
    __extension__ typedef __int128 i128;
    const i128 hz = static_cast<i128>(tsc_hz);
    i128 total = static_cast<i128>(origin.unix_ns) * hz;
    // floor division by 1e9 (unix_ns may be negative in tests)
    i128 q = total / 1'000'000'000;
    if (total % 1'000'000'000 < 0)
        --q;
    total = q - static_cast<i128>(origin.tsc);
    i128 s = total / hz;
    i128 c = total % hz;
    if (c < 0) {
        c += hz;
        --s;
    }
    return {static_cast<std::int64_t>(s), static_cast<std::uint64_t>(c)};
}

} // namespace ltt
