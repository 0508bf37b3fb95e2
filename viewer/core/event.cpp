#include "event.hpp"

namespace ltt::viewer {

std::string_view to_string(time_unit unit) {
    return unit == time_unit::ns ? "ns" : "TSC";
}

} // namespace ltt::viewer
