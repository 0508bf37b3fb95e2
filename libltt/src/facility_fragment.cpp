#include <ltt/errors.hpp>
#include <ltt/facility_fragment.hpp>

#include "text_file.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <set>

namespace ltt {

namespace {

constexpr std::string_view header_prefix = "/* ltt-facility: ";
constexpr std::string_view header_suffix = " */";

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

template <typename T> std::optional<T> parse_number(std::string_view s, int base = 10) {
    if (s.empty() || s.size() > 20)
        return std::nullopt;
    T value{};
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
    if (ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return value;
}

bool is_identifier(std::string_view s) {
    if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    return true;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos) {
            lines.push_back(text);
            break;
        }
        lines.push_back(text.substr(0, nl));
        text.remove_prefix(nl + 1);
    }
    return lines;
}

struct header_line {
    std::string name;
    ltt::layer layer;
    std::uint32_t checksum;
    std::uint32_t events;
};

header_line parse_header(std::string_view line, const std::string& source) {
    const auto fail = [&](const std::string& why) -> header_line {
        throw parse_error(source, 1,
                          fmt::format("{} (expected `/* ltt-facility: name=<name> "
                                      "layer=<xen|kernel|ust> checksum=0x<8 hex> events=<n> */`)",
                                      why));
    };
    line = trim_right(line);
    if (!line.starts_with(header_prefix) || !line.ends_with(header_suffix))
        return fail("not an ltt-facility header line");
    std::string_view rest = line.substr(header_prefix.size(),
                                        line.size() - header_prefix.size() - header_suffix.size());
    std::optional<std::string> name;
    std::optional<ltt::layer> layer;
    std::optional<std::uint32_t> checksum;
    std::optional<std::uint32_t> events;
    while (!rest.empty()) {
        const auto sp = rest.find(' ');
        const std::string_view item = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos)
            return fail(fmt::format("`{}` is not key=value", item));
        const std::string_view key = item.substr(0, eq);
        const std::string_view value = item.substr(eq + 1);
        if (key == "name") {
            if (!is_identifier(value))
                return fail(fmt::format("bad facility name `{}`", value));
            name = std::string(value);
        } else if (key == "layer") {
            layer = parse_layer(value);
            if (!layer)
                return fail(fmt::format("unknown layer `{}`", value));
        } else if (key == "checksum") {
            if (value.size() != 10 || !value.starts_with("0x") ||
                !(checksum = parse_number<std::uint32_t>(value.substr(2), 16)))
                return fail(fmt::format("bad checksum `{}`", value));
        } else if (key == "events") {
            if (!(events = parse_number<std::uint32_t>(value)))
                return fail(fmt::format("bad event count `{}`", value));
        }
        // Other keys: later additions genevent may make; ignored.
    }
    if (!name || !layer || !checksum || !events)
        return fail("missing name, layer, checksum or events");
    return {*name, *layer, *checksum, *events};
}

} // namespace

std::string format_checksum(std::uint32_t checksum) {
    return fmt::format("0x{:08x}", checksum);
}

facility_fragment parse_fragment(std::string_view text, std::string source) {
    const std::vector<std::string_view> lines = split_lines(text);
    if (lines.empty())
        throw parse_error(source, 1, "empty fragment (no ltt-facility header line)");
    const header_line header = parse_header(lines[0], source);

    facility_fragment f;
    f.source = std::move(source);
    f.name = header.name;
    f.layer = header.layer;
    f.checksum = header.checksum;

    // One pass over the body: outside events only blank lines, comments and
    // `event {` may appear; inside, the name, id and stream_id lines are
    // checked and every other line is kept as it is.
    std::optional<fragment_event> open;
    bool have_stream_id = false;
    bool in_comment = false;
    std::set<std::uint32_t> ids;
    std::set<std::string> names;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::size_t lineno = i + 1;
        const std::string_view raw = lines[i];
        const std::string_view line = trim_right(raw);
        f.body.emplace_back(raw);
        const auto fail = [&](const std::string& why) { throw parse_error(f.source, lineno, why); };
        if (!open) {
            if (in_comment) {
                in_comment = line.find("*/") == std::string_view::npos;
                continue;
            }
            if (line.empty())
                continue;
            if (line.starts_with("/*")) {
                in_comment = line.find("*/", 2) == std::string_view::npos;
                continue;
            }
            if (line.starts_with("//"))
                continue;
            if (line != "event {")
                fail(fmt::format("expected `event {{` or a comment, found `{}`", line));
            open = fragment_event{};
            open->line = lineno;
            have_stream_id = false;
            continue;
        }
        if (line == "};") {
            if (open->name.empty())
                throw parse_error(f.source, open->line, "event has no `name = \"...\";` line");
            if (open->id_line == 0)
                throw parse_error(f.source, open->line,
                                  fmt::format("event `{}` has no `id = N;` line", open->name));
            if (!have_stream_id)
                throw parse_error(
                    f.source, open->line,
                    fmt::format("event `{}` has no `stream_id = 0;` line", open->name));
            f.events.push_back(std::move(*open));
            open.reset();
            continue;
        }
        if (line == "event {")
            fail(fmt::format("`event {{` inside the event opened at line {} (missing `}};`?)",
                             open->line));
        if (line.starts_with("\tname") && line.size() > 5 && (line[5] == ' ' || line[5] == '=')) {
            constexpr std::string_view pre = "\tname = \"";
            if (!line.starts_with(pre) || !line.ends_with("\";") || line.size() < pre.size() + 2)
                fail("malformed name line (expected `<tab>name = \"<event name>\";`)");
            if (!open->name.empty())
                fail("second name line in one event");
            const std::string_view name = line.substr(pre.size(), line.size() - pre.size() - 2);
            if (!is_identifier(name))
                fail(fmt::format("bad event name `{}`", name));
            if (!names.insert(std::string(name)).second)
                fail(fmt::format("event name `{}` appears twice", name));
            open->name = std::string(name);
        } else if (line.starts_with("\tid") && line.size() > 3 &&
                   (line[3] == ' ' || line[3] == '=')) {
            constexpr std::string_view pre = "\tid = ";
            std::optional<std::uint32_t> id;
            if (raw.starts_with(pre) && raw.ends_with(";"))
                id = parse_number<std::uint32_t>(
                    raw.substr(pre.size(), raw.size() - pre.size() - 1));
            if (!id)
                fail(fmt::format("malformed id line `{}` (expected a tab, `id = `, a decimal "
                                 "number and `;`)",
                                 line.substr(1)));
            if (open->id_line != 0)
                fail("second id line in one event");
            if (*id >= header.events)
                fail(fmt::format("event id {} out of range: the header says events={}", *id,
                                 header.events));
            if (!ids.insert(*id).second)
                fail(fmt::format("event id {} used twice", *id));
            open->local_id = *id;
            open->id_line = f.body.size() - 1;
        } else if (line.starts_with("\tstream_id")) {
            if (line != "\tstream_id = 0;")
                fail("every event must be in stream 0 (`stream_id = 0;`)");
            have_stream_id = true;
        }
    }
    if (open)
        throw parse_error(f.source, open->line, "event not closed by `};` before end of file");
    if (in_comment)
        throw parse_error(f.source, lines.size(), "comment not closed before end of file");
    if (f.events.size() != header.events)
        throw parse_error(f.source, 1,
                          fmt::format("header says events={} but the fragment declares {}",
                                      header.events, f.events.size()));
    return f;
}

facility_fragment load_fragment(const std::filesystem::path& path) {
    return parse_fragment(detail::read_text_file(path), path.string());
}

std::string facility_fragment::rebased(std::uint32_t base) const {
    std::string out =
        fmt::format("/* ltt-facility: name={} layer={} checksum={} events={} "
                    "base={} */\n",
                    name, to_string(layer), format_checksum(checksum), events.size(), base);
    std::vector<const fragment_event*> by_line(body.size(), nullptr);
    for (const auto& e : events)
        by_line[e.id_line] = &e;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (by_line[i])
            out += fmt::format("\tid = {};", std::uint64_t{base} + by_line[i]->local_id);
        else
            out += body[i];
        out += '\n';
    }
    // No blank lines at the end of a fragment's block.
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
        out.pop_back();
    return out;
}

} // namespace ltt
