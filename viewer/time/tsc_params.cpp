#include "tsc_params.hpp"

#include <algorithm>
#include <limits>

namespace ltt::viewer {

namespace {

// GCC's and Clang's 128-bit integer (not ISO C++: __extension__ says so).
__extension__ using u128 = unsigned __int128;

} // namespace

std::optional<std::uint64_t> guest_to_host(const tsc_record& r, std::uint64_t guest) {
    // frac_bits is 48 (VMX) or 32 (SVM) on real hosts; a 64-bit value
    // shifted by up to 63 still fits 128 bits.
    if (r.emulated || r.ratio == 0 || r.frac_bits >= 64)
        return std::nullopt;
    const std::uint64_t unscaled = guest - static_cast<std::uint64_t>(r.offset); // mod 2^64
    const u128 host = (static_cast<u128>(unscaled) << r.frac_bits) / r.ratio;
    if (host > std::numeric_limits<std::uint64_t>::max())
        return std::nullopt;
    return static_cast<std::uint64_t>(host);
}

vcpu_tsc_map::vcpu_tsc_map(std::vector<tsc_record> records) : records_(std::move(records)) {}

namespace {

bool convertible_record(const tsc_record& r) {
    return !r.emulated && r.ratio != 0 && r.frac_bits < 64;
}

} // namespace

bool vcpu_tsc_map::convertible(const std::vector<tsc_record>& records) {
    // What the vCPU runs under since its last change. Xen builds a domain
    // with its default TSC mode and xl sets the one asked for right after
    // (measured: a PVH domU's vCPU 0 has an emulated=1 record at creation,
    // then native ones, before its kernel starts): earlier emulated
    // segments claim no guest timestamp (to_host).
    return !records.empty() && convertible_record(records.back());
}

std::uint64_t vcpu_tsc_map::to_host(std::uint64_t guest) const {
    constexpr std::uint64_t saturated = std::numeric_limits<std::uint64_t>::max();
    // The latest segment that claims the timestamp: usually the last, and a
    // vCPU has a handful of records, so a scan from the end is enough. A
    // guest timestamp below a positive offset wraps modulo 2^64 to a host
    // time no host reaches (2^63 cycles: a century at 3 GHz): such a
    // segment does not claim it (it is an earlier segment's).
    constexpr std::uint64_t no_host_reaches = std::uint64_t{1} << 63;
    // An emulated segment converts nothing (guest_to_host), so claims
    // nothing either.
    std::size_t first = 0;
    while (first + 1 < records_.size() && !convertible_record(records_[first]))
        ++first;
    for (std::size_t i = records_.size(); i-- > first + 1;) {
        const auto host = guest_to_host(records_[i], guest);
        if (host && *host >= records_[i].host_ts && *host < no_host_reaches)
            return *host;
    }
    return guest_to_host(records_[first], guest).value_or(saturated);
}

void tsc_params_table::add(std::uint32_t domid, std::uint32_t vcpu, const tsc_record& r) {
    records_[{domid, vcpu}].push_back(r);
}

void tsc_params_table::finish() {
    for (auto& [key, records] : records_) {
        std::stable_sort(
            records.begin(), records.end(),
            [](const tsc_record& a, const tsc_record& b) { return a.host_ts < b.host_ts; });
    }
}

const std::vector<tsc_record>* tsc_params_table::of(std::uint32_t domid, std::uint32_t vcpu) const {
    const auto it = records_.find({domid, vcpu});
    return it == records_.end() ? nullptr : &it->second;
}

bool tsc_params_table::has_domain(std::uint32_t domid) const {
    const auto it = records_.lower_bound({domid, 0});
    return it != records_.end() && it->first.first == domid;
}

} // namespace ltt::viewer
