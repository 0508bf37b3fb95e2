// An INI-like file parsed by hand: Debian has no small INI library that
// reports line numbers for semantic errors (a wrong value, a missing key),
// and the format is a dozen keys.
#include "boot_config.hpp"

#include <lttd/size_parse.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace lttd {

namespace {

// Keys and the create request's JSON field they set (for protocol errors).
const std::map<std::string, std::string, std::less<>> key_fields{
    {"source", "source"},
    {"output", "output"},
    {"mode", "mode"},
    {"subbuf-size", "subbuf_size"},
    {"subbufs", "subbufs"},
    {"facilities", "facilities"},
    {"flush-interval", "flush_interval_ms"},
    {"enable", "events"},
    {"snapshot-keep", "snapshot_keep"},
    {"snapshot-max-size", "snapshot_max_bytes"},
    {"guest-max-size", "guest_max_bytes"},
};

constexpr std::size_t max_line_length = 4096;

std::string_view trim(std::string_view s) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return s;
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

// One [session NAME] section being read.
struct section {
    std::string name;
    std::size_t line = 0;
    std::map<std::string, std::size_t, std::less<>> key_lines; // first line of each key
    nlohmann::json request = nlohmann::json::object();
    std::vector<std::string> events;
    bool bad = false;
};

class parser {
public:
    explicit parser(std::string file) : file_(std::move(file)) {}

    void line(std::size_t number, std::string_view text) {
        if (text.size() > max_line_length)
            return error(number, fmt::format("line longer than {} characters", max_line_length));
        text = trim(text);
        if (text.empty() || text.front() == '#' || text.front() == ';')
            return;
        if (text.front() == '[')
            return header(number, text);
        const auto eq = text.find('=');
        if (eq == std::string_view::npos)
            return error(number, fmt::format("`{}` is not `key = value` or `[session NAME]`",
                                             text.substr(0, 80)));
        const auto key = trim(text.substr(0, eq));
        const auto value = trim(text.substr(eq + 1));
        if (!current_)
            return error(number, fmt::format("`{}` outside a [session NAME] section", key));
        set(number, key, value);
    }

    boot_config finish() {
        close_section();
        return std::move(result_);
    }

private:
    void error(std::size_t number, const std::string& problem) {
        std::string where = fmt::format("{}:{}: ", file_, number);
        std::string note;
        if (current_ && !current_->bad) {
            current_->bad = true;
            note = fmt::format(" (session {} is not started)", current_->name);
        }
        result_.errors.push_back(where + problem + note);
    }

    void header(std::size_t number, std::string_view text) {
        close_section();
        // The keys that follow belong to this section even when its header
        // is wrong: they are skipped with it, not each reported.
        current_.emplace();
        current_->line = number;
        const auto parts = text.back() == ']' ? words(text.substr(1, text.size() - 2))
                                              : std::vector<std::string>{};
        if (parts.size() != 2 || parts[0] != "session") {
            current_->name = fmt::format("of line {}", number);
            return error(number, fmt::format("`{}` is not a section header `[session NAME]`",
                                             text.substr(0, 80)));
        }
        current_->name = parts[1];
        if (!valid_session_name(parts[1]))
            return error(number, fmt::format("`{}` is not a session name (1 to 64 of "
                                             "A-Z a-z 0-9 _ . -, not starting with . or -)",
                                             parts[1]));
        if (std::any_of(result_.sessions.begin(), result_.sessions.end(),
                        [&](const boot_session& s) { return s.create.name == parts[1]; }) ||
            std::find(names_.begin(), names_.end(), parts[1]) != names_.end())
            return error(number, fmt::format("session `{}` is defined twice", parts[1]));
        names_.push_back(parts[1]);
        current_->request = {{"cmd", "create"}, {"name", parts[1]}};
    }

    void set(std::size_t number, std::string_view key, std::string_view value) {
        const auto field = key_fields.find(key);
        if (field == key_fields.end()) {
            std::string known;
            for (const auto& [k, f] : key_fields)
                known += (known.empty() ? "" : ", ") + k;
            return error(number, fmt::format("unknown key `{}` (known: {})", key, known));
        }
        if (value.empty())
            return error(number, fmt::format("`{}` has no value", key));
        // Values travel as JSON requests, which must be UTF-8.
        try {
            (void)nlohmann::json(std::string(value)).dump();
        } catch (const nlohmann::json::exception&) {
            return error(number, fmt::format("the value of `{}` is not valid UTF-8", key));
        }
        const bool repeatable = key == "source" || key == "facilities" || key == "enable";
        if (!repeatable && current_->key_lines.contains(key))
            return error(number, fmt::format("`{}` is set twice (first on line {})", key,
                                             current_->key_lines.find(key)->second));
        current_->key_lines.emplace(std::string(key), number);
        auto& req = current_->request;
        const std::string v(value);
        if (key == "source" || key == "facilities") {
            auto& list = req[field->second];
            if (list.is_null())
                list = nlohmann::json::array();
            list.push_back(v);
        } else if (key == "enable") {
            for (auto& w : words(value))
                current_->events.push_back(std::move(w));
        } else if (key == "output" || key == "mode") {
            req[field->second] = v;
        } else if (key == "subbuf-size" || key == "snapshot-max-size" || key == "guest-max-size") {
            const auto bytes = parse_size(value);
            if (!bytes)
                return error(
                    number, fmt::format("{}: `{}` is not a size (e.g. 4096, 64k, 1M, 2G)", key, v));
            req[field->second] = *bytes;
        } else {
            const auto n = parse_uint(value);
            if (!n)
                return error(number, fmt::format("{}: `{}` is not a whole number", key, v));
            req[field->second] = *n;
        }
    }

    // Validates the section as lttd validates a create request, and keeps it.
    void close_section() {
        if (!current_)
            return;
        section s = std::move(*current_);
        current_.reset();
        if (s.bad)
            return;
        const auto fail = [&](std::size_t number, const std::string& problem) {
            result_.errors.push_back(fmt::format("{}:{}: {} (session {} is not started)", file_,
                                                 number, problem, s.name));
        };
        for (const char* required : {"source", "output"})
            if (!s.key_lines.contains(required))
                return fail(s.line, fmt::format("session {} has no `{}`", s.name, required));
        if (s.events.empty())
            s.events.push_back("*");
        try {
            auto req = std::get<create_request>(parse_request(s.request.dump()));
            // The same limit lttd applies to an enable request.
            parse_request(
                nlohmann::json{{"cmd", "enable"}, {"name", s.name}, {"events", s.events}}.dump());
            result_.sessions.push_back({file_, s.line, std::move(req), std::move(s.events)});
        } catch (const protocol_error& e) {
            // "field: problem": point at the key that set the field.
            const std::string what = e.what();
            std::size_t number = s.line;
            for (const auto& [key, line] : s.key_lines) {
                const auto& f = key_fields.at(key);
                if (what.starts_with(f + ":") || what.starts_with(f + "["))
                    number = line;
            }
            fail(number, what);
        }
    }

    std::string file_;
    std::optional<section> current_;
    std::vector<std::string> names_;
    boot_config result_;
};

} // namespace

boot_config parse_boot_config(std::string_view text, const std::string& file) {
    parser p(file);
    std::size_t number = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const auto line = text.substr(0, nl);
        ++number;
        if (line.find('\0') != std::string_view::npos) {
            boot_config c;
            c.errors.push_back(fmt::format("{}:{}: a NUL byte: not a text file", file, number));
            return c;
        }
        p.line(number, line);
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
    return p.finish();
}

boot_config load_boot_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (in)
        text << in.rdbuf();
    if (!in || in.bad()) {
        boot_config c;
        c.errors.push_back(fmt::format("{}: cannot read: {}", file.string(),
                                       std::error_code(errno, std::generic_category()).message()));
        return c;
    }
    return parse_boot_config(text.str(), file.string());
}

} // namespace lttd
