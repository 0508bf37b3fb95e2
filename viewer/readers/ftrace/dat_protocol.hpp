// readers/ftrace/dat_protocol.hpp - what the libtracecmd worker process
// (dat_worker.hpp) tells the reader about a .dat file, over a pipe.
//
// libtracecmd 3.1 is not written for hostile input: single-byte damage to
// a file's header makes it crash (a half-built handle freed in
// tracecmd_open's error path), damaged ring-buffer pages make it read past
// them. So it runs in a child process, which only reads the file with it
// and sends what it found as messages; the reader (the parent) decodes the
// records itself, every read checked, and turns a crashed, stuck or
// garbled worker into an error naming the file.
//
// Messages: a type byte, a 32-bit length, the body (integers little-endian,
// strings as a 32-bit length and bytes). In order: header, the formats,
// then records in time order (libtracecmd's merge of every CPU of every
// buffer), then end; or error at any point.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ltt::viewer {

enum class dat_message : std::uint8_t {
    header = 1, // clock, file endianness, buffers and their CPU counts
    format = 2, // one event format of one buffer
    record = 3, // one record
    end = 4,    // no more records
    error = 5,  // what went wrong, as the worker saw it
};

// libtraceevent's tep_format_field flags this reader uses (event-parse.h).
namespace dat_field_flag {
inline constexpr std::uint32_t array = 1;
inline constexpr std::uint32_t pointer = 2;
inline constexpr std::uint32_t is_signed = 4;
inline constexpr std::uint32_t string = 8;
inline constexpr std::uint32_t dynamic = 16;
inline constexpr std::uint32_t relative = 256;
} // namespace dat_field_flag

struct dat_field {
    std::string name;
    std::string type; // as the format file writes it ("char[16]", "pid_t")
    std::int32_t offset = 0;
    std::int32_t size = 0;
    std::uint32_t array_length = 0;
    std::uint32_t element_size = 0;
    std::uint32_t flags = 0; // dat_field_flag
};

struct dat_format {
    std::uint32_t buffer = 0;
    std::int32_t id = 0;
    std::string system;
    std::string name;
    bool ftrace = false;                 // an event of the ftrace system itself
    std::optional<dat_field> common_pid; // where the record's pid is
    std::vector<dat_field> fields;       // the event's own (not common_*)
};

struct dat_buffer {
    std::string name; // "" for the top one
    std::string clock;
    std::uint32_t cpus = 0;
};

struct dat_header {
    bool big_endian = false;
    std::vector<dat_buffer> buffers; // the top one first
};

struct dat_record {
    std::uint32_t buffer = 0;
    std::uint32_t cpu = 0;
    std::uint64_t ts = 0;
    std::int64_t missed = 0;  // events lost before it on its CPU; -1: some, how many unknown
    std::uint64_t offset = 0; // in the file
    std::string_view data;    // the record as the ring buffer holds it
    std::string_view comm;    // the task name the file saved for its pid
    std::string_view text;    // what libtraceevent prints (ftrace events only)
};

// Appends messages to a buffer (the worker's side).
class dat_writer {
public:
    void begin(dat_message type);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void str(std::string_view s);
    void finish(); // sets the length of the message begun last
    std::string& bytes() noexcept { return out_; }

private:
    std::string out_;
    std::size_t start_ = 0;
};

// Takes messages apart (the reader's side). Every read is checked against
// the body; a short or malformed body throws dat_garbled.
class dat_garbled : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class dat_body {
public:
    explicit dat_body(std::string_view bytes) : bytes_(bytes) {}
    std::uint32_t u32();
    std::uint64_t u64();
    std::string_view str();
    bool done() const noexcept { return pos_ == bytes_.size(); }

private:
    std::string_view take(std::size_t n);
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

dat_header parse_header(dat_body body);
dat_format parse_format(dat_body body);
dat_record parse_record(dat_body body);

} // namespace ltt::viewer
