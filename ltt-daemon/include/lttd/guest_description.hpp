// lttd/guest_description.hpp - what a domU's ltt-guest.ko publishes in
// xenstore for dom0's lttd (include/ltt/guest_grant.h is the contract):
// read from /local/domain/<domid>/data/ltt/, every byte written by the
// guest, so everything is validated and bounded before lttd maps a page or
// binds a port (ltt-daemon/README.md, "The guests source").
#pragma once

#include <lttd/channel_file.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lttd {

// A description that is not valid: "domU 3: data/ltt/cpu/0/pages: ...".
class guest_description_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct guest_cpu_grants {
    std::uint32_t cpu = 0;
    std::uint32_t pages = 0;              // the buffer's pages (cpu<N>.ltt's layout)
    std::vector<std::uint32_t> list_refs; // pages listing the buffer's grant refs
};

struct guest_description {
    std::uint32_t domid = 0;
    channel_file channel;
    std::uint32_t control_ref = 0;
    std::uint32_t event_channel = 0;
    std::vector<guest_cpu_grants> cpus; // by vCPU, ascending
};

// The xenstore values of one guest's data/ltt/ directory, by path relative
// to it ("channel", "cpu/0/refs"...); a key the guest did not write is absent.
using guest_keys = std::map<std::string, std::string>;

// Longest value lttd reads (xenstore's own limit is 4096 bytes).
inline constexpr std::size_t guest_value_max = 4096;

// Validates the keys of domain `domid` (state must be "ready"): the channel
// (channel.json's checks, domain "kernel", its own xen_domid, discard mode),
// numbers (decimal, in range), the vCPU list (unique, below
// LTT_GG_MAX_CPUS), each vCPU's page count (exactly the channel's buffer
// size) and list of ref pages (exactly as many as the pages need). Throws
// guest_description_error naming the domain and the key.
guest_description parse_guest_description(std::uint32_t domid, const guest_keys& keys);

// The keys a description of `cpus` needs besides the fixed ones (to read
// them from xenstore after "cpus"): "cpu/<N>/pages", "cpu/<N>/refs".
std::vector<std::string> guest_cpu_keys(std::uint32_t cpu);

// "3 5 7" -> {3, 5, 7}: decimal, no sign, each below `limit`, at most
// `max_count` of them, separated by single spaces; nullopt otherwise.
std::optional<std::vector<std::uint32_t>>
parse_decimal_list(std::string_view text, std::uint64_t limit, std::size_t max_count);

// "guests" -> every guest; "guests:3,5" -> domains 3 and 5. std::nullopt
// for "every guest", throws std::invalid_argument naming the problem.
std::optional<std::vector<std::uint32_t>> parse_guests_spec(std::string_view spec);

} // namespace lttd
