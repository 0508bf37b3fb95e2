// boot_config.hpp - the sessions lttd creates and starts when it starts
// (`lttd --config /etc/ltt-xen/lttd.conf`, the flight recorder of a Xen
// host). Format: ltt-daemon/README.md, "Sessions at start-up".
#pragma once

#include <lttd/protocol.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lttd {

struct boot_session {
    std::string file;
    std::size_t line = 0; // of its [session NAME] header
    create_request create;
    std::vector<std::string> events; // to enable before starting
};

struct boot_config {
    std::vector<boot_session> sessions; // the valid ones, in file order
    std::vector<std::string> errors;    // "FILE:LINE: problem", one per problem
};

// A section with any problem is left out (its errors say so); the others
// stand.
boot_config parse_boot_config(std::string_view text, const std::string& file);

// Reads and parses the file; an unreadable file is one error.
boot_config load_boot_config(const std::filesystem::path& file);

} // namespace lttd
