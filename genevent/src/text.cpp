#include "text.hpp"

#include <fmt/format.h>

#include <limits>

namespace genevent {

std::string comment_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == ' ') {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        // Break up "/*" and "*/" wherever they would form.
        if ((c == '/' && !out.empty() && out.back() == '*') ||
            (c == '*' && !out.empty() && out.back() == '/')) {
            out += ' ';
        }
        out += c;
    }
    return out;
}

std::vector<std::string> wrap(std::string_view text, size_t width) {
    std::vector<std::string> lines;
    std::string line;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t end = text.find(' ', pos);
        const std::string_view word =
            text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (!word.empty()) {
            if (!line.empty() && line.size() + 1 + word.size() > width) {
                lines.push_back(line);
                line.clear();
            }
            if (!line.empty()) {
                line += ' ';
            }
            line += word;
        }
        if (end == std::string_view::npos) {
            break;
        }
        pos = end + 1;
    }
    if (!line.empty()) {
        lines.push_back(line);
    }
    return lines;
}

std::string hex32(uint32_t value) {
    return fmt::format("0x{:08x}", value);
}

std::string c_enum_literal(int64_t value, IntType type) {
    // Plain decimal whenever the value is an int; suffixes only where C would
    // otherwise pick a type of the wrong signedness or width.
    if (value >= std::numeric_limits<int32_t>::min() &&
        value <= std::numeric_limits<int32_t>::max()) {
        return value < 0 ? fmt::format("({})", value) : fmt::format("{}", value);
    }
    if (!is_signed(type)) {
        // Unsigned enums only hold non-negative values (checked).
        return value > std::numeric_limits<uint32_t>::max() ? fmt::format("{}ull", value)
                                                            : fmt::format("{}u", value);
    }
    if (value == std::numeric_limits<int64_t>::min()) {
        return "(-9223372036854775807LL - 1)";
    }
    return value < 0 ? fmt::format("({}LL)", value) : fmt::format("{}LL", value);
}

} // namespace genevent
