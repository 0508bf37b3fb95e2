// time/tsc_params.hpp - the TSC parameters through which each HVM/PVH vCPU
// sees the host TSC (DESIGN.md section 4), and their inverse: a guest
// kernel's raw timestamps back to host TSC.
//
// A vCPU reads guest = ((host * ratio) >> frac_bits) + offset (mod 2^64),
// so host = ((guest - offset) mod 2^64 << frac_bits) / ratio, computed in
// 128 bits (exact: no floating point; with ratio 1, frac_bits 0, offset 0
// it is the identity, which is what PV vCPUs get).
//
// Xen records the parameters (time_tsc_params) at trace start and whenever
// they change, so a vCPU has a list of records in host-time order. A guest
// timestamp belongs to the latest record whose host time is not after the
// host time that record converts it to (a time at or above 2^63, a guest
// timestamp below a positive offset wrapped, is no record's); before the
// first record, to the first (the statedump comes after the domain was
// built).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace ltt::viewer {

struct tsc_record {
    std::uint64_t host_ts = 0; // the time_tsc_params event's timestamp (host TSC)
    std::uint64_t ratio = 1;   // fixed point, frac_bits fractional bits
    std::uint32_t frac_bits = 0;
    std::int64_t offset = 0; // added after scaling, modulo 2^64
    bool emulated = false;   // Xen emulates the TSC: the formula does not apply
};

// One record's inverse: nullopt when it cannot convert (emulated, ratio 0,
// frac_bits above 64) or when the host time does not fit 64 bits.
std::optional<std::uint64_t> guest_to_host(const tsc_record& r, std::uint64_t guest);

// Every record of one vCPU, piecewise.
class vcpu_tsc_map {
public:
    // `records` in host-time order, at least one, the last one convertible
    // (the caller checks: convertible()); emulated ones before it claim no
    // guest timestamp.
    explicit vcpu_tsc_map(std::vector<tsc_record> records);

    static bool convertible(const std::vector<tsc_record>& records);

    // The host time of a guest timestamp (saturated at 2^64 - 1 when a
    // segment maps it beyond: a guest timestamp that no real host time has).
    std::uint64_t to_host(std::uint64_t guest) const;

private:
    std::vector<tsc_record> records_;
};

using vcpu_key = std::pair<std::uint32_t, std::uint32_t>; // (domid, vcpu)

// The hypervisor trace's records, per vCPU.
class tsc_params_table {
public:
    // Records may come in any order; finish() sorts them by host time.
    void add(std::uint32_t domid, std::uint32_t vcpu, const tsc_record& r);
    void finish();

    // The vCPU's records, in host-time order, or nullptr.
    const std::vector<tsc_record>* of(std::uint32_t domid, std::uint32_t vcpu) const;
    // Whether any vCPU of the domain has records.
    bool has_domain(std::uint32_t domid) const;
    const std::map<vcpu_key, std::vector<tsc_record>>& all() const noexcept { return records_; }

private:
    std::map<vcpu_key, std::vector<tsc_record>> records_;
};

} // namespace ltt::viewer
