// report/histogram_svg.hpp - histogram tables (core/table.hpp) drawn as
// small SVG bar charts, one per series, inline in the HTML report (no
// script needed to see them). Buckets are evenly spaced whatever their
// width: they are log-scale, so the axis reads 1 us, 2 us, 5 us, 10 us...
#pragma once

#include "../core/table.hpp"

#include <cstdint>
#include <string>

namespace ltt::viewer {

// The charts of `t` (a histogram table) as HTML, times shown with freq_hz
// (cycles when 0).
std::string render_histograms(const table& t, std::uint64_t freq_hz);

} // namespace ltt::viewer
