#include "xentrace_formats.hpp"

#include <ltt/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <vector>

#ifndef LTT_VIEW_DATADIR
#define LTT_VIEW_DATADIR ""
#endif

namespace fs = std::filesystem;

namespace ltt::xentrace {

namespace {

constexpr std::string_view formats_file_name = "xen-4.17-formats";

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

// Letters and digits kept (lower-cased), anything else one `_`, bit-field
// widths ("[16]") dropped, no `_` at either end.
std::string identifier(std::string_view label) {
    std::string out;
    for (std::size_t i = 0; i < label.size(); ++i) {
        const char c = label[i];
        if (c == '[') {
            const std::size_t close = label.find(']', i);
            if (close != std::string_view::npos) {
                i = close;
                continue;
            }
        }
        if (std::isalnum(static_cast<unsigned char>(c)))
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else if (!out.empty() && out.back() != '_')
            out.push_back('_');
    }
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    return out;
}

// An event name as a class name: blanks become `_`, characters the event
// filter does not take in a name become `_` too.
std::string class_name(std::string_view label) {
    std::string out;
    for (const char c : label) {
        const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
                          c == '.' || c == '-';
        if (keep)
            out.push_back(c);
        else if (!out.empty() && out.back() != '_')
            out.push_back('_');
    }
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    return out;
}

// How a format prints its words: in hex (%x), as signed numbers (%d).
struct conversions {
    std::array<bool, extra_max>& hex;
    std::array<bool, extra_max>& is_signed;
};

// The data words a piece of a format prints: %(1) .. %(7), in order; with
// `conv`, their conversions are recorded there.
std::vector<unsigned> word_refs(std::string_view s, const conversions* conv = nullptr) {
    std::vector<unsigned> refs;
    for (std::size_t p = s.find("%("); p != std::string_view::npos; p = s.find("%(", p + 2)) {
        const std::size_t close = s.find(')', p);
        if (close == std::string_view::npos)
            break;
        unsigned n = 0;
        const std::string_view digits = s.substr(p + 2, close - p - 2);
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec == std::errc{} && end == digits.data() + digits.size() && n >= 1 && n <= extra_max) {
            refs.push_back(n);
            // The conversion: flags and width, then a letter ("08x").
            std::size_t c = close + 1;
            while (c < s.size() && (std::isdigit(static_cast<unsigned char>(s[c])) || s[c] == '-'))
                ++c;
            if (conv != nullptr && c < s.size()) {
                conv->hex[n - 1] = s[c] == 'x' || s[c] == 'X';
                conv->is_signed[n - 1] = s[c] == 'd' || s[c] == 'i';
            }
        }
    }
    return refs;
}

// Names the words `refs` of one "label = value" piece.
void name_words(format_entry& e, std::string_view label, const std::vector<unsigned>& refs) {
    if (refs.empty())
        return;
    std::string base = identifier(label);
    if (base.empty())
        return; // unnamed: w<n>
    std::vector<std::string> names;
    if (refs.size() == 1) {
        names.push_back(base);
    } else {
        // "prev<dom:vcpu>": prev_dom, prev_vcpu.
        std::string prefix;
        std::string_view parts_text = label;
        if (const auto lt = label.find('<'); lt != std::string_view::npos) {
            prefix = identifier(label.substr(0, lt));
            const auto gt = label.find('>', lt);
            parts_text = label.substr(lt + 1, gt == std::string_view::npos ? gt : gt - lt - 1);
        }
        std::vector<std::string> parts;
        std::size_t start = 0;
        for (;;) {
            const std::size_t colon = parts_text.find(':', start);
            std::string part = identifier(parts_text.substr(start, colon - start));
            if (!prefix.empty() && !part.empty())
                part = prefix + "_" + part;
            parts.push_back(std::move(part));
            if (colon == std::string_view::npos)
                break;
            start = colon + 1;
        }
        const bool usable = parts.size() == refs.size() &&
                            std::none_of(parts.begin(), parts.end(),
                                         [](const std::string& p) { return p.empty(); });
        if (usable)
            names = std::move(parts);
        else if (refs.size() == 2)
            names = {base + "_hi", base + "_lo"}; // printed high word first: 0x%(2)08x%(1)08x
        else
            for (std::size_t i = 0; i < refs.size(); ++i)
                names.push_back(fmt::format("{}_{}", base, i + 1));
    }
    for (std::size_t i = 0; i < refs.size(); ++i) {
        std::string& slot = e.words[refs[i] - 1];
        if (slot.empty())
            slot = names[i];
    }
}

// The text before "%(" in a value token ("CPU%(3)d": CPU), unless it is
// the 0x of a hexadecimal value.
std::string_view value_prefix(std::string_view token) {
    std::string_view prefix = token.substr(0, token.find("%("));
    if (prefix.ends_with("0x"))
        prefix.remove_suffix(2);
    return prefix;
}

// The words of `s` between blanks.
std::vector<std::string> blank_separated(std::string_view s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        const std::size_t start = i;
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        if (i > start)
            words.emplace_back(s.substr(start, i - start));
    }
    return words;
}

struct word_group {
    std::string label;
    std::vector<unsigned> refs;
};

// The words a format line prints, grouped by the label that names them:
// "dom:vcpu = 0x%(1)04x%(2)04x" is one group of two words, "irq = %(3)d
// %(4)d" one of two, "vector 0x%(2)x on CPU%(3)d" two (vector, CPU).
// Pieces are separated by commas; in a piece, a value right after `=` (or
// right after a value of the same group) belongs to the label before `=`,
// any other value is named by the text it starts with or, failing that, by
// the word before it.
std::vector<word_group> word_groups(std::string_view fields, const conversions& conv) {
    std::vector<word_group> groups;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = fields.find(',', start);
        const std::string_view piece = fields.substr(start, comma - start);
        std::vector<std::string> tokens;
        for (std::string t : blank_separated(piece)) {
            // "ecx=0x%(4)08x" is "ecx", "=", "0x%(4)08x" ("=>" is text).
            const std::size_t eq = t.find('=');
            if (eq != std::string::npos && t != "=" && t.compare(eq, 2, "=>") != 0) {
                if (eq > 0)
                    tokens.push_back(t.substr(0, eq));
                tokens.emplace_back("=");
                if (eq + 1 < t.size())
                    tokens.push_back(t.substr(eq + 1));
            } else {
                tokens.push_back(std::move(t));
            }
        }
        std::vector<std::string> text; // words since the last value or `=`
        enum { none, after_equals, after_value } state = none;
        for (const std::string& t : tokens) {
            if (t == "=") {
                std::string label;
                for (const std::string& w : text)
                    label += (label.empty() ? "" : " ") + w;
                groups.push_back({std::move(label), {}});
                text.clear();
                state = after_equals;
                continue;
            }
            const std::vector<unsigned> refs = word_refs(t, &conv);
            if (refs.empty()) {
                text.push_back(t);
                state = none;
                continue;
            }
            if (state == none) {
                std::string label(value_prefix(t));
                if (identifier(label).empty() && !text.empty())
                    label = text.back();
                groups.push_back({std::move(label), {}});
            }
            groups.back().refs.insert(groups.back().refs.end(), refs.begin(), refs.end());
            text.clear();
            state = after_value;
        }
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    return groups;
}

format_entry parse_format(std::uint32_t id, std::string_view body) {
    format_entry e;
    // Drop the standard prefix: CPU%(cpu)d  %(tsc)d (+%(reltsc)8d)
    for (const std::string_view mark : {"%(reltsc)", "%(tsc)", "%(cpu)"}) {
        const std::size_t at = body.rfind(mark);
        if (at == std::string_view::npos)
            continue;
        std::size_t end = body.find_first_of(" \t", at);
        body = end == std::string_view::npos ? std::string_view{} : body.substr(end);
        break;
    }
    body = trim(body);
    std::string_view fields;
    if (const std::size_t open = body.find('['); open != std::string_view::npos) {
        e.label = std::string(trim(body.substr(0, open)));
        fields = body.substr(open + 1);
        if (const std::size_t close = fields.rfind(']'); close != std::string_view::npos)
            fields = fields.substr(0, close);
    } else {
        // "lost_records      0x%(1)08x": the name is what comes before the
        // first word that prints a value.
        std::size_t first = body.find("%(");
        if (first != std::string_view::npos) {
            const std::size_t blank = body.find_last_of(" \t", first);
            first = blank == std::string_view::npos ? 0 : blank;
        }
        e.label = std::string(trim(body.substr(0, first)));
        fields = first == std::string_view::npos ? std::string_view{} : body.substr(first);
    }
    e.name = class_name(e.label);
    if (e.name.empty())
        e.name = fmt::format("0x{:08x}", id);
    for (const word_group& g : word_groups(fields, conversions{e.hex, e.is_signed})) {
        for (const unsigned r : g.refs)
            e.words_shown = std::max(e.words_shown, r);
        name_words(e, g.label, g.refs);
    }
    // Two words with one name: the later one takes its w<n>.
    for (unsigned i = 0; i < extra_max; ++i)
        for (unsigned j = 0; j < i; ++j)
            if (!e.words[i].empty() && e.words[i] == e.words[j])
                e.words[i] = fmt::format("{}_w{}", e.words[i], i + 1);
    return e;
}

} // namespace

formats formats::parse(std::string_view text, const std::string& file) {
    formats f;
    f.file_ = file;
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = trim(text.substr(start, end - start));
        start = end + 1;
        ++line_no;
        if (line.empty() || line.front() == '#')
            continue;
        if (!line.starts_with("0x") && !line.starts_with("0X"))
            throw ltt::parse_error(file, line_no,
                                   "expected an event id (0x...) at the start of the line");
        const std::size_t id_end = line.find_first_of(" \t");
        const std::string_view hex =
            line.substr(2, id_end == std::string_view::npos ? std::string_view::npos : id_end - 2);
        std::uint32_t id = 0;
        const auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), id, 16);
        if (ec != std::errc{} || p != hex.data() + hex.size() || hex.empty())
            throw ltt::parse_error(file, line_no,
                                   fmt::format("`0x{}` is not a hexadecimal event id", hex));
        if (id > event_mask)
            throw ltt::parse_error(file, line_no,
                                   fmt::format("event id 0x{:x} does not fit 28 bits", id));
        if (id == 0)
            continue; // the template for ids the file does not list
        f.entries_[id] = parse_format(id, id_end == std::string_view::npos ? std::string_view{}
                                                                           : line.substr(id_end));
    }

    // Unique class names: a 64-bit variant is name64, other sharers _0x<id>.
    std::map<std::string, std::vector<std::uint32_t>> by_name;
    for (const auto& [id, e] : f.entries_)
        by_name[e.name].push_back(id);
    for (auto& [name, ids] : by_name) {
        if (ids.size() < 2)
            continue;
        std::sort(ids.begin(), ids.end());
        for (std::size_t i = 1; i < ids.size(); ++i) {
            const bool wide = ids.size() == 2 && (ids[1] ^ ids[0]) == 0x100u;
            f.entries_[ids[i]].name = wide ? name + "64" : fmt::format("{}_0x{:07x}", name, ids[i]);
        }
    }
    return f;
}

formats formats::load(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::system_error(errno, std::generic_category(), file.string());
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw std::system_error(errno, std::generic_category(), file.string());
    return parse(text.str(), file.string());
}

const format_entry* formats::find(std::uint32_t event) const {
    const auto it = entries_.find(event);
    return it == entries_.end() ? nullptr : &it->second;
}

fs::path installed_formats() {
    std::vector<fs::path> candidates;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        candidates.push_back(exe.parent_path().parent_path() / "share/ltt-xen" / formats_file_name);
    if (std::string_view(LTT_VIEW_DATADIR).size() != 0)
        candidates.push_back(fs::path(LTT_VIEW_DATADIR) / "ltt-xen" / formats_file_name);
    for (const fs::path& p : candidates)
        if (fs::is_regular_file(p, ec))
            return p;
    return {};
}

std::string word_name(const format_entry* entry, unsigned index) {
    if (entry != nullptr && index < extra_max && !entry->words[index].empty())
        return entry->words[index];
    return fmt::format("w{}", index + 1);
}

} // namespace ltt::xentrace
