#include "event_filter.hpp"

#include "../core/payload.hpp"
#include "../state/cpu_tracker.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

// A hand-written recursive-descent parser: the language is a dozen tokens,
// and no Debian-packaged expression library knows events, enums and globs.

namespace ltt::viewer {

namespace {

enum class op { eq, ne, lt, le, gt, ge, exists };

enum class key_kind { name, facility, layer, source, cpu, domid, vcpu, field };

struct value {
    std::string text;
    std::optional<std::int64_t> number;
};

// Glob with `*` only.
bool glob(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

template <typename T> bool compare(op o, const T& a, const T& b) {
    switch (o) {
    case op::eq:
        return a == b;
    case op::ne:
        return a != b;
    case op::lt:
        return a < b;
    case op::le:
        return a <= b;
    case op::gt:
        return a > b;
    case op::ge:
        return a >= b;
    case op::exists:
        return true;
    }
    return false;
}

bool compare_text(op o, std::string_view actual, const value& v) {
    if (o == op::eq)
        return glob(v.text, actual);
    if (o == op::ne)
        return !glob(v.text, actual);
    return compare(o, actual, std::string_view(v.text));
}

// The event's domain and vCPU, as the header comment says.
std::optional<std::pair<std::int64_t, std::int64_t>> owner(const event& e,
                                                           const cpu_tracker* cpus) {
    const event_class& c = *e.cls;
    std::optional<std::size_t> dom = c.field_index("dom_id");
    if (!dom)
        dom = c.field_index("domid");
    if (dom) {
        const auto vcpu = c.field_index("vcpu");
        return std::pair{static_cast<std::int64_t>(unsigned_at(c, e.payload, *dom)),
                         vcpu ? static_cast<std::int64_t>(unsigned_at(c, e.payload, *vcpu))
                              : std::int64_t{-1}};
    }
    const source_info& s = e.source();
    if (s.layer != ltt::layer::xen && s.domid)
        return std::pair{static_cast<std::int64_t>(*s.domid), static_cast<std::int64_t>(e.cpu)};
    if (s.layer == ltt::layer::xen && cpus != nullptr) {
        if (const auto v = cpus->running_on(e.cpu))
            return std::pair{static_cast<std::int64_t>(v->domid),
                             static_cast<std::int64_t>(v->vcpu)};
    }
    return std::nullopt;
}

} // namespace

struct event_filter::node {
    enum class kind { any, all, negate, test } what = kind::test;
    std::vector<std::unique_ptr<node>> children;
    key_kind key = key_kind::field;
    std::string field;
    op o = op::exists;
    value v;

    bool eval(const event& e, const cpu_tracker* cpus) const {
        switch (what) {
        case kind::any:
            for (const auto& c : children)
                if (c->eval(e, cpus))
                    return true;
            return false;
        case kind::all:
            for (const auto& c : children)
                if (!c->eval(e, cpus))
                    return false;
            return true;
        case kind::negate:
            return !children.front()->eval(e, cpus);
        case kind::test:
            return test(e, cpus);
        }
        return false;
    }

    bool number_test(std::int64_t actual) const {
        if (o == op::exists)
            return true;
        return v.number && compare(o, actual, *v.number);
    }

    bool test(const event& e, const cpu_tracker* cpus) const {
        switch (key) {
        case key_kind::name:
            return o == op::exists || compare_text(o, e.cls->name, v);
        case key_kind::facility:
            return o == op::exists || compare_text(o, e.cls->facility, v);
        case key_kind::layer:
            return o == op::exists || compare_text(o, to_string(e.source().layer), v);
        case key_kind::source:
            return o == op::exists || compare_text(o, e.source().domain_name, v);
        case key_kind::cpu:
            return number_test(e.cpu);
        case key_kind::domid:
        case key_kind::vcpu: {
            const auto who = owner(e, cpus);
            if (!who)
                return false;
            const std::int64_t n = key == key_kind::domid ? who->first : who->second;
            return n >= 0 && number_test(n);
        }
        case key_kind::field:
            return field_test(e);
        }
        return false;
    }

    bool field_test(const event& e) const {
        const auto index = e.cls->field_index(field);
        if (!index)
            return false;
        if (o == op::exists)
            return true;
        field_value fv;
        if (!field_at(*e.cls, e.payload, *index, fv))
            return false;
        const ltt::field_desc& f = e.cls->desc->fields[*index];
        switch (fv.what) {
        case field_value::kind::string:
            return compare_text(o, fv.str, v);
        case field_value::kind::array:
            return false;
        case field_value::kind::signed_int:
        case field_value::kind::unsigned_int: {
            if (!v.number && f.enumeration != nullptr) {
                const std::int64_t raw = fv.what == field_value::kind::signed_int
                                             ? fv.s
                                             : static_cast<std::int64_t>(fv.u);
                return compare_text(o, f.enumeration->name_of(raw), v);
            }
            if (!v.number)
                return false;
            if (fv.what == field_value::kind::signed_int)
                return compare(o, fv.s, *v.number);
            // Unsigned: compare without wrapping large values negative.
            if (*v.number < 0)
                return compare(o, std::int64_t{0}, std::int64_t{-1}); // actual >= 0 > value
            return compare(o, fv.u, static_cast<std::uint64_t>(*v.number));
        }
        }
        return false;
    }
};

namespace {

class parser {
public:
    explicit parser(std::string_view text) : text_(text) {}

    std::unique_ptr<event_filter::node> parse() {
        auto n = parse_or();
        skip_space();
        if (pos_ != text_.size())
            fail("unexpected text");
        return n;
    }

private:
    using node = event_filter::node;

    [[noreturn]] void fail(std::string_view what) const {
        throw filter_error(fmt::format("--filter: {} at column {}\n  {}\n  {:>{}}", what, pos_ + 1,
                                       text_, "^", pos_ + 1));
    }

    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
            ++pos_;
    }

    bool take(std::string_view token) {
        skip_space();
        if (text_.substr(pos_).starts_with(token)) {
            pos_ += token.size();
            return true;
        }
        return false;
    }

    std::unique_ptr<node> parse_or() {
        auto first = parse_and();
        if (!peek("||"))
            return first;
        auto n = std::make_unique<node>();
        n->what = node::kind::any;
        n->children.push_back(std::move(first));
        while (take("||"))
            n->children.push_back(parse_and());
        return n;
    }

    bool peek(std::string_view token) {
        skip_space();
        return text_.substr(pos_).starts_with(token);
    }

    std::unique_ptr<node> parse_and() {
        auto first = parse_not();
        if (!peek("&&"))
            return first;
        auto n = std::make_unique<node>();
        n->what = node::kind::all;
        n->children.push_back(std::move(first));
        while (take("&&"))
            n->children.push_back(parse_not());
        return n;
    }

    std::unique_ptr<node> parse_not() {
        skip_space();
        if (peek("!") && !peek("!=")) {
            take("!");
            auto n = std::make_unique<node>();
            n->what = node::kind::negate;
            n->children.push_back(parse_not());
            return n;
        }
        if (take("(")) {
            auto n = parse_or();
            if (!take(")"))
                fail("missing `)`");
            return n;
        }
        return parse_test();
    }

    std::string word() {
        skip_space();
        const std::size_t start = pos_;
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '-' ||
                c == '.' || c == ':' || c == '/')
                ++pos_;
            else
                break;
        }
        return std::string(text_.substr(start, pos_ - start));
    }

    std::unique_ptr<node> parse_test() {
        auto n = std::make_unique<node>();
        const std::string key = word();
        if (key.empty())
            fail("expected a key (name, facility, layer, source, cpu, domid, vcpu or a field)");
        n->key = key == "name"       ? key_kind::name
                 : key == "facility" ? key_kind::facility
                 : key == "layer"    ? key_kind::layer
                 : key == "source"   ? key_kind::source
                 : key == "cpu"      ? key_kind::cpu
                 : key == "domid"    ? key_kind::domid
                 : key == "vcpu"     ? key_kind::vcpu
                                     : key_kind::field;
        n->field = key;
        static constexpr std::pair<std::string_view, op> ops[] = {
            {"==", op::eq}, {"!=", op::ne}, {"<=", op::le}, {">=", op::ge},
            {"<", op::lt},  {">", op::gt},  {"=", op::eq}};
        for (const auto& [token, o] : ops) {
            if (take(token)) {
                n->o = o;
                n->v = parse_value();
                return n;
            }
        }
        n->o = op::exists;
        return n;
    }

    value parse_value() {
        skip_space();
        value v;
        if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"')) {
            const char quote = text_[pos_++];
            const std::size_t end = text_.find(quote, pos_);
            if (end == std::string_view::npos)
                fail("unterminated string");
            v.text = std::string(text_.substr(pos_, end - pos_));
            pos_ = end + 1;
            return v;
        }
        v.text = word();
        if (v.text.empty())
            fail("expected a value");
        std::string_view t = v.text;
        const bool negative = t.starts_with('-');
        if (negative)
            t.remove_prefix(1);
        int base = 10;
        if (t.starts_with("0x") || t.starts_with("0X")) {
            base = 16;
            t.remove_prefix(2);
        }
        std::uint64_t n = 0;
        const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n, base);
        if (ec == std::errc{} && end == t.data() + t.size() && !t.empty() &&
            n <= static_cast<std::uint64_t>(INT64_MAX))
            v.number = negative ? -static_cast<std::int64_t>(n) : static_cast<std::int64_t>(n);
        return v;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

} // namespace

event_filter::event_filter(std::string_view expression) : root_(parser(expression).parse()) {}
event_filter::~event_filter() = default;
event_filter::event_filter(event_filter&&) noexcept = default;
event_filter& event_filter::operator=(event_filter&&) noexcept = default;

bool event_filter::matches(const event& e, const cpu_tracker* cpus) const {
    return root_->eval(e, cpus);
}

} // namespace ltt::viewer
