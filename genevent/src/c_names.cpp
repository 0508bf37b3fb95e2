#include "c_names.hpp"

#include <algorithm>
#include <array>

namespace genevent {

std::string upper(std::string_view name) {
    std::string result(name);
    for (char& c : result) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return result;
}

std::string facility_macro(std::string_view facility) {
    return "LTT_FACILITY_" + upper(facility);
}

std::string event_macro(std::string_view event) {
    return "LTT_EV_" + upper(event);
}

std::string enum_value_macro(std::string_view enumeration, std::string_view value) {
    return "LTT_" + upper(enumeration) + "_" + upper(value);
}

bool enum_name_in_macro_family(std::string_view enumeration) {
    // genevent: LTT_EV_, LTT_FACILITY_, LTT_FACILITIES_H, LTT_NR_,
    // LTT_FOR_EACH_FACILITY, LTT_HEADER_TYPE; include/ltt/: LTT_ENV_,
    // LTT_PKT_, LTT_HDR_, LTT_COMPACT_, LTT_LARGE_, LTT_EXTENDED_, LTT_CTF_,
    // LTT_UUID_, LTT_STRING_, LTT_EMIT_, LTT_TP_, LTT_RING_, LTT_BUF_.
    static constexpr std::array kFamilies = {
        "ev",     "facility", "facilities", "nr",    "for",      "header", "env",
        "pkt",    "hdr",      "compact",    "large", "extended", "ctf",    "uuid",
        "string", "emit",     "tp",         "ring",  "buf",
    };
    const std::string_view first = enumeration.substr(0, enumeration.find('_'));
    return std::find(kFamilies.begin(), kFamilies.end(), first) != kFamilies.end();
}

} // namespace genevent
