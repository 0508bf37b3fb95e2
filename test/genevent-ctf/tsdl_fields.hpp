// The field declarations of genevent's CTF fragments, parsed back for the
// test: integers, enums, fixed arrays of them, strings - exactly the forms
// genevent writes (one field per line), nothing more of TSDL.
#pragma once

#include <ltt/facility_fragment.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ctf_test {

struct field_decl {
    enum class kind { integer, enumeration, string };
    std::string name; // as declared, with genevent's leading underscore
    kind type = kind::integer;
    unsigned size = 0; // bits (integers, enum containers)
    bool is_signed = false;
    unsigned base = 10;
    std::vector<std::pair<std::string, std::int64_t>> labels; // enums, in order
    unsigned length = 0;                                      // array length, 0 = scalar
};

struct event_decl {
    std::string facility;
    std::string name;
    std::uint32_t local_id = 0;
    std::vector<field_decl> fields;
};

// Every event of the fragment with its fields; throws std::runtime_error
// naming the fragment and line on a field line it does not understand.
std::vector<event_decl> parse_events(const ltt::facility_fragment& fragment);

} // namespace ctf_test
