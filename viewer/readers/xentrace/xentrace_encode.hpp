// readers/xentrace/xentrace_encode.hpp - a xentrace record as the builtin
// ltt-xen event its id maps to (xentrace_mapping.hpp), in the viewer's
// payload encoding.
//
// What xentrace does not record is filled in two ways:
//   - the domain and vCPU an HVM record (vmexit, injection) or a grant
//     operation happened for are the vCPU running on the record's physical
//     CPU, as the CPU's own runstate records say (cpu_context);
//   - anything else (an injected interrupt's source, the grant reference, a
//     new domain's vCPU count, the Xen irq of an external interrupt, and the
//     domain and vCPU while the running vCPU is not known) holds "not
//     recorded": all ones for an unsigned field (65535 for a u16 domain id,
//     255 for a u8 enum), the most negative value for a signed one.
// Numbers wider than the ltt-xen field are clamped the way ltt-xen records
// them: hypercall numbers above 254 become 255 (out_of_range), a VMX exit
// reason keeps its basic 16 bits, an SVM exit code is taken as a signed 16-bit
// value (VMEXIT_INVALID stays -1).
#pragma once

#include "../../core/event_class.hpp"
#include "xentrace_mapping.hpp"
#include "xentrace_reader.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

namespace ltt::viewer {

// A payload of at most 64 bytes built in place (every event the reader
// hands out has fixed-size integer fields: at most 33 bytes), the encoding of
// core/payload.hpp without a vector's growth checks on the hot path.
class payload_buffer {
public:
    static constexpr std::size_t capacity = 64;

    void clear() noexcept { size_ = 0; }
    // Callers stay within capacity (the encoder checks its classes once).
    void put(ltt::field_kind kind, std::uint64_t value) noexcept {
        const std::uint32_t n = ltt::kind_size(kind);
        std::memcpy(bytes_.data() + size_, &value, n); // little-endian host
        size_ += n;
    }
    std::span<const std::byte> span() const noexcept { return {bytes_.data(), size_}; }

private:
    std::array<std::byte, capacity> bytes_{};
    std::size_t size_ = 0;
};

// What a physical CPU's stream knows when it encodes a record.
struct cpu_context {
    struct vcpu {
        std::uint32_t domid = 0;
        std::uint32_t vcpu = 0;
    };
    std::optional<vcpu> current; // the vCPU running on the CPU, when known
    bool svm = false;            // exit reasons are SVM exit codes
};

// The builtin classes the mapping's targets become, resolved once.
class xentrace_encoder {
public:
    // std::logic_error when a class or field the mapping fills is not in
    // the viewer's facilities (a facility changed without the mapping).
    explicit xentrace_encoder(const class_registry& classes);

    // The class of a target (nullptr for none and bookkeeping).
    const event_class* class_of(ltt::xentrace::target t, bool svm) const;

    // Encodes `rec` as `t` into `out` (cleared first); false when the record
    // has fewer data words than the target reads (it is then a record of its
    // own, not a wrong decode).
    bool encode(ltt::xentrace::target t, const ltt::xentrace::record& rec,
                const cpu_context& context, payload_buffer& out) const;

private:
    static constexpr std::size_t max_values = 8;
    static constexpr std::uint8_t not_recorded = 0xff;

    struct layout {
        const event_class* cls = nullptr;
        // For each field of the class, the index of its value, or
        // not_recorded.
        std::vector<std::uint8_t> slot;
    };

    layout resolve(const class_registry& classes, std::string_view event,
                   std::initializer_list<std::string_view> values);
    // Writes the class's fields: the value of its slot, or "not recorded"
    // for fields without one and for values whose bit is set in `unknown`.
    static void put(const layout& l, const std::array<std::uint64_t, max_values>& values,
                    std::uint32_t unknown, payload_buffer& out);

    std::array<layout, 64> layouts_{};
    layout svm_vmexit_;
};

} // namespace ltt::viewer
