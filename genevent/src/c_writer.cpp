#include "c_writer.hpp"

#include "text.hpp"

namespace genevent {

std::string indent_to(size_t column) {
    return std::string(column / 8, '\t') + std::string(column % 8, ' ');
}

std::string wrap_call(size_t tabs, std::string_view head, const std::vector<std::string>& args,
                      std::string_view tail) {
    std::string out(tabs, '\t');
    out += head;
    out += '(';
    const size_t open_column = tabs * 8 + head.size() + 1;
    size_t column = open_column;
    bool line_empty = true;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string piece = args[i] + (i + 1 < args.size() ? "," : std::string(tail));
        if (!line_empty && column + 1 + piece.size() > kCLineWidth) {
            out += '\n';
            out += indent_to(open_column);
            column = open_column;
            line_empty = true;
        }
        if (!line_empty) {
            out += ' ';
            ++column;
        }
        out += piece;
        column += piece.size();
        line_empty = false;
    }
    if (args.empty()) {
        out += tail;
    }
    out += '\n';
    return out;
}

std::string block_comment(size_t tabs, const std::vector<std::string>& lines) {
    const std::string indent(tabs, '\t');
    if (lines.size() == 1 && tabs * 8 + lines[0].size() + 6 <= kCLineWidth) {
        return indent + "/* " + lines[0] + " */\n";
    }
    std::string out = indent + "/*\n";
    for (const std::string& line : lines) {
        out += indent + (line.empty() ? " *" : " * " + line) + '\n';
    }
    out += indent + " */\n";
    return out;
}

std::vector<std::string> comment_paragraph(size_t tabs, std::string_view lead,
                                           std::string_view text, size_t hang_columns) {
    // Continuation lines are indented past the lead's own indentation: aligning them under the text
    // wastes the line for long leads (long enum or field names).
    const size_t own = lead.find_first_not_of(' ');
    const std::string hang((own == std::string_view::npos ? 0 : own) + hang_columns, ' ');
    const size_t used = tabs * 8 + 3;
    const size_t width = used + 40 < kCLineWidth ? kCLineWidth - used : 40;
    std::vector<std::string> lines =
        wrap(std::string(lead) + comment_text(text), width - hang.size());
    if (lines.empty()) {
        lines.emplace_back();
    }
    // wrap() measured every line against the narrower width; the first one
    // has no hang, the others get it.
    for (size_t i = 1; i < lines.size(); ++i) {
        lines[i] = hang + lines[i];
    }
    if (own != std::string_view::npos && own > 0) {
        lines[0] = std::string(own, ' ') + lines[0];
    }
    return lines;
}

} // namespace genevent
