#include "text_line.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace ltt::viewer {

namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

bool is_ident(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

std::size_t skip_spaces(std::string_view s, std::size_t p) noexcept {
    while (p < s.size() && s[p] == ' ')
        ++p;
    return p;
}

template <typename T> bool to_number(std::string_view digits, T& out, int base = 10) noexcept {
    if (digits.empty())
        return false;
    const char* end = digits.data() + digits.size();
    const auto r = std::from_chars(digits.data(), end, out, base);
    return r.ec == std::errc{} && r.ptr == end;
}

// Digits from p on (none when p is past the end: a short, damaged line).
std::string_view digits_at(std::string_view s, std::size_t p) noexcept {
    if (p > s.size())
        return {};
    std::size_t e = p;
    while (e < s.size() && is_digit(s[e]))
        ++e;
    return s.substr(p, e - p);
}

// The '-' between comm and pid when the line does not have the usual
// 16-column comm: found backwards from the first well-formed `[cpu] `.
std::size_t find_pid_dash(std::string_view line) {
    for (std::size_t open = line.find('['); open != std::string_view::npos;
         open = line.find('[', open + 1)) {
        const std::string_view cpu = digits_at(line, open + 1);
        const std::size_t close = open + 1 + cpu.size();
        if (cpu.empty() || close + 1 >= line.size() || line[close] != ']' || line[close + 1] != ' ')
            continue;
        std::size_t j = open;
        std::size_t spaces = 0;
        while (j > 0 && line[j - 1] == ' ') {
            --j;
            ++spaces;
        }
        if (spaces == 0)
            continue;
        if (j > 0 && line[j - 1] == ')') { // (tgid)
            const std::size_t paren = line.rfind('(', j - 1);
            if (paren == std::string_view::npos)
                continue;
            j = paren;
            spaces = 0;
            while (j > 0 && line[j - 1] == ' ') {
                --j;
                ++spaces;
            }
            if (spaces == 0)
                continue;
        }
        std::size_t d = j;
        while (d > 0 && is_digit(line[d - 1]))
            --d;
        if (d == j || d == 0 || line[d - 1] != '-')
            continue;
        return d - 1;
    }
    throw line_error("not an ftrace event line (no `comm-pid [cpu]` columns)");
}

void parse_timestamp(std::string_view token, event_line& out) {
    const std::size_t dot = token.find('.');
    if (dot == std::string_view::npos) {
        if (!to_number(token, out.ts))
            throw line_error(fmt::format("timestamp `{}` is not a number", token));
        out.form = timestamp_form::counter;
        return;
    }
    std::uint64_t sec = 0;
    std::uint64_t frac = 0;
    const std::string_view fraction = token.substr(dot + 1);
    // "%5lu.%06lu" (microseconds) from the kernel; nanoseconds as trace-cmd
    // report -t prints them are taken too.
    if (!to_number(token.substr(0, dot), sec) || (fraction.size() != 6 && fraction.size() != 9) ||
        fraction.find_first_not_of("0123456789") != std::string_view::npos ||
        !to_number(fraction, frac))
        throw line_error(fmt::format("timestamp `{}` is neither an integer nor "
                                     "seconds.microseconds",
                                     token));
    const std::uint64_t scale = fraction.size() == 6 ? 1000 : 1;
    if (sec > (std::numeric_limits<std::uint64_t>::max() - frac * scale) / 1'000'000'000)
        throw line_error(fmt::format("timestamp `{}` overflows 64-bit nanoseconds", token));
    out.ts = sec * 1'000'000'000 + frac * scale;
    out.form = timestamp_form::sec_usec;
}

} // namespace

void parse_event_line(std::string_view line, event_line& out) {
    out = event_line{};
    // "%16s-%-7d ": comm ends at column 16 whatever it holds.
    const std::size_t dash =
        line.size() > 17 && line[16] == '-' && is_digit(line[17]) ? 16 : find_pid_dash(line);
    std::size_t p = skip_spaces(line, 0);
    if (p >= dash)
        throw line_error("no task name before the pid");
    out.comm = line.substr(p, dash - p);

    const std::string_view pid = digits_at(line, dash + 1);
    if (!to_number(pid, out.pid))
        throw line_error("no pid after the task name");
    p = dash + 1 + pid.size();
    std::size_t q = skip_spaces(line, p);
    if (q == p)
        throw line_error("no space after the pid");
    p = q;

    if (p < line.size() && line[p] == '(') { // "(%7d) " or "(-------) "
        const std::size_t close = line.find(')', p);
        if (close == std::string_view::npos)
            throw line_error("`(` of the tgid column is not closed");
        const std::string_view tgid = line.substr(p + 1, close - p - 1);
        const std::size_t t = skip_spaces(tgid, 0);
        if (tgid != "-------") {
            std::int32_t v = 0;
            if (!to_number(tgid.substr(t), v))
                throw line_error(fmt::format("tgid `{}` is not a number", tgid));
            out.tgid = v;
        }
        p = skip_spaces(line, close + 1);
    }

    if (p >= line.size() || line[p] != '[')
        throw line_error("no `[cpu]` column");
    const std::string_view cpu = digits_at(line, p + 1);
    if (!to_number(cpu, out.cpu) || p + 1 + cpu.size() >= line.size() ||
        line[p + 1 + cpu.size()] != ']')
        throw line_error("malformed `[cpu]` column");
    p += cpu.size() + 2;

    // Flags (irq-info) or the timestamp, which ends at ':'.
    p = skip_spaces(line, p);
    std::size_t e = line.find_first_of(" :", p);
    if (e == std::string_view::npos)
        throw line_error("no timestamp");
    if (line[e] == ' ') {
        out.flags = line.substr(p, e - p);
        if (out.flags.size() > 8)
            throw line_error(
                fmt::format("`{}` is neither the flags column nor a timestamp", out.flags));
        p = skip_spaces(line, e);
        e = line.find(':', p);
        if (e == std::string_view::npos)
            throw line_error("no timestamp after the flags");
    }
    parse_timestamp(line.substr(p, e - p), out);
    p = e + 1;
    if (p < line.size()) {
        if (line[p] != ' ')
            throw line_error("no space after the timestamp's `:`");
        ++p;
    }
    out.rest = line.substr(p);
    if (out.rest.empty())
        throw line_error("nothing after the timestamp (no event)");
}

event_text split_event(std::string_view rest) {
    std::size_t n = 0;
    while (n < rest.size() && is_ident(rest[n]))
        ++n;
    if (n == 0)
        throw line_error(fmt::format("no event name in `{}`", rest.substr(0, 40)));
    if (n == rest.size())
        return {rest, {}};
    if (rest[n] == ':') {
        if (n + 1 == rest.size())
            return {rest.substr(0, n), {}};
        if (rest[n + 1] == ' ')
            return {rest.substr(0, n), rest.substr(n + 2)};
    }
    return {rest.substr(0, n), rest.substr(n)};
}

line_kind classify(std::string_view line) noexcept {
    const std::size_t p = skip_spaces(line, 0);
    if (p == line.size())
        return line_kind::blank;
    if (line.starts_with("##### CPU "))
        return line_kind::buffer_started;
    if (line[0] == '#')
        return line_kind::comment;
    if (line.starts_with("CPU:"))
        return line_kind::lost;
    return line_kind::event;
}

std::uint32_t parse_buffer_started(std::string_view line) {
    constexpr std::string_view head = "##### CPU ";
    constexpr std::string_view tail = " buffer started ####";
    const std::string_view cpu = digits_at(line, head.size());
    std::uint32_t n = 0;
    if (!to_number(cpu, n) || line.substr(head.size() + cpu.size()) != tail)
        throw line_error("malformed `##### CPU n buffer started ####` line");
    return n;
}

lost_line parse_lost(std::string_view line) {
    lost_line out;
    const std::string_view cpu = digits_at(line, 4);
    if (!to_number(cpu, out.cpu))
        throw line_error("malformed `CPU:n [LOST m EVENTS]` line (no CPU number)");
    const std::string_view what = line.substr(4 + cpu.size());
    if (what == " [LOST EVENTS]")
        return out;
    constexpr std::string_view head = " [LOST ";
    constexpr std::string_view tail = " EVENTS]";
    const std::string_view count = digits_at(what, head.size());
    std::uint64_t n = 0;
    if (!what.starts_with(head) || !to_number(count, n) ||
        what.substr(head.size() + count.size()) != tail)
        throw line_error("malformed `CPU:n [LOST m EVENTS]` line");
    // (unsigned long)-1 is how older kernels said "some, unknown how many".
    if (n != std::numeric_limits<std::uint64_t>::max())
        out.count = n;
    return out;
}

void parse_header_line(std::string_view line, trace_header& header) {
    constexpr std::string_view tracer = "# tracer: ";
    constexpr std::string_view entries = "# entries-in-buffer/entries-written: ";
    if (line.starts_with(tracer)) {
        std::string_view name = line.substr(tracer.size());
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        header.tracer = name;
    } else if (line.starts_with(entries)) {
        const std::string_view v = line.substr(entries.size());
        const std::string_view in = digits_at(v, 0);
        const std::size_t slash = in.size();
        const std::string_view written =
            slash < v.size() && v[slash] == '/' ? digits_at(v, slash + 1) : std::string_view{};
        std::uint64_t a = 0, b = 0;
        if (!to_number(in, a) || !to_number(written, b))
            throw line_error("malformed `entries-in-buffer/entries-written: n/m` header line");
        header.entries_in_buffer = a;
        header.entries_written = b;
        const std::size_t cpus = v.find("#P:");
        if (cpus != std::string_view::npos) {
            std::uint32_t c = 0;
            if (!to_number(digits_at(v, cpus + 3), c))
                throw line_error("malformed `#P:n` in the header");
            header.cpus = c;
        }
    } else if (line.find(" latency trace v") != std::string_view::npos) {
        header.latency_format = true;
    }
}

} // namespace ltt::viewer
