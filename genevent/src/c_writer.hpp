// Layout helpers for generated C in kernel style (tabs of 8 columns, lines
// of at most 80 columns where the content allows it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace genevent {

inline constexpr size_t kCLineWidth = 80;

// Tabs then spaces reaching column `column`.
std::string indent_to(size_t column);

// `head(arg, arg, ...tail` at `tabs` tabs of indentation, wrapped before an
// argument that would pass column 80 and continued under the first argument,
// the way Linux and Xen align call and prototype continuations. Ends in '\n'.
std::string wrap_call(size_t tabs, std::string_view head, const std::vector<std::string>& args,
                      std::string_view tail);

// A /* */ block comment at `tabs` tabs: one " * " line per entry of `lines`
// (an empty entry gives a bare " *"). A single short line becomes a one-line
// comment.
std::string block_comment(size_t tabs, const std::vector<std::string>& lines);

// `lead` followed by description text (made comment-safe), wrapped to fit a
// block comment at `tabs` tabs; continuation lines hang `hang_columns` in.
std::vector<std::string> comment_paragraph(size_t tabs, std::string_view lead,
                                           std::string_view text, size_t hang_columns = 2);

} // namespace genevent
