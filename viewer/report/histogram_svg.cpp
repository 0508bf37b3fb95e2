#include "histogram_svg.hpp"

#include "html_text.hpp"
#include "text_report.hpp"
#include "time_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace ltt::viewer {

namespace {

struct bucket {
    double low = 0, high = 0;
    std::uint64_t count = 0;
};

double number(const cell& c) {
    if (const auto* u = std::get_if<std::uint64_t>(&c))
        return static_cast<double>(*u);
    if (const auto* s = std::get_if<std::int64_t>(&c))
        return static_cast<double>(*s);
    if (const auto* d = std::get_if<double>(&c))
        return *d;
    return 0;
}

// "2 us", "500 ns", "1 ms": bucket edges are round numbers, so no digits.
std::string short_duration(double ticks, std::uint64_t freq_hz) {
    if (freq_hz == 0) {
        if (ticks >= 1e9)
            return fmt::format("{:g}G", ticks / 1e9);
        if (ticks >= 1e6)
            return fmt::format("{:g}M", ticks / 1e6);
        if (ticks >= 1e3)
            return fmt::format("{:g}k", ticks / 1e3);
        return fmt::format("{:g}", ticks);
    }
    const double s = ticks / static_cast<double>(freq_hz);
    const auto round_to = [](double v) { return std::round(v * 10) / 10; };
    if (s >= 1)
        return fmt::format("{:g} s", round_to(s));
    if (s >= 1e-3)
        return fmt::format("{:g} ms", round_to(s * 1e3));
    if (s >= 1e-6)
        return fmt::format("{:g} us", round_to(s * 1e6));
    return fmt::format("{:g} ns", round_to(s * 1e9));
}

std::string chart(const std::string& caption, bool total, const std::vector<bucket>& buckets,
                  std::uint64_t freq_hz) {
    constexpr double width = 340, height = 150, left = 38, right = 8, top = 8, bottom = 30;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    std::uint64_t max = 1, sum = 0;
    for (const bucket& b : buckets) {
        max = std::max(max, b.count);
        sum += b.count;
    }
    const double bw = plot_w / static_cast<double>(std::max<std::size_t>(1, buckets.size()));
    std::string svg = fmt::format(
        "<figure class=\"chart{}\"><figcaption>{} <span class=\"tl-sub\">{} values</span>"
        "</figcaption><svg width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\">",
        total ? " total" : "", html_escape(caption), sum, width, height, width, height);
    // Axes, and the largest count on the left.
    svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#cbd5e1\"/>",
                       left, top + plot_h, left + plot_w);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 4, top + 8,
                       max);
    svg +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>", left - 4, top + plot_h);
    // Label every k-th edge so labels do not collide.
    const std::size_t every = std::max<std::size_t>(1, (buckets.size() + 5) / 6);
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const bucket& b = buckets[i];
        const double h = plot_h * static_cast<double>(b.count) / static_cast<double>(max);
        const double x = left + bw * static_cast<double>(i);
        svg += fmt::format("<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                           "height=\"{:.1f}\"><title>{} \u2013 {}: {}</title></rect>",
                           x + 0.5, top + plot_h - h, std::max(1.0, bw - 1), h,
                           html_escape(format_duration(b.low, freq_hz)),
                           html_escape(format_duration(b.high, freq_hz)), b.count);
        if (i % every == 0)
            svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" "
                               "stroke=\"#94a3b8\"/><text x=\"{0:.1f}\" y=\"{3}\" "
                               "text-anchor=\"middle\">{4}</text>",
                               x, top + plot_h, top + plot_h + 4, top + plot_h + 15,
                               html_escape(short_duration(b.low, freq_hz)));
    }
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left + plot_w,
                       height - 2, freq_hz == 0 ? "cycles (log scale)" : "latency (log scale)");
    svg += "</svg></figure>";
    return svg;
}

} // namespace

std::string render_histograms(const table& t, std::uint64_t freq_hz) {
    std::size_t low = 0, high = 0, count = 0;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (t.columns[i].name == "bucket_low")
            low = i;
        else if (t.columns[i].name == "bucket_high")
            high = i;
        else if (t.columns[i].name == "count")
            count = i;
    }
    // Series in order of first appearance.
    std::vector<std::pair<std::string, std::vector<bucket>>> series;
    std::map<std::string, std::size_t> index;
    std::map<std::string, bool> totals;
    const text_style style{freq_hz};
    for (const auto& row : t.rows) {
        if (row.size() <= std::max({low, high, count}))
            continue;
        std::string key;
        for (std::size_t i = 0; i < low; ++i) {
            const std::string v = cell_text(row[i], t.columns[i].unit, style);
            if (v.empty() || v == "-")
                continue;
            if (!key.empty())
                key += " \u00b7 ";
            const std::string& h =
                t.columns[i].header.empty() ? t.columns[i].name : t.columns[i].header;
            key += t.columns[i].unit == unit::text ? v : h + " " + v;
        }
        auto [it, fresh] = index.emplace(key, series.size());
        if (fresh) {
            series.emplace_back(key, std::vector<bucket>{});
            totals[key] = low > 0 && cell_text(row[low - 1], unit::text, style) == "total";
        }
        series[it->second].second.push_back(
            {number(row[low]), number(row[high]), static_cast<std::uint64_t>(number(row[count]))});
    }
    std::string out = "<div class=\"charts\">";
    for (const auto& [key, buckets] : series)
        out += chart(key, totals[key], buckets, freq_hz);
    out += "</div>";
    return out;
}

} // namespace ltt::viewer
