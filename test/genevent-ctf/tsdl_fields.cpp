#include "tsdl_fields.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <stdexcept>
#include <string_view>

namespace ctf_test {

namespace {

// A cursor over one declaration line.
class line_parser {
public:
    line_parser(std::string_view text, std::string where) : s_(text), where_(std::move(where)) {}

    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error(fmt::format("{}: {} (at `{}`)", where_, why, s_.substr(pos_)));
    }
    void skip_spaces() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t'))
            ++pos_;
    }
    bool accept(std::string_view token) {
        skip_spaces();
        if (s_.substr(pos_).starts_with(token)) {
            pos_ += token.size();
            return true;
        }
        return false;
    }
    void expect(std::string_view token) {
        if (!accept(token))
            fail(fmt::format("expected `{}`", token));
    }
    std::string_view word() {
        skip_spaces();
        const std::size_t start = pos_;
        while (pos_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
            ++pos_;
        if (start == pos_)
            fail("expected a word");
        return s_.substr(start, pos_ - start);
    }
    std::int64_t number() {
        skip_spaces();
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
        if (ec != std::errc{}) {
            // values above INT64_MAX (u64 enums) are not in our facilities
            fail("expected a number");
        }
        pos_ = static_cast<std::size_t>(end - s_.data());
        return v;
    }
    std::string quoted() {
        skip_spaces();
        expect("\"");
        const auto end = s_.find('"', pos_);
        if (end == std::string_view::npos)
            fail("unterminated string");
        std::string out(s_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return out;
    }
    bool at_end() {
        skip_spaces();
        return pos_ == s_.size();
    }

    // `{ size = 16; align = 8; signed = false; ... }` into the field.
    void integer_attributes(field_decl& f) {
        expect("{");
        while (!accept("}")) {
            const std::string key(word());
            expect("=");
            const std::string value(word());
            expect(";");
            if (key == "size")
                f.size = static_cast<unsigned>(std::stoul(value));
            else if (key == "signed")
                f.is_signed = value == "true" || value == "1";
            else if (key == "base")
                f.base = static_cast<unsigned>(std::stoul(value));
            else if (key == "align" && value != "8")
                fail("genevent declares byte alignment");
            else if (key == "byte_order" && value != "le")
                fail("genevent declares little-endian integers");
        }
    }

private:
    std::string_view s_;
    std::string where_;
    std::size_t pos_ = 0;
};

field_decl parse_field(std::string_view line, const std::string& where) {
    line_parser p(line, where);
    field_decl f;
    if (p.accept("string")) {
        f.type = field_decl::kind::string;
        p.expect("{");
        p.expect("encoding");
        p.expect("=");
        if (p.word() != "UTF8")
            p.fail("strings are UTF8");
        p.expect(";");
        p.expect("}");
    } else if (p.accept("enum")) {
        f.type = field_decl::kind::enumeration;
        p.expect(":");
        p.expect("integer");
        p.integer_attributes(f);
        p.expect("{");
        do {
            std::string label = p.quoted();
            p.expect("=");
            const std::int64_t value = p.number();
            f.labels.emplace_back(std::move(label), value);
        } while (p.accept(","));
        p.expect("}");
    } else if (p.accept("integer")) {
        p.integer_attributes(f);
    } else {
        p.fail("not an integer, enum or string declaration");
    }
    f.name = std::string(p.word());
    if (p.accept("[")) {
        f.length = static_cast<unsigned>(p.number());
        p.expect("]");
    }
    p.expect(";");
    if (!p.at_end())
        p.fail("trailing text");
    if (f.type != field_decl::kind::string && f.size != 8 && f.size != 16 && f.size != 32 &&
        f.size != 64)
        p.fail("integer size is not 8, 16, 32 or 64");
    return f;
}

} // namespace

std::vector<event_decl> parse_events(const ltt::facility_fragment& fragment) {
    std::vector<event_decl> events;
    for (const auto& e : fragment.events) {
        event_decl d{fragment.name, e.name, e.local_id, {}};
        std::size_t i = e.id_line;
        while (i < fragment.body.size() && fragment.body[i] != "\tfields := struct {")
            ++i;
        if (i == fragment.body.size())
            throw std::runtime_error(
                fmt::format("{}: event {} has no fields struct", fragment.source, e.name));
        for (++i; i < fragment.body.size() && fragment.body[i] != "\t};"; ++i) {
            // body[i] is line i + 2 of the file (the header is line 1)
            const std::string where = fmt::format("{}:{}", fragment.source, i + 2);
            d.fields.push_back(parse_field(fragment.body[i], where));
        }
        events.push_back(std::move(d));
    }
    return events;
}

} // namespace ctf_test
