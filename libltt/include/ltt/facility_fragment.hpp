// ltt/facility_fragment.hpp - one facility's CTF declarations as genevent's
// `ctf` target writes them (<facility>.tsdl), parsed just enough to check the
// fragment and to rebase its event ids into a channel.
//
// Format (the contract with genevent):
//
//   /* ltt-facility: name=<name> layer=<xen|kernel|ust> checksum=0x<8 hex> events=<n> */
//   event {
//   	name = "<event name>";
//   	id = <local id, decimal>;
//   	stream_id = 0;
//   	fields := struct {
//   		...
//   	};
//   };
//
// Event ids are local to the facility (0 .. n-1); in a channel the id of an
// event is the facility's base (the number of events of the facilities before
// it in the channel's order) plus its local id.
#pragma once

#include <ltt/layer.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ltt {

struct fragment_event {
    std::string name;
    std::uint32_t local_id = 0;
    std::size_t line = 0;    // 1-based line of `event {` in the source
    std::size_t id_line = 0; // index into facility_fragment::body of `\tid = N;`
};

struct facility_fragment {
    std::string source; // file name (or a label for in-memory text), for messages
    std::string name;
    ltt::layer layer = layer::xen;
    std::uint32_t checksum = 0;
    std::vector<fragment_event> events; // in the fragment's order
    std::vector<std::string> body;      // every line after the header line

    // The fragment's declarations with every event id moved to base + local
    // id, preceded by a comment naming the facility, checksum and base.
    std::string rebased(std::uint32_t base) const;
};

// Parses fragment text. `source` names it in error messages. Throws
// ltt::parse_error ("source:line: problem") on anything off the format,
// including an event count or ids that do not match the header line.
facility_fragment parse_fragment(std::string_view text, std::string source);

// Reads and parses a fragment file; a read failure is a std::system_error
// naming the file.
facility_fragment load_fragment(const std::filesystem::path& path);

// "0x%08x", as in the fragment header line.
std::string format_checksum(std::uint32_t checksum);

} // namespace ltt
