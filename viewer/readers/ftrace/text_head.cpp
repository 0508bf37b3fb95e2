#include "text_head.hpp"

#include "line_reader.hpp"

#include <ltt/errors.hpp>

namespace ltt::viewer {

text_head read_text_head(const std::filesystem::path& file, std::size_t max_lines) {
    text_head head;
    line_reader lines(file);
    std::string_view line;
    for (std::size_t n = 0; n < max_lines && lines.next(line); ++n) {
        try {
            switch (classify(line)) {
            case line_kind::blank:
                break;
            case line_kind::comment:
                parse_header_line(line, head.header);
                break;
            case line_kind::buffer_started:
                parse_buffer_started(line);
                break;
            case line_kind::lost:
                parse_lost(line);
                break;
            case line_kind::event: {
                event_line e;
                parse_event_line(line, e);
                split_event(e.rest);
                head.form = e.form;
                return head;
            }
            }
        } catch (const line_error& e) {
            throw ltt::parse_error(lines.name(), lines.line_number(), e.what());
        }
    }
    return head;
}

} // namespace ltt::viewer
