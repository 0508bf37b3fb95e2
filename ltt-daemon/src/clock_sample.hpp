// clock_sample.hpp - the Unix time and the TSC read together, at session
// start, for the `tsc` clock's offset (DESIGN.md section 4), and the ISO 8601
// creation time index.json records.
#pragma once

#include <ltt/tsc_clock.hpp>

#include <string>

namespace lttd {

ltt::clock_origin sample_clock_origin();

// "2026-11-23T21:05:13Z" for now.
std::string iso8601_now();

} // namespace lttd
