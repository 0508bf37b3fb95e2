// source_factory.hpp - a source from its `create --source` spelling.
#pragma once

#include "source.hpp"

#include <memory>
#include <string_view>

namespace lttd {

// "dir:/absolute/path" -> the directory source. "xen" is reserved for the
// hypervisor's buffers, which come with the Xen port: until then it is a
// clear error, not a stub. source_error for anything else.
std::unique_ptr<source> make_source(std::string_view spec);

} // namespace lttd
