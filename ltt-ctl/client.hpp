// client.hpp - ltt-ctl's end of the control socket: one request line out,
// one response line back, within a time limit.
#pragma once

#include <lttd/protocol.hpp>

#include <chrono>
#include <filesystem>
#include <stdexcept>

namespace lttctl {

// lttd cannot be reached (no socket, refused, timed out, closed early).
class connection_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Sends `req` to the lttd listening on `socket` and returns its response.
lttd::response send_request(const std::filesystem::path& socket, const lttd::request& req,
                            std::chrono::milliseconds timeout);

} // namespace lttctl
