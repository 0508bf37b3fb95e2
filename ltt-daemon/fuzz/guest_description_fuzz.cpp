// libFuzzer target of the guests source's description parser: a domU
// writes every byte of its xenstore description. Input: lines KEY=VALUE
// (the keys of data/ltt/, '\x01' standing for a newline inside a value);
// any input gives a description or a guest_description_error naming the
// domain and a key, never a crash; an accepted description is bounded.
#include <lttd/guest_description.hpp>

#include <ltt/guest_grant.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    lttd::guest_keys keys;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(pos, end - pos);
        const auto eq = line.find('=');
        if (eq != std::string::npos) {
            std::string value = line.substr(eq + 1);
            std::replace(value.begin(), value.end(), '\x01', '\n');
            keys[line.substr(0, eq)] = value;
        }
        pos = end + 1;
    }
    try {
        const auto d = lttd::parse_guest_description(3, keys);
        if (d.domid != 3 || d.channel.xen_domid != 3 || d.cpus.empty() ||
            d.cpus.size() > LTT_GG_MAX_CPUS)
            std::abort();
        for (const auto& c : d.cpus)
            if (c.list_refs.empty() || c.list_refs.size() > LTT_GG_MAX_LIST_PAGES ||
                c.pages > c.list_refs.size() * LTT_GG_REFS_PER_PAGE || c.cpu >= LTT_GG_MAX_CPUS)
                std::abort();
    } catch (const lttd::guest_description_error& e) {
        if (!std::string_view(e.what()).starts_with("domU 3: "))
            std::abort();
    }
    try {
        (void)lttd::parse_guests_spec(text);
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
