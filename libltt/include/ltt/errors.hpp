// ltt/errors.hpp - the error types libltt throws for bad input.
//
// Every message names where the problem is (a file and line for text input, a
// file and byte offset for binary input) and what it is, so a user can act on
// it without a debugger.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ltt {

// A text input (a CTF fragment, metadata) is malformed: "file:line: problem".
class parse_error : public std::runtime_error {
public:
    parse_error(std::string file, std::size_t line, std::string problem);

    const std::string& file() const noexcept { return file_; }
    std::size_t line() const noexcept { return line_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string file_;
    std::size_t line_;
    std::string problem_;
};

// A binary input (a stream file of packets) is malformed:
// "file: offset N: problem", N being the byte offset of the bad item.
class format_error : public std::runtime_error {
public:
    format_error(std::string file, std::uint64_t offset, std::string problem);

    const std::string& file() const noexcept { return file_; }
    std::uint64_t offset() const noexcept { return offset_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string file_;
    std::uint64_t offset_;
    std::string problem_;
};

// A payload size function cannot size a payload (unknown event id, string
// not terminated). The packet reader turns it into a format_error with the
// file and offset.
class payload_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Inputs that are well-formed on their own but do not fit together, e.g. a
// facility whose checksum is not the one the hypervisor was built with.
class mismatch_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace ltt
